import { Client, Connection, isGrpcDeadlineError, isGrpcServiceError, NamespaceNotFoundError } from '@temporalio/client';
import { TemporalNamespaceNotFoundError, TemporalUnavailableError, type MigrationClientConfig } from '../client';
import { isConnectionFailure, rootMessage } from '../client/errors';
import { alertSignal, SERVER_WORKFLOW_TYPE, serverWorkflowId, type AlertRequest, type ServerWorkflowInput } from '../server-messages';
import { isTemporalFailure, type TemporalFailureListener, type TemporalOperation } from './temporal-failures';

type ServerWorkflow = (input: ServerWorkflowInput) => Promise<void>;

/** gRPC status NOT_FOUND, which describeNamespace returns for a missing namespace. */
const GRPC_NOT_FOUND = 5;

/** Server workflow run that received a signal. */
export interface SignalledServer {
  workflowId: string;
  /** Run that received the signal: the running one, or the one this call started. */
  runId: string;
}

/**
 * Sends signals to the per-server workflows. The connection is lazy, so the service starts while
 * Temporal is down and each call reconnects; every call is bounded by `callTimeoutMs`.
 */
export class ServerWorkflows {
  private constructor(
    private readonly config: MigrationClientConfig,
    private readonly connection: Connection,
    private readonly client: Client,
    private readonly callTimeoutMs: number,
    private readonly onTemporalFailure: TemporalFailureListener,
  ) {}

  static create(config: MigrationClientConfig, callTimeoutMs: number, onTemporalFailure: TemporalFailureListener = () => undefined): ServerWorkflows {
    const connection = Connection.lazy({
      address: config.address,
      tls: config.tls,
      apiKey: config.apiKey,
      metadata: config.metadata === undefined ? undefined : { ...config.metadata },
      connectTimeout: config.connectTimeoutMs,
    });
    const client = new Client({ connection, namespace: config.namespace });
    return new ServerWorkflows(config, connection, client, callTimeoutMs, onTemporalFailure);
  }

  /**
   * Sends the `alert` signal to the server workflow of `host`, starting that workflow when none
   * runs (signalWithStart), so an alert is kept even before a migration uses the server.
   *
   * @throws TemporalUnavailableError when Temporal does not respond within the call timeout.
   * @throws TemporalNamespaceNotFoundError when the namespace does not exist.
   */
  async signalAlert(host: string, alert: AlertRequest): Promise<SignalledServer> {
    const workflowId = serverWorkflowId(host);
    const handle = await this.call('alert_signal', () =>
      this.client.workflow.signalWithStart<ServerWorkflow, [unknown?]>(SERVER_WORKFLOW_TYPE, {
        workflowId,
        taskQueue: this.config.taskQueue,
        args: [{ host } satisfies ServerWorkflowInput],
        signal: alertSignal,
        signalArgs: [alert],
        // A running server workflow takes the signal; a closed one is replaced by a new run.
        workflowIdConflictPolicy: 'USE_EXISTING',
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      }),
    );
    return { workflowId, runId: handle.signaledRunId };
  }

  /**
   * Checks that Temporal responds and serves the namespace.
   *
   * @throws TemporalUnavailableError or TemporalNamespaceNotFoundError, as {@link signalAlert}.
   */
  async checkReady(): Promise<void> {
    await this.call('readiness', () => this.connection.workflowService.describeNamespace({ namespace: this.config.namespace }));
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private async call<T>(operation: TemporalOperation, fn: () => Promise<T>): Promise<T> {
    try {
      return await this.connection.withDeadline(Date.now() + this.callTimeoutMs, fn);
    } catch (error) {
      const mapped = this.mapError(error);
      if (isTemporalFailure(mapped)) this.onTemporalFailure(operation);
      throw mapped;
    }
  }

  private mapError(error: unknown): unknown {
    if (error instanceof NamespaceNotFoundError || (isGrpcServiceError(error) && Number(error.code) === GRPC_NOT_FOUND)) {
      return new TemporalNamespaceNotFoundError(this.config.address, this.config.namespace, { cause: error });
    }
    if (isConnectionFailure(error)) return new TemporalUnavailableError(this.config.address, rootMessage(error), { cause: error });
    if (isGrpcDeadlineError(error)) {
      return new TemporalUnavailableError(this.config.address, `no response within ${this.callTimeoutMs} ms`, { cause: error });
    }
    return error;
  }
}
