/**
 * Parser for transfer session logs returned by `fetch_transfer_session_log`.
 *
 * A log is JSON Lines, one object per line:
 * `{"type":"control"|"out"|"warn"|"success"|"failure","pid":n,"indent":n,"partial":0,"contents":…}`.
 * Control lines carry `contents.action` (session progress and per-item outcomes) plus `time`
 * (Unix seconds), `child_number`, and for item actions `queue`, `item`, `local_item`, `item_type`,
 * `item_name`, `logfile` and `msg`. Output lines carry text. Unknown actions and line types are
 * kept as `unrecognized` events; lines that are not JSON objects are reported, never thrown.
 */
import { z } from 'zod';

import { flag, numeric } from './schemas';

/** Control actions the parser types; names as WHM writes them. */
export const TRANSFER_CONTROL_ACTIONS = [
  'start',
  'initiator',
  'version',
  'queue_count',
  'queue_size',
  'remotehost',
  'process-item',
  'start-item',
  'success-item',
  'warning-item',
  'failed-item',
  'child-failed',
  'pausing',
  'pause',
  'resume',
  'aborting',
  'abort',
  'fail',
  'complete',
] as const;

/** A control action the parser types. */
export type TransferControlAction = (typeof TRANSFER_CONTROL_ACTIONS)[number];

/** Fields every parsed line has. */
export interface TransferLogLineInfo {
  /** 1-based line number in the log. */
  lineNumber: number;
  /** Process that wrote the line. */
  pid: number | undefined;
  indent: number | undefined;
  /** Whether the line is the first part of a message continued on the next line. */
  partial: boolean;
}

/** Fields of every control line. */
export interface TransferControlBase extends TransferLogLineInfo {
  kind: 'control';
  /** Unix time in seconds. */
  time: number | undefined;
  /** Worker number; 0 is the master process. */
  childNumber: number | undefined;
  /** `TRANSFER` or `RESTORE` for item actions and queue counters. */
  queue: string | undefined;
  /** Item name on the source, e.g. the account name. */
  item: string | undefined;
  /** Item name on this server. */
  localItem: string | undefined;
  /** Transfer module of the item, e.g. `AccountRemoteRoot`. */
  itemType: string | undefined;
  itemName: string | undefined;
  /** Item log file name, readable with `fetch_transfer_session_log`. */
  logfile: string | undefined;
  /** `contents.msg` as written. */
  msg: unknown;
}

/** Session progress without a value of its own. */
export interface TransferSessionControlEvent extends TransferControlBase {
  action: 'start' | 'pausing' | 'pause' | 'resume' | 'aborting' | 'abort' | 'complete';
}

/** Session facts logged at start: initiator (`copyacct`/`norootcopy`), version, remote host. */
export interface TransferSessionInfoEvent extends TransferControlBase {
  action: 'initiator' | 'version' | 'remotehost';
  value: string | undefined;
}

/**
 * Number of items (`queue_count`) or total bytes (`queue_size`) per queue. cPanel's documented
 * example logs one line per queue (`queue` set, `msg` a number); a `msg` object mapping queue names
 * to numbers is accepted too.
 */
export interface TransferQueueCounterEvent extends TransferControlBase {
  action: 'queue_count' | 'queue_size';
  /** `msg` when it is a single number. */
  value: number | undefined;
  /** Count per queue name, from either form. */
  byQueue: Record<string, number>;
}

/**
 * An item was dispatched to a worker (`process-item`), started (`start-item`) or finished one queue
 * step: `success-item` without warnings, `warning-item` with warnings.
 */
export interface TransferItemProgressEvent extends TransferControlBase {
  action: 'process-item' | 'start-item' | 'success-item' | 'warning-item';
  /** Item size in bytes, when `msg.size` gives it. */
  size: number | undefined;
  /** `msg.warnings`; a `warning-item` line that gives no count counts as one. */
  warnings: number | undefined;
  /** Text of a string `msg`. */
  message: string | undefined;
}

