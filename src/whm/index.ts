/**
 * WHM API 1 client for cPanel & WHM account transfers: typed calls, errors classified for Temporal
 * retry policies, transfer session states and master-log parsing.
 */
export {
  WhmClient,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  type CreateRemoteRootTransferSessionResult,
  type TransferSessionLog,
  type WhmAuth,
  type WhmCallOptions,
  type WhmClientOptions,
} from './client';
export * from './errors';
export { DEFAULT_WHM_TIMEOUTS_MS, type WhmFunctionName } from './functions';
export * from './log-events';
export * from './log-summary';
export {
  CONFIG_REMOTE_ROOT_MODULES,
  type CreateRemoteRootTransferSessionParams,
  type CreateRemoteUserTransferSessionParams,
  type EnqueueTransferItemParams,
  type FetchTransferSessionLogParams,
  type KnownTransferModule,
  type NoParams,
  type ServiceStatusParams,
  type TransferModuleSchemaParams,
  type TransferSessionParams,
  type ValidateSystemUserParams,
} from './params';
export { REDACTED, redactSecrets } from './redact';
export type {
  AvailableTransferModules,
  CreateRemoteRootTransferSessionData,
  CreateRemoteUserTransferSessionData,
  DiskPartition,
  DiskUsage,
  ModuleAnalysis,
  RemoteAccount,
  RemoteAnalysis,
  RemotePackage,
  ServiceStatus,
  ServiceStatusList,
  StartTransferSessionData,
  SystemLoadAverage,
  SystemUserValidation,
  TransferModuleSchema,
  WhmVersion,
} from './schemas';
export * from './states';
export { normalizeFingerprint256, type WhmTlsOptions } from './tls';
