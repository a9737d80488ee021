import { Client, Connection, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import { MIGRATION_WORKFLOW_TYPE, type MigrationReport, type MigrationStatus, type MigrationWorkflowInput, statusQuery } from '../../src/messages';
import { parsePlan, type MigrationPlan } from '../../src/plan';
import { DEMO_SOURCE_ROOT_PASSWORD, startSimulatorPair, type SimulatorPair, type SimulatorPairOptions } from '../../src/simulator';
import { createMigrationWorker } from '../../src/worker';
import { silentLogger } from '../../src/log';
import { sharedTemporalAddress, uniqueId } from './temporal';

/** Environment the test workers resolve credential references from. */
export const TEST_CREDENTIALS_ENV = {
  TEST_DEST_TOKEN: 'sim-token',
  TEST_SOURCE_PASSWORD: DEMO_SOURCE_ROOT_PASSWORD,
};

let bundle: Promise<{ code: string }> | undefined;

/** Bundles the workflow code once per test file. */
export function workflowBundle(): Promise<{ code: string }> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: silentLogger as never });
  return bundle;
}

/** A plan for the simulator pair; `overrides` replace top-level sections. */
export function testPlan(pair: SimulatorPair, overrides: Record<string, unknown> = {}): MigrationPlan {
  return parsePlan({
    version: 1,
    name: uniqueId('wave').toLowerCase(),
    destination: { host: '127.0.0.1', port: pair.destination.port, scheme: 'http', token: { env: 'TEST_DEST_TOKEN' } },
    source: { host: pair.source.hostname, password: { env: 'TEST_SOURCE_PASSWORD' } },
    items: { packages: ['starter'], accounts: [{ user: 'alice' }, { user: 'carol' }] },
    monitor: { pollIntervalSeconds: 1 },
    ...overrides,
  }).plan;
}

export interface MigrationTestEnv {
  pair: SimulatorPair;
  client: Client;
  address: string;
  taskQueue: string;
  /** Starts a worker in this process; stop it with the returned function. */
  startWorker(): Promise<{ worker: Worker; stop(): Promise<void> }>;
  start(plan: MigrationPlan, extra?: Partial<MigrationWorkflowInput>): Promise<WorkflowHandleWithFirstExecutionRunId>;
  close(): Promise<void>;
}

export async function createMigrationTestEnv(options: SimulatorPairOptions & { address?: string } = {}): Promise<MigrationTestEnv> {
  const address = options.address ?? sharedTemporalAddress();
  const pair = await startSimulatorPair(options);
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const taskQueue = uniqueId('migrations');
  const workers: Array<{ stop(): Promise<void> }> = [];

  return {
    pair,
    client,
    address,
    taskQueue,
    async startWorker() {
      const nativeConnection = await NativeConnection.connect({ address });
      const { worker, close } = await createMigrationWorker({
        connection: nativeConnection,
        taskQueue,
        env: TEST_CREDENTIALS_ENV,
        logger: silentLogger,
        workflowBundle: await workflowBundle(),
        shutdownGraceTimeMs: 1000,
      });
      const running = worker.run();
      let stopped: Promise<void> | undefined;
      const handle = {
        worker,
        // Idempotent: a test may stop its worker itself, and close() stops every worker again.
        stop(): Promise<void> {
          stopped ??= (async () => {
            if (worker.getState() === 'RUNNING') worker.shutdown();
            await running;
            await close();
            await nativeConnection.close();
          })();
          return stopped;
        },
      };
      workers.push(handle);
      return handle;
    },
    async start(plan, extra = {}) {
      return client.workflow.start(MIGRATION_WORKFLOW_TYPE, {
        taskQueue,
        workflowId: uniqueId(`migration-${plan.name}`),
        args: [{ plan, ...extra } satisfies MigrationWorkflowInput],
      });
    },
    async close() {
      for (const worker of workers) await worker.stop();
      await connection.close();
      await pair.close();
    },
  };
}

export async function queryStatus(handle: WorkflowHandle): Promise<MigrationStatus> {
  return handle.query(statusQuery);
}

/** Polls `check` every 200 ms until it returns a value, failing after `timeoutMs`. */
export async function eventually<T>(description: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}${lastError instanceof Error ? ` (last error: ${lastError.message})` : ''}`);
}

export async function result(handle: WorkflowHandle): Promise<MigrationReport> {
  return (await handle.result()) as MigrationReport;
}
