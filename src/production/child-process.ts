/**
 * Long-running child processes (PostgreSQL, the Temporal server) that the launchers start, watch and
 * stop. Each keeps its last lines of output for error messages, and none outlives the Node.js process
 * that started it.
 */
import { type ChildProcess, execFile, spawn, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';
import { killOnExit } from '../temporal/kill-on-exit';

const execFileAsync = promisify(execFile);

/** Lines of output kept for error messages; older lines are dropped. */
const KEPT_LINES = 40;
/** Characters kept per line in error messages: the server's JSON log lines carry long stack traces. */
const KEPT_LINE_LENGTH = 600;

export interface ManagedProcessOptions {
  /** Name used in error messages, for example `postgres`. */
  label: string;
  command: string;
  args: readonly string[];
  /** Environment of the child. @default process.env */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user and group (needs root), for example PostgreSQL's own account. */
  uid?: number;
  gid?: number;
  /** Receives every line the process prints. */
  onLog?: (line: string) => void;
}

/** One child process with its recent output. */
export class ManagedProcess {
  private readonly recent: string[] = [];
  private readonly exited: Promise<void>;
  private spawnError: Error | undefined;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
    onLog: ((line: string) => void) | undefined,
  ) {
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        this.recent.push(line.length > KEPT_LINE_LENGTH ? `${line.slice(0, KEPT_LINE_LENGTH)} …` : line);
        if (this.recent.length > KEPT_LINES) this.recent.shift();
        onLog?.(line);
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (error) => {
      this.spawnError = error;
    });
    this.exited = new Promise((resolve) => {
      child.once('close', () => {
        resolve();
      });
    });
  }

  static start(options: ManagedProcessOptions): ManagedProcess {
    const spawnOptions: SpawnOptions = { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] };
    if (options.uid !== undefined) spawnOptions.uid = options.uid;
    if (options.gid !== undefined) spawnOptions.gid = options.gid;
    const child = spawn(options.command, [...options.args], spawnOptions);
    killOnExit(child);
    return new ManagedProcess(options.label, child, options.onLog);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isRunning(): boolean {
    return this.spawnError === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Throws when the process could not be spawned or has exited, naming its exit code and last output.
   * Launchers call it between readiness probes.
   */
  assertRunning(): void {
    if (this.spawnError) throw new Error(`Could not run ${this.label}: ${this.spawnError.message}`);
    if (!this.isRunning) {
      const how = this.child.signalCode === null ? `code ${this.child.exitCode}` : `signal ${this.child.signalCode}`;
      throw new Error(`${this.label} exited with ${how}.${this.describeOutput()}`);
    }
  }

  /** Returns the last lines the process printed, ready to append to an error message. */
  describeOutput(): string {
    return this.recent.length === 0 ? '' : `\nLast output of ${this.label}:\n${this.recent.join('\n')}`;
  }

  /** Sends `signal`, then SIGKILL after `graceMs`, and waits for the exit. Does nothing once exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (this.child.pid === undefined) return;
    if (this.isRunning) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * Runs a command to completion and returns its standard output.
 * @throws Error naming the command, its exit code and its output; `redact` values are replaced first
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number; redact?: readonly string[]; uid?: number; gid?: number; cwd?: string } = {},
): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, [...args], {
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 16 * 1024 * 1024,
      uid: options.uid,
      gid: options.gid,
      cwd: options.cwd,
    });
    return stdout;
  } catch (error) {
    const failure = error as Error & { code?: number | string; stdout?: string; stderr?: string };
    const output = [failure.stdout, failure.stderr].filter((text) => text !== undefined && text.trim() !== '').join('\n').trim();
    let message = `'${command} ${args.join(' ')}' failed (${failure.code ?? failure.message})${output === '' ? '' : `:\n${output}`}`;
    for (const secret of options.redact ?? []) if (secret !== '') message = message.split(secret).join('[redacted]');
    throw new Error(message, { cause: error });
  }
}

/**
 * Polls `probe` until it resolves, failing after `timeoutMs` or, when `process` is given, as soon as
 * that process exits (with its last output in the message).
 */
export async function waitForReady(
  description: string,
  probe: () => Promise<unknown>,
  options: { timeoutMs: number; intervalMs?: number; process?: ManagedProcess },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    options.process?.assertRunning();
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
  throw new Error(
    `${description} did not become ready within ${options.timeoutMs} ms ` +
      `(last error: ${(lastError as Error | undefined)?.message ?? 'none'}).${options.process?.describeOutput() ?? ''}`,
  );
}
