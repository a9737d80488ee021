import {
  isGrpcDeadlineError,
  NamespaceNotFoundError,
  type CountWorkflowExecution,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WorkflowUpdateStage,
  type WorkflowExecutionDescription,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import {
  MigrationClient,
  MigrationClosedError,
  MigrationFailedError,
  MigrationNotFoundError,
  migrationsQuery,
  TemporalNamespaceNotFoundError,
  TemporalUnavailableError,
  type BulkSignalResult,
  type MigrationClientConfig,
  type MigrationClientOptions,
  type MigrationStatusResult,
  type PauseMatchingOptions,
  type ResumeMatchingOptions,
  type StartedMigration,
} from '../../client';
import { isConnectionFailure, isInvalidArgument, rootMessage } from '../../client/errors';
import {
  abortUpdate,
  MIGRATION_WORKFLOW_TYPE,
  pauseUpdate,
  resumeUpdate,
  type ControlResult,
  type MigrationPhase,
  type PauseRequest,
  type ResumeRequest,
} from '../../messages';
import type { MigrationPlan } from '../../plan';
import { HOLD_SOURCES_ATTRIBUTE, PAUSED_ATTRIBUTE, PHASE_ATTRIBUTE, SERVERS_ATTRIBUTE } from '../../search-attributes';
import { isTemporalFailure, type TemporalFailureListener, type TemporalOperation } from '../temporal-failures';

/** What the pause, resume and abort routes do to a migration. */
export type ControlAction = 'pause' | 'resume' | 'abort';

const CONTROL_UPDATES = { pause: pauseUpdate, resume: resumeUpdate, abort: abortUpdate } as const;

/** Temporal statuses of a run that still takes signals. Every other status means the migration ended. */
const OPEN_STATUSES: ReadonlySet<WorkflowExecutionStatusName> = new Set(['RUNNING', 'PAUSED']);

/**
 * How long a bulk pause or resume may take, query and signals together, in milliseconds. Signals
 * that have not gone out by then are reported as failed, not lost silently.
 */
export const BULK_TIMEOUT_MS = 60_000;

/** Which migrations {@link MigrationWorkflows.list} returns. */
export interface MigrationListFilter {
  /** Include migrations that have ended. */
  all: boolean;
  phase?: MigrationPhase;
  /** Lower-case host name or IP address of a source or destination server. */
  server?: string;
  paused?: boolean;
  limit: number;
}

/** One migration as Temporal visibility lists it. */
export interface MigrationRow {
  workflowId: string;
  runId: string;
  executionStatus: WorkflowExecutionStatusName;
  startTime: Date;
  closeTime?: Date;
  /** Absent until the workflow first indexed itself. */
  phase?: MigrationPhase;
  paused?: boolean;
  holdSources: string[];
  servers: string[];
}

export interface MigrationListing {
  /** The visibility query that selected the rows. */
  query: string;
  rows: MigrationRow[];
  /** True when more migrations match than the limit let through. */
  truncated: boolean;
}

/** Outcome of a control update: the state once the workflow confirmed it, or none yet when the wait ran out. */
export type UpdateOutcome = { completed: true; result: ControlResult } | { completed: false };

/** Thrown when the migration did not accept an update within the wait, for example because no worker runs. */
export class UpdateNotAcceptedError extends Error {
  override readonly name = 'UpdateNotAcceptedError';

  constructor(
    readonly workflowId: string,
    readonly action: ControlAction,
    readonly waitMs: number,
    readonly taskQueue: string,
    options?: ErrorOptions,
  ) {
    super(
      `Migration "${workflowId}" did not accept the ${action} within ${waitMs / 1000} s. ` +
        `Check that a worker polls task queue "${taskQueue}" (\`whm-migrate worker\`); the ${action} may still apply once one does, ` +
        'so read the status before sending it again.',
      options,
    );
  }
}

/** Thrown when the migration workflow rejected an update, for example because its payload was invalid. */
export class UpdateRejectedError extends Error {
  override readonly name = 'UpdateRejectedError';

  constructor(
    readonly workflowId: string,
    readonly action: ControlAction,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(`Migration "${workflowId}" rejected the ${action}: ${detail}.`, options);
  }
}

/** Thrown when Temporal rejects the start of a migration as invalid (gRPC INVALID_ARGUMENT). */
export class StartRejectedError extends Error {
  override readonly name = 'StartRejectedError';

  constructor(
    /** Temporal's reason, for example "Blob data size exceeds limit." */
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`Temporal rejected the start of the migration: ${detail}`, options);
  }

  /** True when the plan is larger than Temporal accepts as workflow input (2 MB by default). */
  get tooLarge(): boolean {
    return /size exceeds/i.test(this.detail);
  }
}