/** An item failed in one queue; the session goes on with the other items. */
export interface TransferItemFailedEvent extends TransferControlBase {
  action: 'failed-item';
  size: number | undefined;
  warnings: number | undefined;
  /** `msg.failure`, or a string `msg`. */
  failure: string | undefined;
}

/** A worker process died; its current item was marked failed and the worker respawned. */
export interface TransferChildFailedEvent extends TransferControlBase {
  action: 'child-failed';
  /** `n` of the `n/m` message: worker failures so far. */
  failures: number | undefined;
  /** `m` of the `n/m` message: failures allowed before the session gives up. */
  maxFailures: number | undefined;
}

/** The session failed. */
export interface TransferSessionFailEvent extends TransferControlBase {
  action: 'fail';
  /** Text of a string `msg`. */
  reason: string | undefined;
}

/** A control line with a known action, discriminated by `action`. */
export type TransferControlEvent =
  | TransferSessionControlEvent
  | TransferSessionInfoEvent
  | TransferQueueCounterEvent
  | TransferItemProgressEvent
  | TransferItemFailedEvent
  | TransferChildFailedEvent
  | TransferSessionFailEvent;

/** An output line: text written by the transfer or restore code. */
export interface TransferOutputEvent extends TransferLogLineInfo {
  kind: 'output';
  type: 'out' | 'warn' | 'success' | 'failure';
  /** `contents` when it is a string, otherwise `contents` as JSON. */
  text: string;
}

/** A line whose type or control action this parser does not know, kept as written. */
export interface TransferUnrecognizedEvent extends TransferLogLineInfo {
  kind: 'unrecognized';
  type: string;
  /** The control action, when the line is a control line. */
  action: string | undefined;
  contents: unknown;
}

/** One parsed log line. */
export type TransferLogEvent = TransferControlEvent | TransferOutputEvent | TransferUnrecognizedEvent;

/** A line that could not be parsed. */
export interface MalformedLogLine {
  lineNumber: number;
  /** Description of the problem. */
  problem: string;
  /** The start of the line, at most 200 characters. */
  excerpt: string;
}

/** A parsed log. */
export interface ParsedTransferLog {
  events: TransferLogEvent[];
  malformed: MalformedLogLine[];
}

const EXCERPT_CHARS = 200;
const OUTPUT_TYPES: ReadonlySet<string> = new Set(['out', 'warn', 'success', 'failure']);
const CONTROL_ACTIONS: ReadonlySet<string> = new Set(TRANSFER_CONTROL_ACTIONS);

const name = z.union([z.string(), z.number()]).transform(String);

const lineSchema = z.looseObject({
  type: z.string(),
  pid: numeric.optional().catch(undefined),
  indent: numeric.optional().catch(undefined),
  partial: flag.optional().catch(undefined),
  contents: z.unknown().optional(),
});

// Every field but `action` falls back to undefined when it has an unexpected type, so one odd
// field does not hide the line's outcome.
const controlContentsSchema = z.looseObject({
  action: z.string(),
  time: numeric.optional().catch(undefined),
  child_number: numeric.optional().catch(undefined),
  queue: z.string().optional().catch(undefined),
  item: name.optional().catch(undefined),
  local_item: name.optional().catch(undefined),
  item_type: z.string().optional().catch(undefined),
  item_name: name.optional().catch(undefined),
  logfile: z.string().optional().catch(undefined),
  msg: z.unknown().optional(),
});

const itemMessageSchema = z.looseObject({
  size: numeric.optional().catch(undefined),
  failure: z.string().optional().catch(undefined),
  warnings: z
    .union([numeric, z.array(z.unknown()).transform((list) => list.length)])
    .optional()
    .catch(undefined),
});

const queueCountsSchema = z.record(z.string(), numeric);

/** Parses a whole log; blank lines are skipped. */
export function parseTransferLog(text: string): ParsedTransferLog {
  const events: TransferLogEvent[] = [];
  const malformed: MalformedLogLine[] = [];

  const lines = text.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    if (line === '') {
      continue;
    }
    const parsed = parseTransferLogLine(line, index + 1);
    if ('problem' in parsed) {
      malformed.push(parsed);
    } else {
      events.push(parsed);
    }
  }
  return { events, malformed };
}

