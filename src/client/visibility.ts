/**
 * Visibility queries that find migrations by their search attributes. Values are checked before they
 * go into the query text, so a value can never change the query's meaning.
 */
import { MIGRATION_WORKFLOW_TYPE, type MigrationPhase } from '../messages';
import { migrationPlanSchema } from '../plan/schema';
import { PHASE_ATTRIBUTE, SERVERS_ATTRIBUTE } from '../search-attributes';
import { InvalidRequestError } from './errors';
import { MIGRATION_PHASES } from './phases';

/** Filter of a visibility query for migrations. */
export interface MigrationFilter {
  /** Only running workflows. @default true */
  running?: boolean;
  /** Only migrations the workflow last indexed in this phase. */
  phase?: MigrationPhase;
  /** Only migrations with this server as source or destination, in any letter case. */
  server?: string;
}

/** Selection of the running migrations a bulk pause or resume signals: those on one server, or all of them. */
export interface BulkSelector {
  /** Host name or IP address of a source or destination server, as the plans name it. */
  server?: string;
  /** Every running migration in the namespace; required when `server` is not given. */
  all?: boolean;
}

const hostSchema = migrationPlanSchema.shape.destination.shape.host;

/**
 * Returns `host` as {@link SERVERS_ATTRIBUTE} stores it: lower case, as `migrationServers` writes it.
 *
 * @throws InvalidRequestError naming `operation` when `host` is not a host name or IP address.
 */
export function serverHostForQuery(host: string, operation: string): string {
  const parsed = hostSchema.safeParse(host);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]?.message ?? 'invalid';
    throw new InvalidRequestError(operation, `server: ${problem} (received ${JSON.stringify(host)})`);
  }
  return parsed.data.toLowerCase();
}

/**
 * Builds the visibility query for migration workflows matching `filter`.
 *
 * @throws InvalidRequestError naming `operation` for an unknown phase or an invalid server host.
 */
export function migrationsQuery(filter: MigrationFilter, operation: string): string {
  const conditions = [`WorkflowType = '${MIGRATION_WORKFLOW_TYPE}'`];
  if (filter.running ?? true) conditions.push("ExecutionStatus = 'Running'");

  if (filter.phase !== undefined) {
    if (!Object.hasOwn(MIGRATION_PHASES, filter.phase)) {
      throw new InvalidRequestError(operation, `phase: must be one of ${Object.keys(MIGRATION_PHASES).join(', ')} (received "${filter.phase}")`);
    }
    conditions.push(`${PHASE_ATTRIBUTE.name} = '${filter.phase}'`);
  }

  if (filter.server !== undefined) {
    // A keyword list matches when any of its values equals the one given.
    conditions.push(`${SERVERS_ATTRIBUTE.name} = '${serverHostForQuery(filter.server, operation)}'`);
  }
  return conditions.join(' AND ');
}

/**
 * Builds the query of a bulk pause or resume: running migrations on `selector.server`, or all of
 * them with `selector.all`. Demanding one of the two keeps a forgotten filter from signalling every
 * migration in the namespace.
 *
 * @throws InvalidRequestError naming `operation` when neither or both are given, or the host is invalid.
 */
export function bulkQuery(selector: BulkSelector, operation: string): string {
  const hasServer = selector.server !== undefined;
  const all = selector.all === true;
  if (hasServer && all) {
    throw new InvalidRequestError(operation, 'give either a server or all, not both');
  }
  if (!hasServer && !all) {
    throw new InvalidRequestError(operation, 'give a server (host name or IP address) to signal the migrations on it, or all to signal every running migration');
  }
  return migrationsQuery({ running: true, server: selector.server }, operation);
}
