import type { CliIo } from '../../src/cli/io';
import { runCli } from '../../src/cli/program';

/** A CLI run in this process with captured output and a stop request the test triggers. */
export interface CliRun {
  /** Settles with the exit code when the command returns. */
  exitCode: Promise<number>;
  stdout: () => string;
  stderr: () => string;
  /** Acts like Ctrl-C for commands that wait for one. */
  requestStop: () => void;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  isTTY?: boolean;
}

/** Starts `whm-migrate ARGS` in process; `sleep` is real, so `--watch` waits its interval. */
export function startCli(args: string[], options: RunOptions = {}): CliRun {
  const out: string[] = [];
  const err: string[] = [];
  let requestStop: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });

  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    listenForStop: () => ({ stopped: stopRequested, dispose: () => undefined }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  return {
    exitCode: runCli(args, io),
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    requestStop: () => requestStop(),
  };
}

/** Runs `whm-migrate ARGS` in process until it returns. */
export async function runCliCaptured(args: string[], options: RunOptions = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const run = startCli(args, options);
  const code = await run.exitCode;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Polls `read` until `done` holds, at most 80 times 250 ms apart. */
export async function waitUntil(read: () => string, done: (text: string) => boolean): Promise<string> {
  for (let attempt = 0; attempt < 80 && !done(read()); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return read();
}
