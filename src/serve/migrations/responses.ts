/**
 * Schemas of what the migration routes return, for the OpenAPI document. The tests validate every
 * response they receive against the document, so a field added to a route without its schema fails.
 * Every JSON response also carries `requestId`, which the document adds to each schema.
 */
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import { z } from 'zod';
import { controlResultSchema, migrationPhaseSchema, migrationReportSchema, migrationStatusSchema } from '../../contract/schemas';

const timestamp = z.string().describe('ISO 8601 time in UTC, for example 2025-03-01T12:00:00.000Z.');
const workflowId = z.string().describe('Workflow id of the migration: whm-migrate/<destination host>/<plan name>.');
const runId = z.string().describe('Temporal run id of the latest run.');
const statusUrl = z.string().describe('Path of the migration\'s status route, with the workflow id URL-encoded into one segment.');

const executionStatusSchema = z
  .enum(['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'TERMINATED', 'CONTINUED_AS_NEW', 'TIMED_OUT', 'PAUSED', 'UNKNOWN', 'UNSPECIFIED'] satisfies WorkflowExecutionStatusName[])
  .describe('Temporal\'s execution status of the run. Any status other than RUNNING and PAUSED means the migration has ended.');

export const startResponseSchema = z
  .object({
    workflowId,
    runId,
    started: z.boolean().describe('False when the plan\'s migration was already running and is returned instead; changes to the plan do not apply to it.'),
    statusUrl,
    warnings: z.array(z.string()).describe('Settings of the plan that are allowed but probably unintended.'),
  })
  .meta({ description: 'The migration that the plan started, or the one already running under its workflow id.' });

export const migrationStateSchema = z
  .object({
    workflowId,
    runId,
    executionStatus: executionStatusSchema,
    startTime: timestamp,
    closeTime: timestamp.optional(),
    status: migrationStatusSchema.optional().describe('Present while the migration runs: the result of its status query.'),
    report: migrationReportSchema.optional().describe('Present when the migration completed.'),
    failure: z.string().optional().describe('Present when the workflow failed, was terminated, cancelled or timed out: Temporal\'s failure message.'),
  })
  .meta({ description: 'State of a migration: its live status while it runs, its report or failure once it ended.' });

export const reportResponseSchema = migrationStateSchema
  .pick({ workflowId: true, runId: true, executionStatus: true, closeTime: true, report: true, failure: true })
  .meta({ description: 'How a migration ended: its report, or the failure of a workflow that ended without one.' });

const listEntrySchema = z.object({
  workflowId,
  runId,
  executionStatus: executionStatusSchema,
  startTime: timestamp,
  closeTime: timestamp.optional(),
  phase: migrationPhaseSchema.optional().describe('Phase the workflow last indexed (WhmMigratePhase); absent until it first did.'),
  paused: z.boolean().optional().describe('Whether a hold is active (WhmMigratePaused); absent until the workflow first indexed it.'),
  holdSources: z.array(z.string()).describe('Sources of the active holds (WhmMigrateHoldSources).'),
  servers: z.array(z.string()).describe('Source and destination host names in lower case (WhmMigrateServers).'),
  statusUrl,
});

export const migrationListSchema = z
  .object({
    migrations: z.array(listEntrySchema).describe('In the order Temporal visibility returns them.'),
    count: z.number().int(),
    truncated: z.boolean().describe('True when more migrations match than `limit` let through.'),
    query: z.string().describe('The Temporal visibility query that selected them, for the Web UI or `temporal workflow list --query`.'),
  })
  .meta({
    description: 'Migrations from Temporal visibility, which is eventually consistent: a migration started or changed a moment ago may be missing or show its old phase.',
  });

export const controlResponseSchema = z
  .object({
    workflowId,
    action: z.enum(['pause', 'resume', 'abort']),
    delivery: z.enum(['signal', 'update']).describe('signal without wait=true; update with it.'),
    completed: z
      .boolean()
      .describe('True when the workflow confirmed the result. Always false for a signal, and for an update whose wait ran out before WHM confirmed it.'),
    result: controlResultSchema.optional().describe('Present when completed: where the migration stands once WHM confirmed the change.'),
    statusUrl,
  })
  .meta({ description: 'What a pause, resume or abort request did.' });

export const bulkResponseSchema = z
  .object({
    matched: z.number().int().describe('Running migrations the visibility query returned.'),
    signalled: z.number().int().describe('Migrations that received the signal.'),
    failed: z
      .array(z.object({ workflowId, error: z.string() }))
      .describe('Migrations that matched but could not be signalled, for example because they ended in between.'),
    workflowIds: z.array(z.string()).describe('Migrations that received the signal.'),
    query: z.string().describe('The Temporal visibility query that selected the migrations.'),
  })
  .meta({ description: 'Outcome of a bulk pause or resume. Visibility lags a moment behind starts, so a migration started just before may be missed.' });
