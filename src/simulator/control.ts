import { z } from 'zod';
import { faultSpecSchema, type ActiveFault, type FaultSpec } from './faults';
import { healthPatchSchema, type HealthPatch, type HealthSnapshot } from './health';
import type { SimulatorRuntime } from './runtime';
import type { SessionsSnapshot } from './session-store';
import type { TransferRates } from './transfer-session';

/** Raised by {@link SimulatorControl} methods for invalid input; the HTTP control endpoint responds with 400. */
export class SimulatorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulatorInputError';
  }
}

/** Test and demo controls of a running simulator; the same operations exist at `/__simulator/...`. */
export interface SimulatorControl {
  /** Changes load averages, CPU count, disks or services; returns the new health. */
  setHealth(patch: HealthPatch): HealthSnapshot;
  health(): HealthSnapshot;
  /** Scripts a failure of one WHM function, or of all with `function: '*'`. */
  injectFault(fault: FaultSpec): void;
  /** Removes every injected fault and every item failure set with {@link failItem}. */
  clearFaults(): void;
  faults(): ActiveFault[];
  sessions(): SessionsSnapshot;
  /** Number of transfer sessions the simulator holds. */
  sessionCount(): number;
  /**
   * Makes the TRANSFER step of this source account fail with `reason`, for `times` transfers
   * (0 = until {@link clearFaults}).
   */
  failItem(user: string, reason: string, times?: number): void;
  /** Changes the per-thread rates for steps that start later; returns the new rates. */
  setRates(rates: Partial<TransferRates>): TransferRates;
  rates(): TransferRates;
}

export const itemFailureSchema = z.strictObject({
  user: z.string().min(1),
  reason: z.string().min(1),
  times: z.number().int().nonnegative().optional(),
});

export const ratesSchema = z.strictObject({
  bytesPerSecond: z.number().positive().optional(),
  restoreBytesPerSecond: z.number().positive().optional(),
});

/** Validates control input, turning a zod error into a {@link SimulatorInputError} that lists every problem. */
export function parseControlInput<T>(schema: z.ZodType<T>, input: unknown, inputName: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SimulatorInputError(`Invalid ${inputName}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
}

export function createControl(runtime: SimulatorRuntime): SimulatorControl {
  return {
    setHealth(patch) {
      runtime.health.apply(parseControlInput(healthPatchSchema, patch, 'health patch'));
      return runtime.health.snapshot();
    },

    health: () => runtime.health.snapshot(),

    injectFault(fault) {
      const spec = parseControlInput(faultSpecSchema, fault, 'fault');
      runtime.faults.inject(spec);
      runtime.logger.info({ function: spec.function, kind: spec.kind, times: spec.times ?? 1 },
        'WHM simulator fault injected');
    },

    clearFaults() {
      runtime.faults.clear();
      runtime.itemFailures.clear();
    },

    faults: () => runtime.faults.list(),

    sessions: () => runtime.sessions.snapshot(),

    sessionCount: () => runtime.sessions.size,

    failItem(user, reason, times) {
      const input = parseControlInput(itemFailureSchema, times === undefined ? { user, reason } : { user, reason, times },
        'item failure');
      runtime.itemFailures.add(input.user, input.reason, input.times);
    },

    setRates(rates) {
      const input = parseControlInput(ratesSchema, rates, 'rates');
      if (input.bytesPerSecond !== undefined) runtime.rates.bytesPerSecond = input.bytesPerSecond;
      if (input.restoreBytesPerSecond !== undefined) runtime.rates.restoreBytesPerSecond = input.restoreBytesPerSecond;
      return { ...runtime.rates };
    },

    rates: () => ({ ...runtime.rates }),
  };
}
