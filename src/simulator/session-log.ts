/** Line types of cPanel transfer logs. */
export type LogLineType = 'control' | 'out' | 'warn' | 'success' | 'failure';

/** Control actions that cPanel's master process writes to `master.log`. */
export type ControlAction =
  | 'start' | 'initiator' | 'version' | 'queue_count' | 'queue_size' | 'remotehost'
  | 'process-item' | 'start-item' | 'success-item' | 'warning-item' | 'failed-item'
  | 'pausing' | 'pause' | 'resume' | 'aborting' | 'abort' | 'complete';

/** `contents` of a control line; item fields appear on item actions only. */
export interface ControlContents {
  action: ControlAction;
  /** 0 for the master process, 1..n for the worker that handles the item. */
  child_number: number;
  /** Unix time in seconds. */
  time: number;
  queue?: 'TRANSFER' | 'RESTORE';
  item?: string;
  local_item?: string;
  item_type?: string;
  item_name?: string;
  logfile?: string;
  msg?: unknown;
}

export const MASTER_LOG = 'master.log';
export const MASTER_ERROR_LOG = 'master.error_log';

/**
 * Log files of one transfer session, kept in memory. Each file is JSON Lines:
 * `{"type", "pid", "indent", "partial", "contents"}` per line, as `fetch_transfer_session_log` returns.
 */
export class SessionLogs {
  private readonly files = new Map<string, string[]>();

  /** Creates the master logs; a session has none before its first start. */
  openMasterLogs(): void {
    if (!this.files.has(MASTER_LOG)) this.files.set(MASTER_LOG, []);
    if (!this.files.has(MASTER_ERROR_LOG)) this.files.set(MASTER_ERROR_LOG, []);
  }

  control(pid: number, contents: Omit<ControlContents, 'time'>): void {
    this.append(MASTER_LOG, 'control', pid, { ...contents, time: Math.floor(Date.now() / 1000) });
  }

  masterError(pid: number, type: 'warn' | 'failure', text: string): void {
    this.append(MASTER_ERROR_LOG, type, pid, text);
  }

  item(logfile: string, pid: number, type: Exclude<LogLineType, 'control'>, text: string): void {
    this.append(logfile, type, pid, text);
  }

  /** Returns the whole file as newline-terminated JSON Lines, or undefined if it does not exist. */
  read(name: string): string | undefined {
    const lines = this.files.get(name);
    if (lines === undefined) return undefined;
    return lines.map((line) => `${line}\n`).join('');
  }

  private append(name: string, type: LogLineType, pid: number, contents: unknown): void {
    const lines = this.files.get(name) ?? [];
    lines.push(JSON.stringify({ type, pid, indent: 0, partial: 0, contents }));
    this.files.set(name, lines);
  }
}

/** Item log name as the master log announces it, for example `item-TRANSFER_AccountRemoteRoot_bob`. */
export function itemLogName(queue: 'TRANSFER' | 'RESTORE', moduleName: string, item: string): string {
  return `item-${queue}_${moduleName}_${item.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}
