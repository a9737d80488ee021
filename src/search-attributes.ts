/**
 * Custom search attributes the migration workflow keeps up to date, so the Workflows list (Web UI,
 * CLI, other services) can answer questions such as "paused migrations on dest.example.com":
 * `WhmMigratePaused = true AND WhmMigrateServers = 'dest.example.com'`.
 *
 * Imported by workflow code: nothing here may need Node.js. Values are stored in plain text, never
 * encoded by a payload codec, so none of them may carry a secret.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Current phase of the migration (`MigrationPhase`). */
export const PHASE_ATTRIBUTE = defineSearchAttributeKey('WhmMigratePhase', SearchAttributeType.KEYWORD);
/** Whether any hold is active. */
export const PAUSED_ATTRIBUTE = defineSearchAttributeKey('WhmMigratePaused', SearchAttributeType.BOOL);
/** Sources of the active holds, for example `operator` or `health:dest.example.com`. */
export const HOLD_SOURCES_ATTRIBUTE = defineSearchAttributeKey('WhmMigrateHoldSources', SearchAttributeType.KEYWORD_LIST);
/** Source and destination host names (lower case), for finding every migration a server takes part in. */
export const SERVERS_ATTRIBUTE = defineSearchAttributeKey('WhmMigrateServers', SearchAttributeType.KEYWORD_LIST);

export const MIGRATION_SEARCH_ATTRIBUTES = [PHASE_ATTRIBUTE, PAUSED_ATTRIBUTE, HOLD_SOURCES_ATTRIBUTE, SERVERS_ATTRIBUTE] as const;

/** Types as `temporal server start-dev --search-attribute` and `temporal operator search-attribute create` spell them. */
export const SEARCH_ATTRIBUTE_CLI_TYPES: Record<string, 'Keyword' | 'Bool' | 'KeywordList'> = {
  [PHASE_ATTRIBUTE.name]: 'Keyword',
  [PAUSED_ATTRIBUTE.name]: 'Bool',
  [HOLD_SOURCES_ATTRIBUTE.name]: 'KeywordList',
  [SERVERS_ATTRIBUTE.name]: 'KeywordList',
};

/** Lower-cased host names of a migration's servers, as stored in {@link SERVERS_ATTRIBUTE}. */
export function migrationServers(plan: { source: { host: string }; destination: { host: string } }): string[] {
  return [...new Set([plan.source.host.toLowerCase(), plan.destination.host.toLowerCase()])];
}
