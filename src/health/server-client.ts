/**
 * Client side of the server workflow: signal-with-start for `alert` and `configureHealth`, and the
 * `serverStatus` query. Used by the `monitor` CLI and meant for the webhook service too.
 */
import { type Client, type WorkflowHandle, WorkflowNotFoundError } from '@temporalio/client';
import type { AlertRequest, ServerStatus, ServerWorkflowInput } from '../server-messages';
import { alertSignal, configureHealthSignal, normalizeHost, SERVER_WORKFLOW_TYPE, serverStatusQuery, serverWorkflowId } from '../server-messages';
import type { ServerHealthConfig } from './config';

/** Location of a host's server workflow: its task queue and, for tests, its id. */
export interface ServerWorkflowTarget {
  host: string;
  /** Task queue of the migration worker, which also runs server workflows. */
  taskQueue: string;
  /** @default serverWorkflowId(host); tests that share a Temporal server pass their own. */
  workflowId?: string;
  /** Passed to a newly started workflow: reconcile only migrations on this task queue. */
  migrationTaskQueue?: string;
}

/** Thrown when a host has no server workflow, so there is nothing to stop or query. */
export class ServerWorkflowNotFoundError extends Error {
  override readonly name = 'ServerWorkflowNotFoundError';

  constructor(
    readonly host: string,
    readonly workflowId: string,
    options?: { cause?: unknown },
  ) {
    super(`no server workflow for ${host} (workflow id ${workflowId}). Start health checks with "whm-migrate monitor start CONFIG", or check the host name and the namespace.`, options);
  }
}

/** Sends `configureHealth` to the server's workflow, starting the workflow if it is not running. */
export async function configureServerHealth(client: Client, target: ServerWorkflowTarget, config: ServerHealthConfig | null): Promise<WorkflowHandle> {
  return signalWithStart(client, target, configureHealthSignal, config);
}

/** Sends `alert` to the server's workflow, starting the workflow if it is not running. */
export async function sendServerAlert(client: Client, target: ServerWorkflowTarget, alert: AlertRequest): Promise<WorkflowHandle> {
  return signalWithStart(client, target, alertSignal, alert);
}

async function signalWithStart(client: Client, target: ServerWorkflowTarget, signal: typeof alertSignal, payload: unknown): Promise<WorkflowHandle> {
  const input: ServerWorkflowInput = { host: normalizeHost(target.host) };
  if (target.migrationTaskQueue !== undefined) input.migrationTaskQueue = target.migrationTaskQueue;
  return client.workflow.signalWithStart(SERVER_WORKFLOW_TYPE, {
    workflowId: target.workflowId ?? serverWorkflowId(target.host),
    taskQueue: target.taskQueue,
    args: [input],
    signal,
    signalArgs: [payload],
  });
}

/** Stops the health checks of a running server workflow; alerts keep working. */
export async function stopServerHealth(client: Client, host: string, workflowId = serverWorkflowId(host)): Promise<void> {
  try {
    await client.workflow.getHandle(workflowId).signal(configureHealthSignal, null);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ServerWorkflowNotFoundError(host, workflowId, { cause: error });
    throw error;
  }
}

/** Queries the server workflow of `host`, waiting at most `timeoutMs` for a worker to respond. */
export async function queryServerStatus(client: Client, host: string, options: { workflowId?: string; timeoutMs?: number } = {}): Promise<ServerStatus> {
  const workflowId = options.workflowId ?? serverWorkflowId(host);
  const handle = client.workflow.getHandle(workflowId);
  try {
    return await client.withDeadline(Date.now() + (options.timeoutMs ?? 15_000), () => handle.query(serverStatusQuery));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new ServerWorkflowNotFoundError(host, workflowId, { cause: error });
    throw error;
  }
}
