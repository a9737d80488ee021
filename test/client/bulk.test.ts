import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { NativeConnection } from '@temporalio/worker';

import { bulkQuery, InvalidRequestError, MigrationClient } from '../../src/client';
import { signalEach } from '../../src/client/bulk';
import { silentLogger } from '../../src/log';
import { MIGRATION_WORKFLOW_TYPE, type MigrationWorkflowInput } from '../../src/messages';
import { migrationWorkflowId, type MigrationPlan } from '../../src/plan';
import { startSimulatorPair, type SimulatorPair } from '../../src/simulator';
import { ensureSearchAttributes } from '../../src/temporal/search-attributes-setup';
import { createMigrationWorker } from '../../src/worker';
import { createMigrationTestEnv, eventually, TEST_CREDENTIALS_ENV, testPlan, workflowBundle, type MigrationTestEnv } from '../helpers/migration-env';
import { sharedTemporalAddress, uniqueId } from '../helpers/temporal';

const MiB = 1024 * 1024;
/** Slow enough that every migration is still running when the bulk signal arrives. */
const SLOW_DESTINATION = { bytesPerSecond: 40 * MiB, restoreBytesPerSecond: 80 * MiB, minItemStepMs: 50 };

/** Waits until visibility lists `count` workflows for `query`, and returns their ids. */
async function visible(client: MigrationClient, query: string, count: number): Promise<string[]> {
  return eventually(`visibility to list ${count} migrations for ${query}`, async () => {
    const ids: string[] = [];
    for await (const execution of client.temporal.workflow.list({ query })) ids.push(execution.workflowId);
    return ids.length === count ? ids : undefined;
  });
}

describe('signalEach', () => {
  test('keeps failures with their workflow ids', async () => {
    const outcome = await signalEach(['a', 'b', 'c'], (id) =>
      id === 'b' ? Promise.reject(new Error('migration "b" has already ended')) : Promise.resolve(),
    );

    expect(outcome.workflowIds).toEqual(['a', 'c']);
    expect(outcome.failed).toEqual([{ workflowId: 'b', error: 'migration "b" has already ended' }]);
  });

  test('sends at most the concurrency at once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const ids = Array.from({ length: 20 }, (_, index) => `m${index}`);

    const outcome = await signalEach(ids, async () => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
    }, 3);

    expect(outcome.workflowIds).toEqual(ids);
    expect(maxInFlight).toBe(3);
  });

  test('empty list sends nothing', async () => {
    const outcome = await signalEach([], () => Promise.reject(new Error('not expected')));

    expect(outcome).toEqual({ workflowIds: [], failed: [] });
  });
});

describe('bulk request validation', () => {
  let client: MigrationClient;

  beforeAll(async () => {
    client = await MigrationClient.connect({ address: sharedTemporalAddress(), env: {} });
  });

  afterAll(async () => {
    await client?.close();
  });

  test('no server and no all is rejected', async () => {
    await expect(client.pauseMatching({ reason: 'x' })).rejects.toThrow(InvalidRequestError);
    await expect(client.resumeMatching({})).rejects.toThrow(/give a server/);
  });

  test('server and all together are rejected', async () => {
    await expect(client.pauseMatching({ server: 'dest.example.com', all: true })).rejects.toThrow(/either a server or all/);
  });

  test('host with a quote is rejected', async () => {
    await expect(client.pauseMatching({ server: "dest' OR WorkflowId != '" })).rejects.toThrow(/server: must be a host name/);
  });

  test('invalid reason is rejected', async () => {
    await expect(client.pauseMatching({ server: 'dest.example.com', reason: ' ' })).rejects.toThrow(/Invalid pause request: reason/);
  });

  test('invalid source is rejected', async () => {
    await expect(client.resumeMatching({ all: true, source: 'two words' })).rejects.toThrow(/Invalid resume request: source/);
  });

  test('query lower-cases the host', () => {
    expect(bulkQuery({ server: 'Dest.Example.COM' }, 'pause')).toBe(
      "WorkflowType = 'migrationWorkflow' AND ExecutionStatus = 'Running' AND WhmMigrateServers = 'dest.example.com'",
    );
  });
});

