/**
 * WHM simulator: a loopback HTTP(S) server that behaves like a cPanel & WHM transfer destination or
 * source, so that migrations, tests and demos run without a real server.
 */
export { startSimulator, type WhmSimulator } from './simulator';
export {
  startSimulatorPair,
  DEMO_DESTINATION_HOSTNAME,
  DEMO_SOURCE_ACCOUNTS,
  DEMO_SOURCE_HOSTNAME,
  DEMO_SOURCE_PACKAGES,
  DEMO_SOURCE_ROOT_PASSWORD,
  type SimulatorPair,
  type SimulatorPairOptions,
} from './pair';
export {
  DEFAULT_CREDENTIALS,
  DEFAULT_HOSTNAME,
  type SimulatedAccount,
  type SimulatedPackage,
  type SimulatorCredential,
  type SimulatorOptions,
  type StateNameMode,
} from './options';
export { SimulatorInputError, type SimulatorControl } from './control';
export type { ActiveFault, FaultKind, FaultSpec } from './faults';
export type { DiskHealth, HealthPatch, HealthSnapshot, LoadAverage, ServiceHealth } from './health';
export type { SessionsSnapshot } from './session-store';
export type {
  ItemQueueState, ItemSnapshot, SessionSnapshot, SessionState, TransferRates,
} from './transfer-session';
export { SIMULATED_WHM_VERSION } from './runtime';
