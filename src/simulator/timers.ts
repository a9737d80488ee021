/** Raised by {@link TimerRegistry.sleep} when the simulator closes before the sleep ends. */
export class SimulatorClosedError extends Error {
  constructor() {
    super('The WHM simulator was closed.');
    this.name = 'SimulatorClosedError';
  }
}

/**
 * Owns every timer of one simulator, so that closing it stops all pending work at once: transfer
 * steps, pause and abort completions, injected delays and the slow session creation.
 */
export class TimerRegistry {
  private readonly handles = new Set<NodeJS.Timeout>();
  private readonly sleepers = new Set<(error: Error) => void>();
  private closed = false;

  /** Schedules `callback` after `delayMs`; does nothing once the registry is closed. */
  schedule(callback: () => void, delayMs: number): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const handle = setTimeout(() => {
      this.handles.delete(handle);
      callback();
    }, Math.max(0, delayMs));
    this.handles.add(handle);
    return handle;
  }

  cancel(handle: NodeJS.Timeout | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.handles.delete(handle);
  }

  /** Waits `delayMs`; rejects with {@link SimulatorClosedError} if the registry closes first. */
  sleep(delayMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new SimulatorClosedError());
    return new Promise((resolve, reject) => {
      const handle = this.schedule(() => {
        this.sleepers.delete(reject);
        resolve();
      }, delayMs);
      if (handle !== undefined) this.sleepers.add(reject);
    });
  }

  /** Clears every timer and rejects every pending sleep; later calls schedule nothing. */
  close(): void {
    this.closed = true;
    for (const handle of this.handles) clearTimeout(handle);
    this.handles.clear();
    const closedError = new SimulatorClosedError();
    for (const reject of this.sleepers) reject(closedError);
    this.sleepers.clear();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