/** Thrown when the namespace lacks a search attribute that a list filter needs. */
export class SearchAttributesMissingError extends Error {
  override readonly name = 'SearchAttributesMissingError';

  constructor(namespace: string, detail: string, options?: ErrorOptions) {
    super(
      `Temporal namespace "${namespace}" cannot filter migrations (${detail}). ` +
        'Start `whm-migrate worker` once, which registers the search attributes WhmMigratePhase, WhmMigratePaused and WhmMigrateServers.',
      options,
    );
  }
}

/**
 * The migration workflows as the HTTP routes use them, through one {@link MigrationClient}. The client
 * connects on first use and again after a failed connect, so the service starts while Temporal is
 * down. Every call is bounded: by the call timeout, or by the wait a request asked for.
 */
export class MigrationWorkflows {
  private connecting: Promise<MigrationClient> | undefined;

  constructor(
    private readonly config: MigrationClientConfig,
    private readonly callTimeoutMs: number,
    private readonly onTemporalFailure: TemporalFailureListener = () => undefined,
  ) {}

  /**
   * Starts the plan's migration, or returns the running one with `started: false`.
   *
   * @throws StartRejectedError when Temporal rejects the start, for example a plan over its payload size limit.
   */
  async start(plan: MigrationPlan): Promise<StartedMigration> {
    try {
      return await this.call('start', (client) => client.start(plan));
    } catch (error) {
      if (isInvalidArgument(error)) throw new StartRejectedError(rootMessage(error), { cause: error });
      throw error;
    }
  }

  /**
   * Describes the latest run of a migration.
   *
   * @throws MigrationNotFoundError for an unknown id, and for a workflow of another type (a server workflow).
   */
  async describe(workflowId: string): Promise<WorkflowExecutionDescription> {
    const description = await this.call('describe', (client) => client.temporal.workflow.getHandle(workflowId).describe(), workflowId);
    if (description.type !== MIGRATION_WORKFLOW_TYPE) throw new MigrationNotFoundError(workflowId, this.config.namespace);
    return description;
  }

  /** Reads the state of a migration: the status query while it runs, the report or failure once it ended. */
  async status(workflowId: string): Promise<MigrationStatusResult> {
    await this.describe(workflowId);
    return this.call('status', (client) => client.status(workflowId), workflowId);
  }

  /**
   * Sends the `pause`, `resume` or `abort` signal.
   *
   * @throws MigrationClosedError when the migration has ended.
   */
  async signal(action: ControlAction, workflowId: string, request: PauseRequest | ResumeRequest): Promise<void> {
    await this.requireOpen(workflowId);
    await this.call('signal', (client) => client[action](workflowId, request), workflowId);
  }

  /**
   * Sends the `pauseMigration`, `resumeMigration` or `abortMigration` update and waits up to `waitMs`
   * for its result. `updateId` names the update in Temporal's history and in the log.
   *
   * @throws MigrationClosedError when the migration has ended.
   * @throws UpdateNotAcceptedError when the workflow did not accept the update within `waitMs`.
   * @throws UpdateRejectedError when the workflow rejected it.
   */
  async update(action: ControlAction, workflowId: string, request: PauseRequest | ResumeRequest, waitMs: number, updateId: string): Promise<UpdateOutcome> {
    await this.requireOpen(workflowId);
    const deadline = Date.now() + waitMs;
    const client = await this.connected('update');
    const handle = client.temporal.workflow.getHandle(workflowId);

    let update;
    try {
      update = await client.temporal.withDeadline(deadline, () =>
        handle.startUpdate(CONTROL_UPDATES[action], { args: [request], waitForStage: WorkflowUpdateStage.ACCEPTED, updateId }),
      );
    } catch (error) {
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        throw new UpdateNotAcceptedError(workflowId, action, waitMs, this.config.taskQueue, { cause: error });
      }
      throw await this.updateError(error, action, workflowId);
    }

