/**
 * Activities of the server workflow: the health check of a WHM server, and the reconciliation that
 * makes every running migration of the server carry exactly the holds the server workflow owns.
 * Built by {@link createHealthActivities}, so the workflow types its proxy with `import type`.
 */
import { cancellationSignal, Context, log } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Logger } from 'pino';
import { WhmConnections } from '../activities/whm-connection';
import { silentLogger } from '../log';
import { MIGRATION_WORKFLOW_TYPE, pauseSignal, resumeSignal } from '../messages';
import { HOLD_SOURCES_ATTRIBUTE, SERVERS_ATTRIBUTE } from '../search-attributes';
import { normalizeHost, ownsSource, type ReconcileRecord } from '../server-messages';
import { checkHealth } from './check';
import type { ServerHealthConfig } from './config';
import type { HealthCheckResult } from './evaluate';

/** A hold the server workflow wants on every running migration of its server. */
export interface WantedHold {
  source: string;
  reason: string;
}

export interface ReconcileHoldsInput {
  host: string;
  holds: WantedHold[];
  /** Sources this workflow owns (see `ownsSource`); holds of other sources are never touched. */
  ownedSourcePrefixes: string[];
  /** Reason sent with the resume of an owned source, by source; a generic reason otherwise. */
  releaseReasons?: Record<string, string>;
  /** Only migrations on this task queue. @default every task queue */
  migrationTaskQueue?: string;
}

export type ReconcileHoldsResult = Omit<ReconcileRecord, 'at' | 'error'>;

export interface HealthActivityDependencies {
  /** Environment that credential references are read from. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Logger for the WHM client's request logs. @default silent */
  logger?: Logger;
  /** WHM client cache, shared with the migration activities by the worker. */
  connections?: WhmConnections;
}

/** Running migrations read per reconciliation; more are left for the next one, with a warning. */
export const MAX_RECONCILED_MIGRATIONS = 1000;

export function createHealthActivities(deps: HealthActivityDependencies = {}) {
  const connections = deps.connections ?? new WhmConnections(deps.env ?? process.env, deps.logger ?? silentLogger);

  return {
    /**
     * Measures load, disks, required services and the probe of one server. WHM failures are
     * returned in the result (`reachable: false`); only a cancellation is thrown.
     */
    async checkServerHealth(config: ServerHealthConfig): Promise<HealthCheckResult> {
      const result = await checkHealth(config, () => connections.clientFor(config), { signal: cancellationSignal() });
      if (!result.reachable) log.warn('WHM could not be read for the health check', { host: config.host, error: result.error });
      return result;
    },

    /**
     * Lists the running migrations of the host with their hold sources (from visibility), then sends
     * `pause` for each wanted hold a migration lacks and `resume` for each owned source it carries
     * but should not. Signals that fail (a migration that ended meanwhile) are returned, not thrown;
     * the next reconciliation tries again.
     */
    async reconcileServerHolds(input: ReconcileHoldsInput): Promise<ReconcileHoldsResult> {
      const client = Context.current().client;
      const host = normalizeHost(input.host);
      const clauses = [
        `WorkflowType = ${visibilityLiteral(MIGRATION_WORKFLOW_TYPE)}`,
        `ExecutionStatus = 'Running'`,
        `${SERVERS_ATTRIBUTE.name} = ${visibilityLiteral(host)}`,
      ];
      if (input.migrationTaskQueue !== undefined) clauses.push(`TaskQueue = ${visibilityLiteral(input.migrationTaskQueue)}`);

      const result: ReconcileHoldsResult = { migrations: [], paused: [], resumed: [], failed: [] };
      const wanted = new Set(input.holds.map((hold) => hold.source));
      const send = async (workflowId: string, kind: 'paused' | 'resumed', source: string, reason: string): Promise<void> => {
        try {
          await client.workflow.getHandle(workflowId).signal(kind === 'paused' ? pauseSignal : resumeSignal, { source, reason });
          result[kind].push({ workflowId, source });
          log.info(kind === 'paused' ? 'Held a migration for its server' : 'Released a server hold of a migration', { workflowId, source, host });
        } catch (error) {
          const text = error instanceof WorkflowNotFoundError ? 'the migration ended before the signal arrived' : (error as Error).message;
          result.failed.push({ workflowId, error: text });
          log.warn('Could not signal a migration of the server', { workflowId, source, host, error: text });
        }
      };

      for await (const execution of client.workflow.list({ query: clauses.join(' AND ') })) {
        if (result.migrations.length >= MAX_RECONCILED_MIGRATIONS) {
          log.warn('Too many running migrations to reconcile at once; the rest waits for the next reconciliation', { host, limit: MAX_RECONCILED_MIGRATIONS });
          break;
        }
        const workflowId = execution.workflowId;
        result.migrations.push(workflowId);
        const sources = execution.typedSearchAttributes.get(HOLD_SOURCES_ATTRIBUTE) ?? [];

        for (const hold of input.holds) {
          if (!sources.includes(hold.source)) await send(workflowId, 'paused', hold.source, hold.reason);
        }
        for (const source of sources) {
          if (ownsSource(input.ownedSourcePrefixes, source) && !wanted.has(source)) {
            const reason = input.releaseReasons?.[source] ?? `the server workflow of ${host} no longer holds ${source}`;
            await send(workflowId, 'resumed', source, reason);
          }
        }
      }
      return result;
    },
  };
}

export type HealthActivities = ReturnType<typeof createHealthActivities>;

/**
 * Quotes a value for a visibility query. Values with a quote or backslash are rejected instead of
 * escaped, because host names and task queue names never need them.
 */
function visibilityLiteral(value: string): string {
  if (/['"\\]/.test(value)) {
    throw ApplicationFailure.nonRetryable(`cannot list migrations for ${JSON.stringify(value)}: quotes and backslashes are not allowed in a visibility query value`, 'InvalidVisibilityValue');
  }
  return `'${value}'`;
}