/** Parses one line; returns a {@link MalformedLogLine} instead of throwing. */
export function parseTransferLogLine(line: string, lineNumber: number): TransferLogEvent | MalformedLogLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return malformedLine(lineNumber, line, `not JSON (${(error as Error).message})`);
  }

  const parsed = lineSchema.safeParse(json);
  if (!parsed.success) {
    return malformedLine(lineNumber, line, 'not an object with a string “type”');
  }
  const { type, contents } = parsed.data;
  const info: TransferLogLineInfo = {
    lineNumber,
    pid: parsed.data.pid,
    indent: parsed.data.indent,
    partial: parsed.data.partial ?? false,
  };

  if (OUTPUT_TYPES.has(type)) {
    const text = typeof contents === 'string' ? contents : JSON.stringify(contents ?? '');
    return { kind: 'output', type: type as TransferOutputEvent['type'], text, ...info };
  }
  if (type !== 'control') {
    return { kind: 'unrecognized', type, action: undefined, contents, ...info };
  }

  const control = controlContentsSchema.safeParse(contents);
  if (!control.success) {
    return malformedLine(lineNumber, line, 'control line without a string “contents.action”');
  }
  if (!CONTROL_ACTIONS.has(control.data.action)) {
    return { kind: 'unrecognized', type, action: control.data.action, contents, ...info };
  }
  return controlEvent(control.data, info);
}

function controlEvent(contents: z.output<typeof controlContentsSchema>, info: TransferLogLineInfo): TransferControlEvent {
  const base: TransferControlBase = {
    kind: 'control',
    ...info,
    time: contents.time,
    childNumber: contents.child_number,
    queue: contents.queue,
    item: contents.item,
    localItem: contents.local_item,
    itemType: contents.item_type,
    itemName: contents.item_name,
    logfile: contents.logfile,
    msg: contents.msg,
  };
  const msg = contents.msg;
  const action = contents.action as TransferControlAction;
  const text = typeof msg === 'string' ? msg : undefined;

  switch (action) {
    case 'initiator':
    case 'version':
    case 'remotehost':
      return { ...base, action, value: typeof msg === 'string' || typeof msg === 'number' ? String(msg) : undefined };
    case 'queue_count':
    case 'queue_size': {
      const single = numeric.safeParse(msg);
      const value = single.success ? single.data : undefined;
      const perQueue = queueCountsSchema.safeParse(msg);
      let byQueue: Record<string, number> = {};
      if (value !== undefined && contents.queue !== undefined) {
        byQueue = { [contents.queue]: value };
      } else if (perQueue.success) {
        byQueue = perQueue.data;
      }
      return { ...base, action, value, byQueue };
    }
    case 'process-item':
    case 'start-item':
    case 'success-item':
    case 'warning-item': {
      const details = itemMessageSchema.safeParse(msg);
      const warnings = details.success ? details.data.warnings : undefined;
      return {
        ...base,
        action,
        size: details.success ? details.data.size : undefined,
        warnings: action === 'warning-item' && warnings === undefined ? 1 : warnings,
        message: text,
      };
    }
    case 'failed-item': {
      const details = itemMessageSchema.safeParse(msg);
      return {
        ...base,
        action,
        size: details.success ? details.data.size : undefined,
        warnings: details.success ? details.data.warnings : undefined,
        failure: text ?? (details.success ? details.data.failure : undefined),
      };
    }
    case 'child-failed': {
      const counts = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(typeof msg === 'string' ? msg : '');
      return {
        ...base,
        action,
        failures: counts ? Number(counts[1]) : undefined,
        maxFailures: counts ? Number(counts[2]) : undefined,
      };
    }
    case 'fail':
      return { ...base, action, reason: text };
    case 'start':
    case 'pausing':
    case 'pause':
    case 'resume':
    case 'aborting':
    case 'abort':
    case 'complete':
      return { ...base, action };
  }
}

function malformedLine(lineNumber: number, line: string, problem: string): MalformedLogLine {
  const excerpt = line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
  return { lineNumber, problem, excerpt };
}
