/**
 * The migration plan: the file a user writes to describe one migration, its validation, and the
 * facts the CLI and the workflow derive from it.
 *
 * Workflow code must import `./schema` and `./summary` directly (or only types from here), because
 * this index also exports the file and credential readers, which use Node's file system.
 */
export {
  ACCOUNT_MODULES,
  accountOptionsSchema,
  credentialRefSchema,
  migrationPlanSchema,
  type AccountModule,
  type AccountOptions,
  type CredentialRef,
  type MigrationPlan,
  type MigrationPlanInput,
  type PlanAccount,
} from './schema';
export { ROOT_SESSION_ONLY_OPTIONS } from './rules';
export { describePlanIssue, InvalidPlanError, type PlanIssue } from './issues';
export { parsePlan, planWarnings, type ParsedPlan, type ParsePlanOptions } from './parse';
export { loadPlanFile, PlanFileError } from './load';
export {
  destinationBaseUrl,
  migrationWorkflowId,
  planSessionType,
  planSummary,
  type PlanSummary,
  type SessionType,
} from './summary';
export {
  CredentialUnavailableError,
  describeCredentialRef,
  MAX_CREDENTIAL_FILE_BYTES,
  resolveCredential,
} from './credentials';
export { PLAN_JSON_SCHEMA_FILE, planJsonSchema, planJsonSchemaText, writePlanJsonSchema } from './json-schema';
