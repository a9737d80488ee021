import { randomUUID } from 'node:crypto';
import {
  Client,
  Connection,
  isGrpcServiceError,
  NamespaceNotFoundError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  type WorkflowExecutionDescription,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import {
  abortSignal,
  MIGRATION_WORKFLOW_TYPE,
  parseRequest,
  pauseRequestSchema,
  pauseSignal,
  resumeRequestSchema,
  resumeSignal,
  statusQuery,
  type AbortRequest,
  type MigrationPhase,
  type MigrationReport,
  type MigrationStatus,
  type MigrationWorkflowInput,
  type PauseRequest,
  type ResumeRequest,
} from '../messages';
import { migrationWorkflowId, planSummary, type MigrationPlan } from '../plan';
import { PHASE_ATTRIBUTE, SERVERS_ATTRIBUTE } from '../search-attributes';
import { MAX_BULK_MIGRATIONS, signalEach, type BulkSignalResult, type PauseMatchingOptions, type ResumeMatchingOptions } from './bulk';
import { resolveClientConfig, type MigrationClientConfig, type MigrationClientOptions } from './config';
import {
  isConnectionFailure,
  isInvalidArgument,
  InvalidRequestError,
  MigrationClosedError,
  MigrationFailedError,
  MigrationNotFoundError,
  MigrationStatusUnavailableError,
  rootMessage,
  TemporalNamespaceNotFoundError,
  TemporalUnavailableError,
} from './errors';
import { bulkQuery, migrationsQuery, type BulkSelector } from './visibility';

type MigrationWorkflow = (input: MigrationWorkflowInput) => Promise<MigrationReport>;

/** Memo key of the random id each start request writes, to tell a new run from an existing one. */
const START_REQUEST_MEMO_KEY = 'startRequestId';

/**
 * Start policies of {@link MigrationClient.start}, which the contract for other languages repeats:
 * starting a running migration again returns it, and a closed one may start again.
 */
export const MIGRATION_START_POLICIES = { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'ALLOW_DUPLICATE' } as const;

/** gRPC status NOT_FOUND. */
const GRPC_NOT_FOUND = 5;

/** Result of {@link MigrationClient.start}. */
export interface StartedMigration {
  workflowId: string;
  runId: string;
  /** False when a migration with this id was already running and was returned instead. */
  started: boolean;
}

/** The latest workflow run of a migration, as Temporal describes it. */
export interface MigrationExecution {
  workflowId: string;
  runId: string;
  /** Temporal's execution status, for example RUNNING, COMPLETED or TERMINATED. */
  executionStatus: WorkflowExecutionStatusName;
  startTime: Date;
  closeTime?: Date;
}

/** State of a migration: the live status while it runs, the report or failure once it closed. */
export interface MigrationStatusResult extends MigrationExecution {
  /** Present while the workflow runs: the result of its `status` query. */
  status?: MigrationStatus;
  /** Present when the workflow completed. */
  report?: MigrationReport;
  /** Present when the workflow failed, was terminated, cancelled or timed out. */
  failure?: string;
}

export interface ListMigrationsOptions {
  /** List only running migrations. @default true */
  running?: boolean;
  /** Keep only migrations in this phase, as the workflow last indexed it (search attribute WhmMigratePhase). */
  phase?: MigrationPhase;
  /** Maximum number of migrations returned. @default 100 */
  limit?: number;
}

/** One row of {@link MigrationClient.list}. */
export interface MigrationListEntry extends MigrationExecution {
  /** Phase the workflow last indexed; absent until its first update. */
  phase?: MigrationPhase;
}

/**
 * Starts and steers migrations through Temporal: every method talks to the migration workflow by its
 * workflow id, so any process with access to the namespace can pause, resume, abort or watch a
 * migration that another process started.
 */
export class MigrationClient {
  /** The SDK client, for calls this class does not wrap. */
  readonly temporal: Client;

  private constructor(
    readonly config: MigrationClientConfig,
    private readonly connection: Connection,
  ) {
    this.temporal = new Client({ connection, namespace: config.namespace });
  }

  /**
   * Connects to Temporal and checks that the namespace exists.
   *
   * @throws InvalidClientConfigError when an option or environment variable is invalid.
   * @throws TemporalUnavailableError when the server does not respond within `connectTimeoutMs`.
   * @throws TemporalNamespaceNotFoundError when the server has no such namespace.
   */
  static async connect(options: MigrationClientOptions = {}): Promise<MigrationClient> {
    const config = resolveClientConfig(options);

    let connection: Connection;
    try {
      connection = await Connection.connect({
        address: config.address,
        tls: config.tls,
        apiKey: config.apiKey,
        metadata: config.metadata,
        connectTimeout: config.connectTimeoutMs,
      });
    } catch (error) {
      throw new TemporalUnavailableError(
        config.address,
        `no answer within ${config.connectTimeoutMs} ms (${rootMessage(error)})`,
        { cause: error },
      );
    }

    try {
      await connection.workflowService.describeNamespace({ namespace: config.namespace });
    } catch (error) {
      await connection.close();
      if (isGrpcServiceError(error) && Number(error.code) === GRPC_NOT_FOUND) {
        throw new TemporalNamespaceNotFoundError(config.address, config.namespace, { cause: error });
      }
      if (isConnectionFailure(error)) throw new TemporalUnavailableError(config.address, rootMessage(error), { cause: error });
      throw error;
    }
    return new MigrationClient(config, connection);
  }

  /**
   * Starts the migration of a plan under the workflow id `migrationWorkflowId(plan)`.
   *
   * While a migration with that id runs, the server returns it instead of starting another
   * (conflict policy USE_EXISTING), and `started` is false. Once it has closed, a new start is
   * allowed (reuse policy ALLOW_DUPLICATE): running the same plan again is how an operator starts
   * another wave after a finished, aborted or failed one, and the earlier run stays in history.
   */
  async start(plan: MigrationPlan): Promise<StartedMigration> {
    const workflowId = migrationWorkflowId(plan);
    const requestId = randomUUID();

    const handle = await this.call(workflowId, () =>
      this.temporal.workflow.start<MigrationWorkflow>(MIGRATION_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.config.taskQueue,
        args: [{ plan }],
        ...MIGRATION_START_POLICIES,
        memo: { plan: planSummary(plan), [START_REQUEST_MEMO_KEY]: requestId },
      }),
    );
    const runId = handle.firstExecutionRunId;

    // The SDK does not expose the `started` flag of the start response, so the memo shows whether
    // the run carries this request's id (a new run) or another one (the run that was already going).
    const description = await this.call(workflowId, () => this.temporal.workflow.getHandle(workflowId, runId).describe());
    return { workflowId, runId, started: description.memo?.[START_REQUEST_MEMO_KEY] === requestId };
  }

  /** Adds a hold for `source` (default "operator"); WHM pauses once the accounts in flight finish. */
  async pause(workflowId: string, request: PauseRequest = {}): Promise<void> {
    await this.signal(workflowId, 'pause', () => {
      const parsed = parseRequest(pauseRequestSchema, request);
      if (!parsed.ok) throw new InvalidRequestError('pause', parsed.error);
      return this.temporal.workflow.getHandle(workflowId).signal(pauseSignal, parsed.request);
    });
  }

  /** Releases the hold of `source` (default "operator"), or every hold with `all: true`. */
  async resume(workflowId: string, request: ResumeRequest = {}): Promise<void> {
    await this.signal(workflowId, 'resume', () => {
      const parsed = parseRequest(resumeRequestSchema, request);
      if (!parsed.ok) throw new InvalidRequestError('resume', parsed.error);
      return this.temporal.workflow.getHandle(workflowId).signal(resumeSignal, parsed.request);
    });
  }

  /** Asks the workflow to abort the WHM transfer session and end the migration. */
  async abort(workflowId: string, request: AbortRequest = {}): Promise<void> {
    await this.signal(workflowId, 'abort', () => {
      const parsed = parseRequest(pauseRequestSchema, request);
      if (!parsed.ok) throw new InvalidRequestError('abort', parsed.error);
      return this.temporal.workflow.getHandle(workflowId).signal(abortSignal, parsed.request);
    });
  }

  /**
   * Reads the state of a migration: the `status` query while the workflow runs, else the report of
   * a completed workflow or the failure of one that failed, was terminated, cancelled or timed out.
   *
   * @throws MigrationNotFoundError for an unknown id.
   * @throws MigrationStatusUnavailableError when a running workflow does not answer the query within `queryTimeoutMs`.
   */
  async status(workflowId: string): Promise<MigrationStatusResult> {
    const description = await this.describeRun(workflowId);
    if (description.status.name !== 'RUNNING') return this.closedStatus(description);

    const handle = this.temporal.workflow.getHandle(workflowId, description.runId);
    try {
      const status = await this.temporal.withDeadline(Date.now() + this.config.queryTimeoutMs, () => handle.query(statusQuery));
      return { ...executionFields(description), status };
    } catch (error) {
      if (isConnectionFailure(error)) throw new TemporalUnavailableError(this.config.address, rootMessage(error), { cause: error });
      // The run may have closed between describe and query; a closed run needs no query.
      const again = await this.describeRun(workflowId);
      if (again.status.name !== 'RUNNING') return this.closedStatus(again);
      throw new MigrationStatusUnavailableError(workflowId, again.taskQueue, rootMessage(error), { cause: error });
    }
  }

  /**
   * Lists migrations from Temporal visibility, in the server's order. Visibility is eventually
   * consistent, so a migration started or changed a moment ago may be missing or show its old phase.
   *
   * @throws InvalidRequestError for an unknown phase.
   */
  async list(options: ListMigrationsOptions = {}): Promise<MigrationListEntry[]> {
    const limit = options.limit ?? 100;
    const query = migrationsQuery({ running: options.running ?? true, phase: options.phase }, 'list');

    const entries: MigrationListEntry[] = [];
    try {
      await this.call('(list)', async () => {
        for await (const info of this.temporal.workflow.list({ query })) {
          entries.push({
            workflowId: info.workflowId,
            runId: info.runId,
            executionStatus: info.status.name,
            startTime: info.startTime,
            closeTime: info.closeTime,
            phase: info.typedSearchAttributes.get(PHASE_ATTRIBUTE) as MigrationPhase | undefined,
          });
          if (entries.length >= limit) break;
        }
      });
    } catch (error) {
      if (options.phase !== undefined && isInvalidArgument(error)) throw this.unfilterableError('phase', PHASE_ATTRIBUTE.name, error);
      throw error;
    }
    return entries;
  }

  /**
   * Pauses every running migration on `options.server` (source or destination), or every running
   * migration with `all: true`, by sending each the `pause` signal with `reason` and `source`.
   *
   * Visibility is eventually consistent, so a migration started a moment ago may be missed; call
   * this again a few seconds later to catch it. A migration that ends between the query and its
   * signal is listed in `failed`.
   *
   * @throws InvalidRequestError before sending anything when the selector or the request is invalid.
   * @throws Error before sending anything when more than {@link MAX_BULK_MIGRATIONS} migrations match.
   */
  async pauseMatching(options: PauseMatchingOptions): Promise<BulkSignalResult> {
    const { server, all, ...request } = options;
    const parsed = parseRequest(pauseRequestSchema, request);
    if (!parsed.ok) throw new InvalidRequestError('pause', parsed.error);
    return this.signalMatching('pause', { server, all }, (workflowId) => this.pause(workflowId, parsed.request));
  }

  /**
   * Resumes every running migration on `options.server`, or every running migration with
   * `all: true`, by sending each the `resume` signal: it releases the hold of `source` (default
   * "operator"), or every hold with `releaseAll`. Visibility lag applies as for {@link pauseMatching}.
   *
   * @throws InvalidRequestError before sending anything when the selector or the request is invalid.
   * @throws Error before sending anything when more than {@link MAX_BULK_MIGRATIONS} migrations match.
   */
  async resumeMatching(options: ResumeMatchingOptions): Promise<BulkSignalResult> {
    const { server, all, releaseAll, ...rest } = options;
    const parsed = parseRequest(resumeRequestSchema, releaseAll === undefined ? rest : { ...rest, all: releaseAll });
    if (!parsed.ok) throw new InvalidRequestError('resume', parsed.error);
    return this.signalMatching('resume', { server, all }, (workflowId) => this.resume(workflowId, parsed.request));
  }

  /**
   * Waits until the migration ends and returns its report. Follows continue-as-new runs.
   *
   * @throws MigrationFailedError when the workflow failed, was terminated, cancelled or timed out.
   */
  async waitForReport(workflowId: string): Promise<MigrationReport> {
    try {
      return await this.call(workflowId, () => this.temporal.workflow.getHandle<MigrationWorkflow>(workflowId).result());
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      const description = await this.describeRun(workflowId);
      throw new MigrationFailedError(workflowId, description.status.name, failureMessage(error), { cause: error });
    }
  }

  /**
   * Describes the latest run of a migration without asking its worker.
   *
   * @throws MigrationNotFoundError for an unknown id.
   */
  async describe(workflowId: string): Promise<MigrationExecution> {
    return executionFields(await this.describeRun(workflowId));
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await this.connection.close();
  }

  private async describeRun(workflowId: string): Promise<WorkflowExecutionDescription> {
    return this.call(workflowId, () => this.temporal.workflow.getHandle(workflowId).describe());
  }

  private async closedStatus(description: WorkflowExecutionDescription): Promise<MigrationStatusResult> {
    const result: MigrationStatusResult = executionFields(description);
    const handle = this.temporal.workflow.getHandle<MigrationWorkflow>(description.workflowId, description.runId);
    try {
      result.report = await this.call(description.workflowId, () => handle.result());
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      result.failure = failureMessage(error);
    }
    return result;
  }

  /** Finds the running migrations `selector` names and calls `send` for each. */
  private async signalMatching(signal: string, selector: BulkSelector, send: (workflowId: string) => Promise<void>): Promise<BulkSignalResult> {
    const query = bulkQuery(selector, signal);

    const matches: string[] = [];
    try {
      await this.call('(bulk)', async () => {
        for await (const info of this.temporal.workflow.list({ query })) {
          matches.push(info.workflowId);
          if (matches.length > MAX_BULK_MIGRATIONS) break;
        }
      });
    } catch (error) {
      if (selector.server !== undefined && isInvalidArgument(error)) throw this.unfilterableError('server', SERVERS_ATTRIBUTE.name, error);
      throw error;
    }
    if (matches.length > MAX_BULK_MIGRATIONS) {
      throw new Error(
        `More than ${MAX_BULK_MIGRATIONS} running migrations match (${query}); nothing was signalled. ` +
          'Select fewer, for example one server at a time.',
      );
    }

    const outcome = await signalEach(matches, send);
    return { query, matched: matches.length, signalled: outcome.workflowIds.length, workflowIds: outcome.workflowIds, failed: outcome.failed };
  }

  /**
   * Explains an INVALID_ARGUMENT from a filtered visibility query: the namespace most likely lacks the
   * search attribute, which the worker registers when it starts.
   */
  private unfilterableError(filter: string, attribute: string, error: unknown): Error {
    return new Error(
      `Temporal namespace "${this.config.namespace}" cannot filter by ${filter} (${rootMessage(error)}). ` +
        `Start \`whm-migrate worker\` once, which registers the ${attribute} search attribute.`,
      { cause: error },
    );
  }

  /** Sends a signal and turns "not found" into either an unknown or a closed migration. */
  private async signal(workflowId: string, name: string, send: () => Promise<void>): Promise<void> {
    try {
      await this.call(workflowId, send);
    } catch (error) {
      if (!(error instanceof MigrationNotFoundError)) throw error;
      // Signalling a closed workflow also fails with NOT_FOUND; describe distinguishes the two.
      const description = await this.describeRun(workflowId);
      if (description.status.name === 'RUNNING') {
        throw new Error(`Temporal did not deliver the ${name} signal to migration "${workflowId}": ${error.message}. Send it again.`, { cause: error });
      }
      throw new MigrationClosedError(workflowId, description.status.name, { cause: error });
    }
  }

  /** Runs an SDK call and maps its errors to this module's errors. */
  private async call<T>(workflowId: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) {
        throw new MigrationNotFoundError(workflowId, this.config.namespace, { cause: error });
      }
      if (error instanceof NamespaceNotFoundError) {
        throw new TemporalNamespaceNotFoundError(this.config.address, this.config.namespace, { cause: error });
      }
      if (isConnectionFailure(error)) throw new TemporalUnavailableError(this.config.address, rootMessage(error), { cause: error });
      throw error;
    }
  }
}

function executionFields(description: WorkflowExecutionDescription): MigrationExecution {
  return {
    workflowId: description.workflowId,
    runId: description.runId,
    executionStatus: description.status.name,
    startTime: description.startTime,
    closeTime: description.closeTime,
  };
}

/** Returns the failure message Temporal recorded (ApplicationFailure, TerminatedFailure, TimeoutFailure, ...). */
function failureMessage(error: WorkflowFailedError): string {
  return error.cause?.message || error.message;
}
