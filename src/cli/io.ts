/** Streams, environment and signals of a CLI run; tests replace the process defaults. */
export interface CliIo {
  /** Writes text to standard output as is; callers add the line ends. */
  stdout: (text: string) => void;
  /** Writes text to standard error as is. */
  stderr: (text: string) => void;
  /** True when standard output is a terminal: views may redraw the screen. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** Starts listening for a stop request (SIGINT or SIGTERM by default). */
  listenForStop: () => StopListener;
  /** Waits `ms` milliseconds. */
  sleep: (ms: number) => Promise<void>;
}

export interface StopListener {
  /** Resolves on the first stop request. */
  readonly stopped: Promise<void>;
  /** Stops listening, so a later Ctrl-C ends the process as usual. */
  dispose: () => void;
}

/** Listens for SIGINT and SIGTERM. */
export function listenForProcessSignals(): StopListener {
  let onSignal: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    onSignal = () => {
      dispose();
      resolve();
    };
  });
  const dispose = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return { stopped, dispose };
}

/** Returns the process's own streams, environment and signals. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    listenForStop: listenForProcessSignals,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
