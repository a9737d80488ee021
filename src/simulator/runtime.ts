import type { Logger } from '../log';
import { FaultRegistry, ItemFailureRegistry } from './faults';
import { HealthState } from './health';
import { ServerInventory } from './inventory';
import { SimulatedItemProcessor } from './item-processor';
import type { ResolvedOptions } from './options';
import { PeerClient } from './peer-client';
import { SessionStore } from './session-store';
import { TimerRegistry } from './timers';
import type { TransferRates } from './transfer-session';

/** cPanel & WHM version the simulator reports; the session state machine follows this version. */
export const SIMULATED_WHM_VERSION = '11.120.0.16';

/** Everything the WHM functions and the control endpoint of one simulator share. */
export interface SimulatorRuntime {
  readonly options: ResolvedOptions;
  readonly hostname: string;
  readonly version: string;
  readonly inventory: ServerInventory;
  readonly sessions: SessionStore;
  readonly health: HealthState;
  readonly faults: FaultRegistry;
  readonly itemFailures: ItemFailureRegistry;
  /** Current rates; `setRates` changes them for steps that start later. */
  readonly rates: TransferRates;
  readonly timers: TimerRegistry;
  readonly peer: PeerClient;
  /** Aborted when the simulator closes; cancels calls to peers. */
  readonly lifetime: AbortController;
  readonly logger: Logger;
}

export function createRuntime(options: ResolvedOptions): SimulatorRuntime {
  const inventory = new ServerInventory(options.accounts, options.packages, options.featureLists, options.localUsers);
  const timers = new TimerRegistry();
  const peer = new PeerClient();
  const itemFailures = new ItemFailureRegistry();
  const rates: TransferRates = {
    bytesPerSecond: options.bytesPerSecond,
    restoreBytesPerSecond: options.restoreBytesPerSecond,
  };

  const sessions = new SessionStore({
    timers,
    processor: new SimulatedItemProcessor(inventory, peer, itemFailures),
    rates: () => rates,
    minItemStepMs: options.minItemStepMs,
    serverVersion: SIMULATED_WHM_VERSION,
    stateNames: options.stateNames,
    logger: options.logger,
  });

  return {
    options,
    hostname: options.hostname,
    version: SIMULATED_WHM_VERSION,
    inventory,
    sessions,
    health: new HealthState(),
    faults: new FaultRegistry(),
    itemFailures,
    rates,
    timers,
    peer,
    lifetime: new AbortController(),
    logger: options.logger,
  };
}
