/**
 * Pause holds: a migration may be held by several sources at once (an operator, the health monitor,
 * an alert, a maintenance window, another service) and runs only while no hold is active. Releasing
 * one source's hold leaves the others in place.
 *
 * Pure and deterministic (times are passed in), so the workflow can use it and tests can drive it
 * without a server.
 */

/** One active hold. Times are ISO 8601 strings so the state serialises unchanged into history. */
export interface Hold {
  source: string;
  reason: string;
  since: string;
}

/** One change to the holds, kept for the status history. */
export interface HoldEvent {
  at: string;
  action: 'hold' | 'release' | 'release-all';
  source: string;
  reason: string;
  /** For release-all: the sources whose holds were cleared. */
  released?: string[];
}

export interface HoldsState {
  active: Hold[];
  history: HoldEvent[];
}

/** History entries kept; older ones are dropped so the workflow state stays small. */
export const MAX_HOLD_HISTORY = 50;

export class Holds {
  private readonly active = new Map<string, Hold>();
  private history: HoldEvent[];

  constructor(state?: HoldsState) {
    for (const hold of state?.active ?? []) this.active.set(hold.source, { ...hold });
    this.history = [...(state?.history ?? [])];
  }

  /** True while at least one source holds the migration. */
  get isHeld(): boolean {
    return this.active.size > 0;
  }

  /** Active holds, oldest first. */
  list(): Hold[] {
    return [...this.active.values()].sort((a, b) => a.since.localeCompare(b.since));
  }

  sources(): string[] {
    return this.list().map((hold) => hold.source);
  }

  events(): HoldEvent[] {
    return [...this.history];
  }

  /**
   * Adds or refreshes `source`'s hold. A repeated hold from the same source keeps its original
   * `since` and takes the new reason. Returns true when the migration was not held by this source.
   */
  hold(source: string, reason: string, at: string): boolean {
    const existing = this.active.get(source);
    this.active.set(source, { source, reason, since: existing?.since ?? at });
    if (!existing || existing.reason !== reason) this.record({ at, action: 'hold', source, reason });
    return !existing;
  }

  /** Removes `source`'s hold. Returns false, and records nothing, when that source held nothing. */
  release(source: string, reason: string, at: string): boolean {
    if (!this.active.delete(source)) return false;
    this.record({ at, action: 'release', source, reason });
    return true;
  }

  /** Removes every hold on behalf of `source`. Returns the number of holds removed. */
  releaseAll(source: string, reason: string, at: string): number {
    const released = this.sources();
    if (released.length === 0) return 0;
    this.active.clear();
    this.record({ at, action: 'release-all', source, reason, released });
    return released.length;
  }

  toJSON(): HoldsState {
    return { active: this.list(), history: this.events() };
  }

  private record(event: HoldEvent): void {
    this.history.push(event);
    if (this.history.length > MAX_HOLD_HISTORY) this.history = this.history.slice(-MAX_HOLD_HISTORY);
  }
}
