/**
 * Zod schemas of what the migration workflow returns: the `status` query result, the report, and the
 * result of the control updates. They mirror the TypeScript types in src/messages.ts, which the
 * workflow code uses, so that the contract can publish them as JSON Schema for other languages.
 *
 * Two checks keep the mirror honest. The type assertions at the end of this file fail to compile
 * when a required field differs. A test in test/contract parses a status and a report from a real
 * workflow run and fails when a field is lost.
 */
import { z } from 'zod';

import { MIGRATION_PHASES } from '../client/phases';
import type {
  Conflict,
  ControlResult,
  ItemKind,
  ItemProgress,
  ItemStatus,
  MigrationCounts,
  MigrationPhase,
  MigrationReport,
  MigrationStatus,
  PauseRecord,
  RejectedRequest,
} from '../messages';
import type { Hold, HoldEvent } from '../workflows/holds';

const timestamp = z.string().describe('ISO 8601 time in UTC, for example 2025-03-01T12:00:00.000Z.');

export const migrationPhaseSchema = z
  .enum(Object.keys(MIGRATION_PHASES) as [MigrationPhase, ...MigrationPhase[]])
  .describe('Where the migration stands.');

const itemKindSchema = z.enum(['package', 'featurelist', 'account'] satisfies ItemKind[]);

const itemStatusSchema = z
  .enum(['queued', 'transferring', 'restoring', 'succeeded', 'failed', 'skipped', 'not-run'] satisfies ItemStatus[])
  .describe('Item status as the WHM master log shows it.');

export const holdSchema = z
  .object({
    source: z.string().describe('Who holds the migration, for example "operator" or "health-check".'),
    reason: z.string(),
    since: timestamp,
  })
  .describe('One active hold; the migration runs only while no hold is active.');

const holdEventSchema = z
  .object({
    at: timestamp,
    action: z.enum(['hold', 'release', 'release-all']),
    source: z.string(),
    reason: z.string(),
    released: z.array(z.string()).optional().describe('For release-all: the sources whose holds were cleared.'),
  })
  .describe('One change to the holds.');

const itemProgressSchema = z.object({
  kind: itemKindSchema,
  name: z.string().describe('Name on the source: account user, package or feature list name.'),
  localName: z.string().optional().describe('Account name on the destination.'),
  module: z.string().describe('WHM transfer module, for example AccountRemoteRoot.'),
  sizeBytes: z.number().describe('Size in bytes: from the plan, the analysis of the source, or 1 for packages and feature lists.'),
  status: itemStatusSchema,
  warnings: z.number().int(),
  reason: z.string().optional().describe('The server\'s reason for a failed item, or why it was skipped.'),
  startedAt: timestamp.optional(),
  finishedAt: timestamp.optional(),
});

const pauseRecordSchema = z
  .object({
    requestedAt: timestamp,
    sources: z.array(z.string()),
    reasons: z.array(z.string()),
    pausedAt: timestamp.optional().describe('When WHM reported PAUSED; absent when the pause never took effect.'),
    resumedAt: timestamp.optional(),
  })
  .describe('One pause, from the first hold until the transfer ran again or ended.');

const rejectedRequestSchema = z
  .object({ at: timestamp, signal: z.string(), error: z.string() })
  .describe('A signal whose payload the workflow rejected, with the reason.');

const countsSchema = z.object({
  total: z.number().int(),
  queued: z.number().int(),
  inProgress: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  skipped: z.number().int(),
  notRun: z.number().int(),
});

const bytesSchema = z.object({ total: z.number(), done: z.number() }).describe('Bytes of all items and of the finished ones.');

const conflictSchema = z
  .object({ item: z.string(), problem: z.string() })
  .describe('An account that conflicts with one on the destination.');

