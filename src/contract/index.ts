/**
 * The contract for Temporal clients in other languages: the generated document and README, and the
 * zod schemas of the status, report and control results that it publishes.
 */
export {
  buildContract,
  CONTRACT_DIRECTORY,
  CONTRACT_FILE_NAME,
  CONTRACT_README_NAME,
  CONTRACT_VERSION,
  contractReadmeText,
  contractText,
  writeContract,
  type MessageContract,
  type MigrationContract,
  type SearchAttributeContract,
} from './generate';
export { resolvedPlanJsonSchema } from './resolved-plan';
export { controlResultSchema, migrationPhaseSchema, migrationReportSchema, migrationStatusSchema } from './schemas';
