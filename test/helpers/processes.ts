/**
 * Worker processes for durability tests: `node dist/worker.js` started with its own environment,
 * stopped with SIGKILL like a crashed host, its stderr kept for the failure report.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../..');
const WORKER_SCRIPT = join(REPO_ROOT, 'dist', 'worker.js');

/** Lines of output kept per process; older lines are dropped. */
const MAX_OUTPUT_LINES = 2_000;

async function newestMtimeMs(directory: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath, entry.name))).mtimeMs);
  }
  return newest;
}

async function mtimeMs(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/**
 * Runs `tsc -p tsconfig.build.json` when dist/worker.js is missing or older than a file under src/,
 * so the worker process runs the code under test. `npm test` builds first, which makes this a no-op.
 * @throws Error with the compiler output when the build fails
 */
export async function ensureWorkerBuilt(timeoutMs = 180_000): Promise<void> {
  const built = await mtimeMs(WORKER_SCRIPT);
  if (built !== undefined && built >= (await newestMtimeMs(join(REPO_ROOT, 'src')))) return;

  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
  clearTimeout(timer);
  if (code !== 0) {
    throw new Error(`Building dist/ with tsc -p tsconfig.build.json failed (exit ${code}); fix the errors or run npm run build:\n${output}`);
  }
}

/** One `node dist/worker.js` process. */
export class WorkerProcess {
  private readonly lines: string[] = [];
  private readonly exited: Promise<void>;

  private constructor(
    readonly label: string,
    private readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n')) {
        if (line === '') continue;
        this.lines.push(line);
        if (this.lines.length > MAX_OUTPUT_LINES) this.lines.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolveExit) => child.once('exit', () => resolveExit()));
  }

  /**
   * Spawns the worker with exactly `env` (plus PATH) and resolves once it logs that it polls.
   * @throws Error with the process output when it exits first or is not polling within `readyTimeoutMs`
   */
  static async start(label: string, env: Record<string, string>, readyTimeoutMs = 60_000): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [WORKER_SCRIPT], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const worker = new WorkerProcess(label, child);
    running.add(worker);
    installExitHook();
    try {
      await worker.waitUntilPolling(readyTimeoutMs);
    } catch (error) {
      await worker.kill();
      throw error;
    }
    return worker;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Signal that ended the process, or null while it runs or when it exited by itself. */
  get exitSignal(): NodeJS.Signals | null {
    return this.child.signalCode;
  }

  get isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and waits for the process to exit. Does nothing once it has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.isRunning) this.child.kill(signal);
    await this.exited;
    running.delete(this);
  }

  /** Everything the process printed, each line prefixed with the label. */
  output(): string {
    return this.lines.map((line) => `[${this.label}] ${line}`).join('\n');
  }

  private async waitUntilPolling(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let checked = 0;
    while (Date.now() < deadline) {
      for (; checked < this.lines.length; checked++) {
        if (isRunningStateLine(this.lines[checked]!)) return;
      }
      if (!this.isRunning) {
        throw new Error(`Worker process ${this.label} exited (code ${this.child.exitCode}, signal ${this.child.signalCode}) before polling:\n${this.output()}`);
      }
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
    }
    throw new Error(`Worker process ${this.label} was not polling after ${timeoutMs} ms:\n${this.output()}`);
  }
}

/** The SDK logs "Worker state changed" with state RUNNING once its pollers run; the worker writes pino JSON lines. */
function isRunningStateLine(line: string): boolean {
  if (!line.includes('Worker state changed')) return false;
  try {
    const entry = JSON.parse(line) as { msg?: string; state?: string };
    return entry.msg === 'Worker state changed' && entry.state === 'RUNNING';
  } catch {
    return false;
  }
}

const running = new Set<WorkerProcess>();
let exitHookInstalled = false;

// A worker process must not outlive the jest worker that spawned it, even when a test file crashes
// before its afterEach.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const worker of running) if (worker.pid !== undefined && worker.isRunning) process.kill(worker.pid, 'SIGKILL');
  });
}

/** Every worker process a test started, so afterEach can kill them all and print their output. */
export class WorkerProcesses {
  private readonly started: WorkerProcess[] = [];

  async start(label: string, env: Record<string, string>): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(label, env);
    this.started.push(worker);
    return worker;
  }

  /** SIGKILLs every process still running and waits for each to exit. */
  async killAll(): Promise<void> {
    await Promise.all(this.started.map((worker) => worker.kill()));
  }

  /** Output of every process started, in start order. */
  output(): string {
    return this.started.map((worker) => worker.output()).join('\n');
  }

  /** Forgets the processes of the previous test; call after killAll. */
  clear(): void {
    this.started.length = 0;
  }
}
