import type { ChildProcess } from 'node:child_process';

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Kills `child` with SIGKILL if this process exits while the child still runs, so servers that tests,
 * the demo or scripts start never outlive them, even when they exit without stopping the child.
 */
export function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const runningChild of running) runningChild.kill('SIGKILL');
    });
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
}