export const migrationStatusSchema = z
  .object({
    migration: z.string().describe('Name of the plan.'),
    phase: migrationPhaseSchema,
    source: z.string(),
    destination: z.string(),
    whm: z.object({
      sessionId: z.string().optional(),
      state: z.string().optional().describe('Last state name WHM returned, as WHM spells it (PENDING, RUNNING, PAUSING, PAUSED, ...).'),
      stateCheckedAt: timestamp.optional(),
    }),
    paused: z.boolean().describe('True while at least one hold is active.'),
    holds: z.array(holdSchema),
    holdHistory: z.array(holdEventSchema),
    pauses: z.array(pauseRecordSchema),
    items: z.array(itemProgressSchema),
    counts: countsSchema,
    bytes: bytesSchema,
    rejectedRequests: z.array(rejectedRequestSchema),
    conflicts: z.array(conflictSchema).describe('Accounts that stopped the migration before it started (phase stopped-on-conflicts).'),
    abortRequested: z.object({ at: timestamp, source: z.string(), reason: z.string() }).optional(),
    lastError: z.string().optional(),
    startedAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ title: 'MigrationStatus', description: 'Result of the `status` query: where a running migration stands.' });

export const migrationReportSchema = z
  .object({
    migration: z.string().describe('Name of the plan.'),
    outcome: z.enum(['succeeded', 'completed-with-failures', 'aborted', 'failed', 'stopped-on-conflicts']),
    source: z.string(),
    destination: z.string(),
    sessionId: z.string().optional(),
    finalState: z.string().optional().describe('WHM session state at the end, as WHM spells it.'),
    items: z.array(itemProgressSchema),
    counts: countsSchema,
    bytes: bytesSchema,
    pauses: z.array(pauseRecordSchema),
    conflicts: z.array(conflictSchema),
    abortRequested: z
      .object({ at: timestamp, source: z.string(), reason: z.string() })
      .optional()
      .describe('Who asked for the abort, when and why.'),
    sessionCreationAttempts: z
      .number()
      .int()
      .describe('Attempt that created the WHM session. Above 1, an earlier attempt may have left an unused PENDING session, which WHM deletes after 4 hours.'),
    startedAt: timestamp,
    transferStartedAt: timestamp.optional(),
    finishedAt: timestamp,
  })
  .meta({ title: 'MigrationReport', description: 'Result of the migration workflow when it completes.' });

export const controlResultSchema = z
  .object({
    phase: migrationPhaseSchema,
    whmState: z.string().optional().describe('WHM\'s session state when the update returned.'),
    paused: z.boolean(),
    holds: z.array(holdSchema),
  })
  .meta({ title: 'ControlResult', description: 'Result of pauseMigration, resumeMigration and abortMigration.' });

// Compile-time mirror checks: each pair must be assignable both ways. An optional field that exists
// on one side only passes here; the round-trip test in test/contract catches that case.
type MutuallyAssignable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const mirrorChecks: {
  status: MutuallyAssignable<z.output<typeof migrationStatusSchema>, MigrationStatus>;
  report: MutuallyAssignable<z.output<typeof migrationReportSchema>, MigrationReport>;
  control: MutuallyAssignable<z.output<typeof controlResultSchema>, ControlResult>;
  hold: MutuallyAssignable<z.output<typeof holdSchema>, Hold>;
  holdEvent: MutuallyAssignable<z.output<typeof holdEventSchema>, HoldEvent>;
  item: MutuallyAssignable<z.output<typeof itemProgressSchema>, ItemProgress>;
  pause: MutuallyAssignable<z.output<typeof pauseRecordSchema>, PauseRecord>;
  rejected: MutuallyAssignable<z.output<typeof rejectedRequestSchema>, RejectedRequest>;
  counts: MutuallyAssignable<z.output<typeof countsSchema>, MigrationCounts>;
  conflict: MutuallyAssignable<z.output<typeof conflictSchema>, Conflict>;
  kind: MutuallyAssignable<z.output<typeof itemKindSchema>, ItemKind>;
  itemStatus: MutuallyAssignable<z.output<typeof itemStatusSchema>, ItemStatus>;
} = {
  status: true,
  report: true,
  control: true,
  hold: true,
  holdEvent: true,
  item: true,
  pause: true,
  rejected: true,
  counts: true,
  conflict: true,
  kind: true,
  itemStatus: true,
};
void mirrorChecks;