describe('MigrationClient.pauseMatching by server', () => {
  let onServer: MigrationTestEnv;
  let elsewhere: MigrationTestEnv;
  let client: MigrationClient;
  let serverHost: string;

  beforeAll(async () => {
    // Every source gets a host name of its own, so no other test's migration matches the query.
    serverHost = `${uniqueId('bulk-a')}.sim.test`;
    onServer = await createMigrationTestEnv({ source: { hostname: serverHost }, destination: SLOW_DESTINATION });
    elsewhere = await createMigrationTestEnv({ source: { hostname: `${uniqueId('bulk-b')}.sim.test` }, destination: SLOW_DESTINATION });
    await onServer.startWorker();
    await elsewhere.startWorker();
    client = await MigrationClient.connect({ address: onServer.address, env: {} });
  });

  afterAll(async () => {
    await client?.close();
    await onServer?.close();
    await elsewhere?.close();
  });

  test('pauses and resumes every migration on the server', async () => {
    const first = await onServer.start(testPlan(onServer.pair, { items: { accounts: [{ user: 'bob' }] } }));
    const second = await onServer.start(testPlan(onServer.pair, { items: { accounts: [{ user: 'dave' }] } }));
    const other = await elsewhere.start(testPlan(elsewhere.pair, { items: { accounts: [{ user: 'bob' }] } }));
    await visible(client, bulkQuery({ server: serverHost }, 'test'), 2);

    const paused = await client.pauseMatching({ server: serverHost.toUpperCase(), reason: 'disk check', source: 'bulk-test' });

    expect(paused.matched).toBe(2);
    expect(paused.signalled).toBe(2);
    expect(paused.failed).toEqual([]);
    expect(paused.workflowIds.sort()).toEqual([first.workflowId, second.workflowId].sort());
    for (const id of [first.workflowId, second.workflowId]) {
      const { status } = await client.status(id);
      expect(status?.paused).toBe(true);
      expect(status?.holds).toEqual([expect.objectContaining({ source: 'bulk-test', reason: 'disk check' })]);
    }
    const { status: otherStatus } = await client.status(other.workflowId);
    expect(otherStatus?.holds).toEqual([]);

    const resumed = await client.resumeMatching({ server: serverHost, source: 'bulk-test', reason: 'disk fine' });

    expect(resumed.matched).toBe(2);
    expect(resumed.signalled).toBe(2);
    expect((await client.waitForReport(first.workflowId)).outcome).toBe('succeeded');
    expect((await client.waitForReport(second.workflowId)).outcome).toBe('succeeded');
    expect((await client.waitForReport(other.workflowId)).pauses).toEqual([]);
  });

  test('resume of another source keeps the hold', async () => {
    const handle = await onServer.start(testPlan(onServer.pair, { items: { accounts: [{ user: 'carol' }] } }));
    await visible(client, `${bulkQuery({ server: serverHost }, 'test')} AND WorkflowId = '${handle.workflowId}'`, 1);
    await client.pauseMatching({ server: serverHost, source: 'bulk-test' });

    await client.resumeMatching({ server: serverHost, source: 'someone-else' });
    const { status } = await client.status(handle.workflowId);

    expect(status?.holds.map((hold) => hold.source)).toEqual(['bulk-test']);

    const released = await client.resumeMatching({ server: serverHost, releaseAll: true });
    expect(released.signalled).toBe(1);
    expect((await client.waitForReport(handle.workflowId)).outcome).toBe('succeeded');
  });

  test('no running migration matches nothing', async () => {
    const outcome = await client.pauseMatching({ server: `${uniqueId('idle')}.sim.test` });

    expect(outcome).toMatchObject({ matched: 0, signalled: 0, workflowIds: [], failed: [] });
  });
});

// `all` reaches every running migration in a namespace, so this test runs in a namespace of its own
// and cannot pause another test's migration on the shared server.
describe('MigrationClient.pauseMatching with all', () => {
  let namespace: string;
  let pair: SimulatorPair;
  let connection: Connection;
  let nativeConnection: NativeConnection;
  let stopWorker: () => Promise<void>;
  let client: MigrationClient;
  const taskQueue = uniqueId('bulk-all');

  beforeAll(async () => {
    const address = sharedTemporalAddress();
    namespace = uniqueId('whm-bulk-all');
    connection = await Connection.connect({ address });
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    await eventually('the namespace to accept search attributes', () => ensureSearchAttributes(connection, namespace).then(() => true));

    pair = await startSimulatorPair({ destination: SLOW_DESTINATION });
    nativeConnection = await NativeConnection.connect({ address });
    const { worker, close } = await createMigrationWorker({
      connection: nativeConnection,
      namespace,
      taskQueue,
      env: TEST_CREDENTIALS_ENV,
      logger: silentLogger,
      workflowBundle: await workflowBundle(),
      shutdownGraceTimeMs: 1000,
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
      await close();
    };
    client = await MigrationClient.connect({ address, namespace, taskQueue, env: {} });
  });

  afterAll(async () => {
    await client?.close();
    await stopWorker?.();
    await nativeConnection?.close();
    await connection?.close();
    await pair?.close();
  });

  async function start(plan: MigrationPlan): Promise<string> {
    const workflowId = migrationWorkflowId(plan);
    await new Client({ connection, namespace }).workflow.start(MIGRATION_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [{ plan } satisfies MigrationWorkflowInput],
    });
    return workflowId;
  }

  test('pauses and resumes every running migration', async () => {
    const first = await start(testPlan(pair, { items: { accounts: [{ user: 'bob' }] } }));
    const second = await start(testPlan(pair, { items: { accounts: [{ user: 'carol' }] } }));
    await visible(client, bulkQuery({ all: true }, 'test'), 2);

    const paused = await client.pauseMatching({ all: true, reason: 'maintenance' });

    expect(paused.matched).toBe(2);
    expect(paused.signalled).toBe(2);
    expect(paused.query).not.toContain('WhmMigrateServers');
    for (const id of [first, second]) {
      const { status } = await client.status(id);
      expect(status?.holds.map((hold) => hold.source)).toEqual(['operator']);
    }

    const resumed = await client.resumeMatching({ all: true });

    expect(resumed.signalled).toBe(2);
    expect((await client.waitForReport(first)).outcome).toBe('succeeded');
    expect((await client.waitForReport(second)).outcome).toBe('succeeded');
  });
});
