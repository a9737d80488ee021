/**
 * The HTTP API for migrations: start a plan, read a migration's status and report, list migrations,
 * and pause, resume or abort one migration or every migration on a server. Workflow ids contain
 * slashes, so `:id` is the id URL-encoded into one path segment.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { BulkSignalResult, MigrationStatusResult } from '../../client';
import { readJsonBody } from '../http/body';
import { HttpError } from '../http/errors';
import type { Handler, Reply, RequestContext, Router } from '../http/router';
import type { ServeMetrics } from '../metrics/serve-metrics';
import { migrationHttpError } from './errors';
import { parseQuery, readOptionalJsonBody } from './input';
import type { ControlAction, MigrationRow, MigrationWorkflows } from './migration-workflows';
import { parsePlanBody } from './plan-body';
import {
  bulkPauseBodySchema,
  bulkResumeBodySchema,
  DEFAULT_LIST_LIMIT,
  DEFAULT_WAIT_SECONDS,
  listQuerySchema,
  pauseBodySchema,
  resumeBodySchema,
  waitQuerySchema,
  type WaitQuery,
} from './requests';
import { migrationUrl } from './urls';

export interface MigrationRoutesOptions {
  migrations: MigrationWorkflows;
  metrics: ServeMetrics;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Seconds a client should wait before retrying a 503. */
  retryAfterSeconds: number;
}

const CONTROL_ACTIONS: readonly ControlAction[] = ['pause', 'resume', 'abort'];

/** Registers the migration routes, which all need the bearer token. */
export function addMigrationRoutes(router: Router, options: MigrationRoutesOptions): void {
  const { migrations, metrics, maxBodyBytes } = options;
  const add = (method: string, pattern: string, handler: Handler): void => {
    router.add(method, pattern, async (context) => {
      try {
        return await handler(context);
      } catch (error) {
        throw migrationHttpError(error, options.retryAfterSeconds) ?? error;
      }
    });
  };

  add('POST', '/migrations', async (context) => {
    // Any JSON value passes here: parsePlanBody reports the plan's problems with their plan paths.
    const value = await readJsonBody(context.request, z.unknown(), maxBodyBytes);
    const { plan, warnings } = parsePlanBody(value);

    const started = await migrations.start(plan);
    const statusUrl = migrationUrl(started.workflowId);
    const fields = { workflowId: started.workflowId, runId: started.runId };
    if (started.started) context.logger.info(fields, 'migration started');
    else context.logger.info(fields, 'migration already running; returned it instead of starting another');

    return {
      status: started.started ? 201 : 200,
      headers: { [started.started ? 'location' : 'content-location']: statusUrl },
      body: { ...fields, started: started.started, statusUrl, warnings },
    };
  });

  add('GET', '/migrations', async (context) => {
    const query = parseQuery(context.url, listQuerySchema);
    const listing = await migrations.list({
      all: query.all ?? false,
      phase: query.phase,
      server: query.server,
      paused: query.paused,
      limit: query.limit ?? DEFAULT_LIST_LIMIT,
    });
    return {
      status: 200,
      body: { migrations: listing.rows.map(listEntry), count: listing.rows.length, truncated: listing.truncated, query: listing.query },
    };
  });

  // Registered before `/migrations/:id`, which would take "pause" and "resume" as ids of a GET only.
  // NOTE: when more than MAX_BULK_MIGRATIONS migrations match, the client throws a plain Error, so the
  // response is a 500 whose detail does not say to select fewer. Only the log has the client's message.
  add('POST', '/migrations/pause', async (context) => {
    const { server, all, reason, source } = await readJsonBody(context.request, bulkPauseBodySchema, maxBodyBytes);
    const result = await migrations.pauseMatching({ server, all, reason, source });
    metrics.signalsSent('pause', result.signalled);
    return bulkReply(context, 'pause', result);
  });

  add('POST', '/migrations/resume', async (context) => {
    const { server, all, reason, source, releaseAll } = await readJsonBody(context.request, bulkResumeBodySchema, maxBodyBytes);
    const result = await migrations.resumeMatching({ server, all, reason, source, releaseAll });
    metrics.signalsSent('resume', result.signalled);
    return bulkReply(context, 'resume', result);
  });

  add('GET', '/migrations/:id', async (context) => {
    const result = await migrations.status(context.params.id!);
    return { status: 200, body: statusBody(result) };
  });

  add('GET', '/migrations/:id/report', async (context) => {
    const workflowId = context.params.id!;
    const waitMs = waitMilliseconds(parseQuery(context.url, waitQuerySchema));

    // Without a wait, describe alone tells a running migration, so no status query has to reach a worker.
    const ended = waitMs === undefined ? await migrations.hasEnded(workflowId) : await migrations.waitUntilEnded(workflowId, waitMs);
    const result = ended ? await migrations.status(workflowId) : undefined;
    if (result === undefined || (result.report === undefined && result.failure === undefined)) {
      const waited = waitMs === undefined ? '' : ` after waiting ${waitMs / 1000} s`;
      throw new HttpError(
        409,
        `Migration "${workflowId}" is still running${waited}, and its report exists only once it ends. ` +
          `Wait for it with ?wait=true&timeout=SECONDS, or follow GET ${migrationUrl(workflowId)}.`,
      );
    }
    return { status: 200, body: reportBody(result) };
  });

  for (const action of CONTROL_ACTIONS) {
    const schema = action === 'resume' ? resumeBodySchema : pauseBodySchema;
    add('POST', `/migrations/:id/${action}`, async (context) => {
      const workflowId = context.params.id!;
      const waitMs = waitMilliseconds(parseQuery(context.url, waitQuerySchema));
      const request = await readOptionalJsonBody(context.request, schema, maxBodyBytes);
      const fields = { workflowId, action, source: request.source };
      const statusUrl = migrationUrl(workflowId);

      if (waitMs === undefined) {
        await migrations.signal(action, workflowId, request);
        metrics.signalsSent(action);
        context.logger.info(fields, `${action} signal sent`);
        return { status: 202, body: { workflowId, action, delivery: 'signal', completed: false, statusUrl } };
      }

      const updateId = randomUUID();
      const outcome = await migrations.update(action, workflowId, request, waitMs, updateId);
      metrics.updateSent(action);
      context.logger.info({ ...fields, updateId, completed: outcome.completed }, outcome.completed ? `${action} update completed` : `${action} update accepted; still waiting for WHM`);
      if (!outcome.completed) return { status: 202, body: { workflowId, action, delivery: 'update', completed: false, statusUrl } };
      return { status: 200, body: { workflowId, action, delivery: 'update', completed: true, result: outcome.result, statusUrl } };
    });
  }
}