    try {
      return { completed: true, result: await client.temporal.withDeadline(deadline, () => update.result()) };
    } catch (error) {
      // Accepted but unfinished: the hold or abort request is in the workflow's history, and WHM has not confirmed it yet.
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return { completed: false };
      throw await this.updateError(error, action, workflowId);
    }
  }

  /** Tells whether the migration's latest run has ended. */
  async hasEnded(workflowId: string): Promise<boolean> {
    const description = await this.describe(workflowId);
    return !OPEN_STATUSES.has(description.status.name);
  }

  /**
   * Waits up to `waitMs` for the migration to end.
   *
   * @returns true when it ended (with a report or a failure), false when it still runs.
   */
  async waitUntilEnded(workflowId: string, waitMs: number): Promise<boolean> {
    if (await this.hasEnded(workflowId)) return true;

    const client = await this.connected('wait');
    try {
      await client.temporal.withDeadline(Date.now() + waitMs, () => client.waitForReport(workflowId));
      return true;
    } catch (error) {
      if (error instanceof MigrationFailedError) return true;
      if (isGrpcDeadlineError(error)) return false;
      throw this.temporalError('wait', error, workflowId);
    }
  }

  /**
   * Lists migrations from Temporal visibility, which lags a moment behind starts and phase changes.
   *
   * @throws SearchAttributesMissingError when the namespace lacks the search attributes.
   */
  async list(filter: MigrationListFilter): Promise<MigrationListing> {
    const conditions = [migrationsQuery({ running: !filter.all, phase: filter.phase, server: filter.server }, 'list')];
    if (filter.paused !== undefined) conditions.push(`${PAUSED_ATTRIBUTE.name} = ${filter.paused}`);
    const query = conditions.join(' AND ');

    const rows: MigrationRow[] = [];
    let truncated = false;
    try {
      await this.call('list', async (client) => {
        for await (const info of client.temporal.workflow.list({ query })) {
          if (rows.length === filter.limit) {
            truncated = true;
            break;
          }
          const attributes = info.typedSearchAttributes;
          rows.push({
            workflowId: info.workflowId,
            runId: info.runId,
            executionStatus: info.status.name,
            startTime: info.startTime,
            closeTime: info.closeTime,
            phase: attributes.get(PHASE_ATTRIBUTE) as MigrationPhase | undefined,
            paused: attributes.get(PAUSED_ATTRIBUTE),
            holdSources: attributes.get(HOLD_SOURCES_ATTRIBUTE) ?? [],
            servers: attributes.get(SERVERS_ATTRIBUTE) ?? [],
          });
        }
      });
    } catch (error) {
      if (isInvalidArgument(error)) throw new SearchAttributesMissingError(this.config.namespace, rootMessage(error), { cause: error });
      throw error;
    }
    return { query, rows, truncated };
  }

  /** Pauses the running migrations that `options` selects, as {@link MigrationClient.pauseMatching} does. */
  async pauseMatching(options: PauseMatchingOptions): Promise<BulkSignalResult> {
    return this.call('bulk_signal', (client) => client.pauseMatching(options), undefined, BULK_TIMEOUT_MS);
  }

  /** Resumes the running migrations that `options` selects, as {@link MigrationClient.resumeMatching} does. */
  async resumeMatching(options: ResumeMatchingOptions): Promise<BulkSignalResult> {
    return this.call('bulk_signal', (client) => client.resumeMatching(options), undefined, BULK_TIMEOUT_MS);
  }

  /**
   * Counts the workflows that `query` selects, within `timeoutMs`. A query that ends in GROUP BY
   * also returns a count per value.
   *
   * @throws the SDK's ServiceError with gRPC status INVALID_ARGUMENT when the server cannot run the
   *   query, for example a GROUP BY on an attribute it cannot group by.
   */
  async count(query: string, timeoutMs: number): Promise<CountWorkflowExecution> {
    return this.call('census', (client) => client.temporal.workflow.count(query), undefined, timeoutMs);
  }

  /** Returns the hold sources (search attribute WhmMigrateHoldSources) of each workflow that `query` selects, within `timeoutMs`. */
  async holdSources(query: string, timeoutMs: number): Promise<string[][]> {
    const read = async (client: MigrationClient): Promise<string[][]> => {
      const sources: string[][] = [];
      for await (const info of client.temporal.workflow.list({ query })) sources.push(info.typedSearchAttributes.get(HOLD_SOURCES_ATTRIBUTE) ?? []);
      return sources;
    };
    return this.call('census', read, undefined, timeoutMs);
  }

  /** Closes the Temporal connection, if one was made. */
  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    const client = await connecting?.catch(() => undefined);
    await client?.close();
  }

  /**
   * @throws MigrationClosedError when the migration has ended.
   * @throws MigrationNotFoundError when there is no such migration.
   */
  private async requireOpen(workflowId: string): Promise<void> {
    const description = await this.describe(workflowId);
    if (!OPEN_STATUSES.has(description.status.name)) throw new MigrationClosedError(workflowId, description.status.name);
  }

  private async updateError(error: unknown, action: ControlAction, workflowId: string): Promise<unknown> {
    if (error instanceof WorkflowUpdateFailedError) return new UpdateRejectedError(workflowId, action, rootMessage(error), { cause: error });
    // The run may have ended since requireOpen, and a closed workflow takes no update.
    if (error instanceof WorkflowNotFoundError) await this.requireOpen(workflowId);
    return this.temporalError('update', error, workflowId);
  }

  /** Runs `fn` with the connected client under a deadline and maps Temporal's errors to the client's. */
  private async call<T>(
    operation: TemporalOperation,
    fn: (client: MigrationClient) => Promise<T>,
    workflowId?: string,
    timeoutMs = this.callTimeoutMs,
  ): Promise<T> {
    const client = await this.connected(operation);
    try {
      return await client.temporal.withDeadline(Date.now() + timeoutMs, () => fn(client));
    } catch (error) {
      throw this.temporalError(operation, error, workflowId, timeoutMs);
    }
  }

  /** Maps Temporal's errors to the client's, and reports those that mean Temporal failed to serve `operation`. */
  private temporalError(operation: TemporalOperation, error: unknown, workflowId: string | undefined, timeoutMs = this.callTimeoutMs): unknown {
    const mapped = this.mapError(error, workflowId, timeoutMs);
    if (isTemporalFailure(mapped)) this.onTemporalFailure(operation);
    return mapped;
  }

  private mapError(error: unknown, workflowId: string | undefined, timeoutMs: number): unknown {
    const { address, namespace } = this.config;
    if (error instanceof WorkflowNotFoundError && workflowId !== undefined) return new MigrationNotFoundError(workflowId, namespace, { cause: error });
    if (error instanceof NamespaceNotFoundError) return new TemporalNamespaceNotFoundError(address, namespace, { cause: error });
    if (isConnectionFailure(error)) return new TemporalUnavailableError(address, rootMessage(error), { cause: error });
    if (isGrpcDeadlineError(error)) return new TemporalUnavailableError(address, `no response within ${timeoutMs} ms`, { cause: error });
    return error;
  }

  /** Returns the connected client for `operation`; a failed connect counts as a failure of that operation. */
  private async connected(operation: TemporalOperation): Promise<MigrationClient> {
    try {
      return await this.client();
    } catch (error) {
      throw this.temporalError(operation, error, undefined);
    }
  }

  /** Returns the connected client. A failed connect is not kept, so the next request tries again. */
  private client(): Promise<MigrationClient> {
    this.connecting ??= MigrationClient.connect(clientOptions(this.config, this.callTimeoutMs)).catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }
}

/**
 * Options that make {@link MigrationClient.connect} use the service's resolved settings. The empty
 * environment has neither HOME nor TEMPORAL_CONFIG_FILE, so no variable and no config file is read again.
 */
function clientOptions(config: MigrationClientConfig, connectTimeoutMs: number): MigrationClientOptions {
  return {
    address: config.address,
    namespace: config.namespace,
    taskQueue: config.taskQueue,
    apiKey: config.apiKey,
    // false rather than undefined, so that the resolved "plain" stays plain.
    tls: config.tls ?? false,
    connectTimeoutMs,
    queryTimeoutMs: config.queryTimeoutMs,
    // NOTE: MigrationClient.connect sends no gRPC metadata, so config.metadata (TEMPORAL_GRPC_META_*)
    // reaches the alert signals and the readiness check, but not these calls.
    env: {},
  };
}
