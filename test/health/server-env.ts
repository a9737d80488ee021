import type { WorkflowHandle } from '@temporalio/client';
import { serverHealthConfigSchema, type ServerHealthConfig, type ServerHealthConfigInput } from '../../src/health/config';
import { configureServerHealth, queryServerStatus, sendServerAlert } from '../../src/health/server-client';
import type { MigrationStatus } from '../../src/messages';
import { configureHealthSignal, SERVER_WORKFLOW_TYPE, type AlertRequest, type ServerStatus, type ServerWorkflowInput } from '../../src/server-messages';
import { eventually, queryStatus, testPlan, type MigrationTestEnv } from '../helpers/migration-env';
import { uniqueId } from '../helpers/temporal';

const MiB = 1024 * 1024;

/** Host of the simulated destination, as the test plans name it. */
export const HOST = '127.0.0.1';
export const HEALTH_SOURCE = `health:${HOST}`;

/**
 * A server workflow of the test's own: a unique workflow id, and reconciliation kept to the test's
 * task queue, because every test on the shared Temporal server migrates to 127.0.0.1.
 */
export class TestServer {
  readonly workflowId = uniqueId('whm-migrate-server-test');

  constructor(private readonly env: MigrationTestEnv) {}

  /** Health settings for the simulated destination: 4 CPUs (threshold 8.0), 1 s checks, K = M = 2. */
  config(overrides: Partial<ServerHealthConfigInput> = {}): ServerHealthConfig {
    return serverHealthConfigSchema.parse({
      host: HOST,
      port: this.env.pair.destination.port,
      scheme: 'http',
      token: { env: 'TEST_DEST_TOKEN' },
      cpuCount: 4,
      intervalSeconds: 1,
      unhealthyAfter: 2,
      healthyAfter: 2,
      unreachableAfter: 2,
      ...overrides,
    });
  }

  private get target() {
    return { host: HOST, taskQueue: this.env.taskQueue, workflowId: this.workflowId, migrationTaskQueue: this.env.taskQueue };
  }

  async configure(config: ServerHealthConfig | null): Promise<void> {
    await configureServerHealth(this.env.client, this.target, config);
  }

  /** Like {@link configure}, but a workflow it starts gets `extra` in its input, e.g. a test hook. */
  async configureWithInput(config: ServerHealthConfig, extra: Partial<ServerWorkflowInput>): Promise<void> {
    await this.env.client.workflow.signalWithStart(SERVER_WORKFLOW_TYPE, {
      workflowId: this.workflowId,
      taskQueue: this.env.taskQueue,
      args: [{ host: HOST, migrationTaskQueue: this.env.taskQueue, ...extra } satisfies ServerWorkflowInput],
      signal: configureHealthSignal,
      signalArgs: [config],
    });
  }

  /** Run id of the workflow's current run. */
  async runId(): Promise<string> {
    return (await this.env.client.workflow.getHandle(this.workflowId).describe()).runId;
  }

  async alert(alert: AlertRequest): Promise<void> {
    await sendServerAlert(this.env.client, this.target, alert);
  }

  status(): Promise<ServerStatus> {
    return queryServerStatus(this.env.client, HOST, { workflowId: this.workflowId });
  }

  /** Waits until the server workflow's state satisfies `predicate`. */
  until(description: string, predicate: (status: ServerStatus) => boolean, timeoutMs?: number): Promise<ServerStatus> {
    return eventually(
      description,
      async () => {
        const status = await this.status();
        return predicate(status) ? status : undefined;
      },
      timeoutMs,
    );
  }

  /** Ends the workflow, which would otherwise run forever on the shared server. */
  async terminate(): Promise<void> {
    await this.env.client.workflow
      .getHandle(this.workflowId)
      .terminate('test finished')
      .catch(() => undefined);
  }
}

/** Sets the simulated destination's load averages, all three to `load`. */
export function setLoad(env: MigrationTestEnv, load: number): void {
  env.pair.destination.control.setHealth({ loadAverage: { one: load, five: load, fifteen: load } });
}

/**
 * Starts a migration slow enough (1 MiB/s, so alice alone takes about 48 s) to still run while a
 * test changes the server's health, and waits until it transfers.
 */
export async function startSlowMigration(env: MigrationTestEnv): Promise<WorkflowHandle> {
  env.pair.destination.control.setRates({ bytesPerSecond: MiB, restoreBytesPerSecond: MiB });
  const handle = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'alice' }, { user: 'carol' }] } }));
  await untilMigration(handle, 'the transfer to run', (status) => status.phase === 'transferring');
  return handle;
}

export function untilMigration(handle: WorkflowHandle, description: string, predicate: (status: MigrationStatus) => boolean, timeoutMs?: number): Promise<MigrationStatus> {
  return eventually(
    description,
    async () => {
      const status = await queryStatus(handle);
      return predicate(status) ? status : undefined;
    },
    timeoutMs,
  );
}

export function holdSources(status: MigrationStatus): string[] {
  return status.holds.map((hold) => hold.source);
}

/** Hold history entries of one source, as `action` and reason. */
export function historyOf(status: MigrationStatus | ServerStatus, source: string): Array<[string, string]> {
  return status.holdHistory.filter((event) => event.source === source).map((event) => [event.action, event.reason]);
}

export async function terminateQuietly(handle: WorkflowHandle | undefined): Promise<void> {
  await handle?.terminate('test finished').catch(() => undefined);
}