/** Milliseconds to wait, or undefined when the request does not ask to wait. */
function waitMilliseconds(query: WaitQuery): number | undefined {
  if (query.wait !== true) {
    if (query.timeout !== undefined) {
      throw new HttpError(400, 'The query parameter "timeout" applies only with wait=true.', {
        problems: [{ path: 'timeout', message: 'is allowed only together with wait=true' }],
      });
    }
    return undefined;
  }
  return (query.timeout ?? DEFAULT_WAIT_SECONDS) * 1000;
}

function bulkReply(context: RequestContext, action: ControlAction, result: BulkSignalResult): Reply {
  const { query, matched, signalled, workflowIds, failed } = result;
  context.logger.info({ action, query, matched, signalled, failed: failed.length }, `bulk ${action} sent`);
  for (const failure of failed) context.logger.warn({ action, ...failure }, `bulk ${action} could not signal a migration`);
  return { status: 202, body: { matched, signalled, failed, workflowIds, query } };
}

function statusBody(result: MigrationStatusResult): Record<string, unknown> {
  const { workflowId, runId, executionStatus, startTime, closeTime, status, report, failure } = result;
  return { workflowId, runId, executionStatus, startTime: startTime.toISOString(), closeTime: closeTime?.toISOString(), status, report, failure };
}

function reportBody(result: MigrationStatusResult): Record<string, unknown> {
  const { workflowId, runId, executionStatus, closeTime, report, failure } = result;
  return { workflowId, runId, executionStatus, closeTime: closeTime?.toISOString(), report, failure };
}

function listEntry(row: MigrationRow): Record<string, unknown> {
  return { ...row, startTime: row.startTime.toISOString(), closeTime: row.closeTime?.toISOString(), statusUrl: migrationUrl(row.workflowId) };
}
