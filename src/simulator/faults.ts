import { z } from 'zod';

export type FaultKind = 'http-500' | 'http-503' | 'drop' | 'delay' | 'result-0' | 'http-403';

/** A scripted failure of one WHM function (or of every function with `'*'`). */
export interface FaultSpec {
  function: string;
  kind: FaultKind;
  /** For `delay`: how long the call waits before it runs normally, in milliseconds. @default 1000 */
  delayMs?: number;
  /** For `result-0`: the failure reason. @default a text naming the simulator */
  reason?: string;
  /** How many calls the fault affects; 0 keeps it until cleared. @default 1 */
  times?: number;
}

/** A fault as stored: `remaining` counts the calls it still affects (undefined = until cleared). */
export interface ActiveFault {
  function: string;
  kind: FaultKind;
  delayMs: number;
  reason: string;
  remaining: number | undefined;
}

export const faultSpecSchema = z.strictObject({
  function: z.string().regex(/^(\*|[a-z][a-z0-9_]*)$/, 'must be a WHM function name or “*”'),
  kind: z.enum(['http-500', 'http-503', 'drop', 'delay', 'result-0', 'http-403']),
  delayMs: z.number().int().nonnegative().max(600_000).optional(),
  reason: z.string().min(1).optional(),
  times: z.number().int().nonnegative().optional(),
});

const DEFAULT_FAULT_REASON = 'API failure: The WHM simulator injected this failure.';

/** Faults in the order they were injected; the oldest matching fault applies first. */
export class FaultRegistry {
  private faults: ActiveFault[] = [];

  /** Adds a fault that {@link faultSpecSchema} already validated. */
  inject(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    this.faults.push({
      function: spec.function,
      kind: spec.kind,
      delayMs: spec.delayMs ?? 1000,
      reason: spec.reason ?? DEFAULT_FAULT_REASON,
      remaining: times === 0 ? undefined : times,
    });
  }

  clear(): void {
    this.faults = [];
  }

  list(): ActiveFault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** Returns the fault that applies to this call of `functionName` and counts the call against it. */
  take(functionName: string): ActiveFault | undefined {
    const fault = this.faults.find((candidate) => candidate.function === '*' || candidate.function === functionName);
    if (fault === undefined) return undefined;

    if (fault.remaining !== undefined) {
      fault.remaining -= 1;
      if (fault.remaining === 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    }
    return { ...fault };
  }
}

/** Item failures scripted with `failItem`, keyed by source account name. */
export class ItemFailureRegistry {
  private readonly failures = new Map<string, { reason: string; remaining: number | undefined }>();

  add(user: string, reason: string, times = 0): void {
    this.failures.set(user, { reason, remaining: times === 0 ? undefined : times });
  }

  clear(): void {
    this.failures.clear();
  }

  /** Returns the scripted failure reason for this account's transfer and counts the use. */
  take(user: string): string | undefined {
    const failure = this.failures.get(user);
    if (failure === undefined) return undefined;

    if (failure.remaining !== undefined) {
      failure.remaining -= 1;
      if (failure.remaining === 0) this.failures.delete(user);
    }
    return failure.reason;
  }
}
