export {
  MIGRATION_START_POLICIES,
  MigrationClient,
  type MigrationExecution,
  type ListMigrationsOptions,
  type MigrationListEntry,
  type MigrationStatusResult,
  type StartedMigration,
} from './migration-client';
export { MIGRATION_PHASES } from './phases';
export {
  BULK_SIGNAL_CONCURRENCY,
  MAX_BULK_MIGRATIONS,
  type BulkSignalFailure,
  type BulkSignalResult,
  type PauseMatchingOptions,
  type ResumeMatchingOptions,
} from './bulk';
export { bulkQuery, migrationsQuery, serverHostForQuery, type BulkSelector, type MigrationFilter } from './visibility';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_NAMESPACE,
  DEFAULT_QUERY_TIMEOUT_MS,
  DEFAULT_TEMPORAL_ADDRESS,
  resolveClientConfig,
  type MigrationClientConfig,
  type MigrationClientOptions,
} from './config';
export {
  InvalidClientConfigError,
  InvalidPlanError,
  InvalidRequestError,
  MigrationClosedError,
  MigrationFailedError,
  MigrationNotFoundError,
  MigrationStatusUnavailableError,
  TemporalNamespaceNotFoundError,
  TemporalUnavailableError,
} from './errors';
