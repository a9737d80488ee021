/**
 * Schemas of what clients send to the migration routes: query parameters and JSON bodies. The
 * routes validate with them, and the OpenAPI document is generated from them.
 */
import { z } from 'zod';
import { migrationPhaseSchema } from '../../contract/schemas';
import { pauseRequestSchema, resumeRequestSchema } from '../../messages';
import { migrationPlanSchema } from '../../plan/schema';

/**
 * Longest `?wait=true` a request may ask for, in seconds. It equals undici's default headers timeout
 * (300 s), so a Node.js client with default settings does not give up before the service answers.
 */
export const MAX_WAIT_SECONDS = 300;
/** Wait of `?wait=true` without `timeout`, in seconds. */
export const DEFAULT_WAIT_SECONDS = 60;
/** Maximum number of migrations one list request returns. */
export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_LIST_LIMIT = 100;

/** A query flag: the literal text `true` or `false`, so that `?paused=yes` is rejected, not read as false. */
const flagSchema = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((value) => value === 'true');

/** Host name or IP address as a plan names a server, lower-cased because the search attribute stores it so. */
export const serverHostSchema = migrationPlanSchema.shape.destination.shape.host
  .transform((host) => host.toLowerCase())
  .describe('Host name or IP address of a source or destination server, as the plans name it; any letter case.');

const waitSecondsSchema = z.coerce
  .number({ error: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(1, 'must be at least 1 second')
  .max(MAX_WAIT_SECONDS, `must be at most ${MAX_WAIT_SECONDS} seconds`);

/** Query of `GET /migrations`. */
export const listQuerySchema = z.strictObject({
  phase: migrationPhaseSchema.optional().describe('Only migrations in this phase, as the workflow last indexed it (search attribute WhmMigratePhase).'),
  paused: flagSchema.optional().describe('true: only migrations with an active hold; false: only those without one (search attribute WhmMigratePaused).'),
  server: serverHostSchema.optional().describe('Only migrations with this server as source or destination (search attribute WhmMigrateServers).'),
  all: flagSchema.optional().describe('true: include migrations that have ended; by default only running ones are listed.'),
  limit: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_LIST_LIMIT, `must be at most ${MAX_LIST_LIMIT}`)
    .optional()
    .describe(`Maximum number of migrations returned (default ${DEFAULT_LIST_LIMIT}).`),
});

/** Query of the routes that can wait: pause, resume, abort and report. */
export const waitQuerySchema = z.strictObject({
  wait: flagSchema.optional().describe('true: wait for the outcome instead of returning at once.'),
  timeout: waitSecondsSchema.optional().describe(`With wait=true: how long to wait, in seconds (default ${DEFAULT_WAIT_SECONDS}).`),
});

export type ListQuery = z.output<typeof listQuerySchema>;
export type WaitQuery = z.output<typeof waitQuerySchema>;

/** Body of `POST /migrations/:id/pause` and `.../abort`: the payload of the `pause` and `abort` signals. */
export const pauseBodySchema = pauseRequestSchema.meta({ description: 'Optional. `source` names the hold (default "operator"); `reason` is shown in the status.' });
/** Body of `POST /migrations/:id/resume`: the payload of the `resume` signal. */
export const resumeBodySchema = resumeRequestSchema.meta({
  description: 'Optional. Releases the hold of `source` (default "operator"); `all: true` releases the holds of every source.',
});

const bulkSelectorShape = {
  server: serverHostSchema.optional().describe('Signal the running migrations with this server as source or destination.'),
  all: z.boolean().optional().describe('true: signal every running migration in the namespace. Give either `server` or `all`.'),
};

/** Body of `POST /migrations/pause`: which running migrations, and the pause request each receives. */
export const bulkPauseBodySchema = pauseRequestSchema.extend(bulkSelectorShape).meta({
  description: 'Pauses the running migrations on one server, or all of them. Give either `server` or `all: true`.',
});

/** Body of `POST /migrations/resume`. `all` selects the migrations; `releaseAll` is the resume request's `all`. */
export const bulkResumeBodySchema = pauseRequestSchema.extend({
  ...bulkSelectorShape,
  releaseAll: z.boolean().optional().describe('true: release the holds of every source, not only those of `source`.'),
}).meta({ description: 'Resumes the running migrations on one server, or all of them. Give either `server` or `all: true`.' });

export type BulkPauseBody = z.output<typeof bulkPauseBodySchema>;
export type BulkResumeBody = z.output<typeof bulkResumeBodySchema>;
