/**
 * The migration routes against a real migration worker in this process, the shared Temporal server
 * and a simulated WHM pair. Every test has a source host of its own, so the server filters and the
 * bulk operations see only its migrations on the shared server.
 */
import type { ServeService } from '../../src/serve';
import { createMigrationTestEnv, eventually, type MigrationTestEnv } from '../helpers/migration-env';
import { uniqueId } from '../helpers/temporal';
import { startTestService, type HttpResult, type LogLine } from './helpers';
import { callApi as call, migrationPath, planInput } from './migrations-helpers';

const MiB = 1024 * 1024;

let env: MigrationTestEnv;
let service: ServeService;
let logLines: () => LogLine[];
let sourceHost: string;
const started: string[] = [];

beforeEach(async () => {
  sourceHost = `${uniqueId('src').toLowerCase()}.example.com`;
  env = await createMigrationTestEnv({ source: { hostname: sourceHost }, destination: { minItemStepMs: 50, createDelayMs: 100 } });
  await env.startWorker();
  const serve = await startTestService(env.taskQueue);
  service = serve.service;
  logLines = serve.logs.lines;
});

afterEach(async () => {
  for (const workflowId of started.splice(0)) {
    await env.client.workflow.getHandle(workflowId).terminate('test finished').catch(() => undefined);
  }
  await service?.close();
  await env?.close();
});

/** Starts a migration through the API and remembers it, so that afterEach ends it. */
async function startMigration(plan: Record<string, unknown>): Promise<HttpResult & { workflowId: string }> {
  const response = await call(service, 'POST', '/migrations', { body: plan });
  const workflowId = response.body.workflowId as string;
  if (workflowId !== undefined) started.push(workflowId);
  return { ...response, workflowId };
}

type StatusBody = { executionStatus: string; status?: { phase: string; paused: boolean; holds: Array<{ source: string }> } };

function untilStatus(workflowId: string, description: string, predicate: (body: StatusBody) => boolean): Promise<StatusBody> {
  return eventually(description, async () => {
    const response = await call(service, 'GET', migrationPath(workflowId));
    const body = response.body as StatusBody;
    return response.status === 200 && predicate(body) ? body : undefined;
  });
}

function untilListed(query: string, description: string, predicate: (workflowIds: string[]) => boolean): Promise<string[]> {
  return eventually(description, async () => {
    const response = await call(service, 'GET', `/migrations?${query}`);
    const workflowIds = (response.body.migrations as Array<{ workflowId: string }>).map((entry) => entry.workflowId);
    return predicate(workflowIds) ? workflowIds : undefined;
  });
}

describe('POST /migrations', () => {
  test('start returns 201 with the status URL', async () => {
    const plan = planInput(env.pair);
    const response = await startMigration(plan);

    expect(response.status).toBe(201);
    expect(response.workflowId).toBe(`whm-migrate/127.0.0.1/${plan.name as string}`);
    expect(response.body.started).toBe(true);
    expect(response.body.runId).toEqual(expect.any(String));
    expect(response.body.statusUrl).toBe(`/migrations/whm-migrate%2F127.0.0.1%2F${plan.name as string}`);
    expect(response.headers.location).toBe(response.body.statusUrl);
  });

  test('start is logged with the request id', async () => {
    const response = await startMigration(planInput(env.pair));
    const line = logLines().find((entry) => entry.msg === 'migration started');

    expect(line?.requestId).toBe(response.headers['x-request-id']);
    expect(line?.workflowId).toBe(response.workflowId);
  });

  test('repeat start returns 200 with the same id', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const plan = planInput(env.pair);
    const first = await startMigration(plan);
    const second = await startMigration(plan);

    expect(second.status).toBe(200);
    expect(second.body.started).toBe(false);
    expect(second.workflowId).toBe(first.workflowId);
    expect(second.body.runId).toBe(first.body.runId);
    expect(second.headers['content-location']).toBe(first.body.statusUrl);
  });

  test('start returns the plan warnings', async () => {
    const plan = planInput(env.pair);
    const source = { ...(plan.source as Record<string, unknown>), accountPassword: { env: 'TEST_ACCOUNT_PASSWORD' } };
    const response = await startMigration({ ...plan, source });

    expect(response.status).toBe(201);
    expect(response.body.warnings).toEqual([expect.stringContaining('source.accountPassword is used only by AccountRemoteUser accounts')]);
  });
});

describe('GET /migrations/:id', () => {
  test('running migration shows the status query', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const { workflowId } = await startMigration(planInput(env.pair));

    const body = await untilStatus(workflowId, 'the transfer to run', (current) => current.status?.phase === 'transferring');
    expect(body.executionStatus).toBe('RUNNING');
    expect(body.status?.paused).toBe(false);
  });

  test('ended migration shows the report', async () => {
    const { workflowId } = await startMigration(planInput(env.pair, { items: { accounts: [{ user: 'carol' }] } }));
    await env.client.workflow.getHandle(workflowId).result();

    const response = await call(service, 'GET', migrationPath(workflowId));
    expect(response.status).toBe(200);
    expect(response.body.executionStatus).toBe('COMPLETED');
    expect(response.body.status).toBeUndefined();
    expect((response.body.report as { outcome: string }).outcome).toBe('succeeded');
    expect(response.body.closeTime).toEqual(expect.any(String));
  });
});

describe('GET /migrations/:id/report', () => {
  test('running migration gets 409', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const { workflowId } = await startMigration(planInput(env.pair));

    const response = await call(service, 'GET', migrationPath(workflowId, '/report'));
    expect(response.status).toBe(409);
    expect(response.body.detail).toContain('is still running');
  });

  test('wait returns the report at the end', async () => {
    const { workflowId } = await startMigration(planInput(env.pair, { items: { accounts: [{ user: 'carol' }] } }));

    const response = await call(service, 'GET', migrationPath(workflowId, '/report?wait=true&timeout=50'));
    expect(response.status).toBe(200);
    expect(response.body.executionStatus).toBe('COMPLETED');
    expect((response.body.report as { outcome: string }).outcome).toBe('succeeded');
  });

  test('wait that runs out gets 409', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const { workflowId } = await startMigration(planInput(env.pair));

    const response = await call(service, 'GET', migrationPath(workflowId, '/report?wait=true&timeout=1'));
    expect(response.status).toBe(409);
    expect(response.body.detail).toContain('after waiting 1 s');
  });
});

describe('POST /migrations/:id/pause and resume', () => {
  test('updates pause to PAUSED and resume', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: 40 * MiB, restoreBytesPerSecond: 40 * MiB });
    const { workflowId } = await startMigration(planInput(env.pair, { items: { accounts: [{ user: 'bob' }, { user: 'carol' }] } }));
    await untilStatus(workflowId, 'the transfer to run', (body) => body.status?.phase === 'transferring');

    const paused = await call(service, 'POST', migrationPath(workflowId, '/pause?wait=true&timeout=50'), { body: { reason: 'maintenance', source: 'api-test' } });
    expect(paused.status).toBe(200);
    expect(paused.body.completed).toBe(true);
    expect(paused.body.result).toEqual(expect.objectContaining({ whmState: 'PAUSED', paused: true }));

    const status = await call(service, 'GET', migrationPath(workflowId));
    expect((status.body as StatusBody).status?.phase).toBe('paused');

    const resumed = await call(service, 'POST', migrationPath(workflowId, '/resume?wait=true'), { body: { source: 'api-test' } });
    expect(resumed.status).toBe(200);
    expect((resumed.body.result as { paused: boolean }).paused).toBe(false);

    const report = await call(service, 'GET', migrationPath(workflowId, '/report?wait=true&timeout=50'));
    expect((report.body.report as { outcome: string }).outcome).toBe('succeeded');
    expect((report.body.report as { pauses: unknown[] }).pauses).toHaveLength(1);
  });

  test('signals hold and release the migration', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const { workflowId } = await startMigration(planInput(env.pair));

    const paused = await call(service, 'POST', migrationPath(workflowId, '/pause'), { body: { reason: 'disk check', source: 'api-test' } });
    expect(paused.status).toBe(202);
    expect(paused.body.delivery).toBe('signal');
    const held = await untilStatus(workflowId, 'the hold', (body) => body.status?.holds.some((hold) => hold.source === 'api-test') === true);
    expect(held.status?.paused).toBe(true);

    // No body at all is the same as {}: the hold of source "operator".
    const operator = await call(service, 'POST', migrationPath(workflowId, '/pause'));
    expect(operator.status).toBe(202);
    await untilStatus(workflowId, 'the operator hold', (body) => body.status?.holds.some((hold) => hold.source === 'operator') === true);

    const resumed = await call(service, 'POST', migrationPath(workflowId, '/resume'), { body: { all: true } });
    expect(resumed.status).toBe(202);
    const released = await untilStatus(workflowId, 'the holds released', (body) => body.status?.holds.length === 0);
    expect(released.status?.paused).toBe(false);
  });
});

describe('POST /migrations/:id/abort', () => {
  test('abort ends the migration, then pause gets 409', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const { workflowId } = await startMigration(planInput(env.pair));
    await untilStatus(workflowId, 'the transfer to run', (body) => body.status?.phase === 'transferring');

    const aborted = await call(service, 'POST', migrationPath(workflowId, '/abort?wait=true&timeout=50'), { body: { reason: 'wrong destination' } });
    expect(aborted.status).toBe(200);
    expect(aborted.body.completed).toBe(true);

    const report = await call(service, 'GET', migrationPath(workflowId, '/report?wait=true&timeout=30'));
    expect((report.body.report as { outcome: string }).outcome).toBe('aborted');

    const pause = await call(service, 'POST', migrationPath(workflowId, '/pause'));
    expect(pause.status).toBe(409);
    expect(pause.body.detail).toContain('has already ended (COMPLETED)');
  });

  test('terminated migration reports its failure', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const { workflowId } = await startMigration(planInput(env.pair));
    await env.client.workflow.getHandle(workflowId).terminate('stopped by the test');

    const report = await call(service, 'GET', migrationPath(workflowId, '/report'));
    expect(report.status).toBe(200);
    expect(report.body.executionStatus).toBe('TERMINATED');
    expect(report.body.failure).toBe('stopped by the test');
    expect(report.body.report).toBeUndefined();
  });
});

describe('GET /migrations', () => {
  test('server and paused filters', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const { workflowId: pausedId } = await startMigration(planInput(env.pair));
    const { workflowId: runningId } = await startMigration(planInput(env.pair));
    await call(service, 'POST', migrationPath(pausedId, '/pause'), { body: { source: 'api-test' } });

    const pausedList = await untilListed(`server=${sourceHost}&paused=true`, 'the paused migration', (ids) => ids.includes(pausedId));
    expect(pausedList).toEqual([pausedId]);
    const runningList = await untilListed(`server=${sourceHost}&paused=false`, 'the running migration', (ids) => ids.includes(runningId));
    expect(runningList).toEqual([runningId]);
  });

  test('entries carry phase, servers and status URL', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const { workflowId } = await startMigration(planInput(env.pair));
    await untilListed(`server=${sourceHost}&phase=transferring`, 'the transferring migration', (ids) => ids.includes(workflowId));

    const response = await call(service, 'GET', `/migrations?server=${sourceHost.toUpperCase()}`);
    const entries = response.body.migrations as Array<Record<string, unknown>>;
    expect(response.status).toBe(200);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toEqual(
      expect.objectContaining({ workflowId, executionStatus: 'RUNNING', phase: 'transferring', paused: false, statusUrl: migrationPath(workflowId) }),
    );
    expect((entries[0]?.servers as string[]).sort()).toEqual(['127.0.0.1', sourceHost].sort());
    expect(response.body.truncated).toBe(false);
  });

  test('all includes ended migrations', async () => {
    const { workflowId } = await startMigration(planInput(env.pair, { items: { accounts: [{ user: 'carol' }] } }));
    await env.client.workflow.getHandle(workflowId).result();

    const ended = await untilListed(`server=${sourceHost}&all=true`, 'the ended migration', (ids) => ids.includes(workflowId));
    const running = await call(service, 'GET', `/migrations?server=${sourceHost}`);
    expect(ended).toEqual([workflowId]);
    expect(running.body.migrations).toEqual([]);
  });
});

describe('POST /migrations/pause and resume', () => {
  test('bulk pause and resume by server', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: MiB });
    const first = (await startMigration(planInput(env.pair))).workflowId;
    const second = (await startMigration(planInput(env.pair))).workflowId;
    await untilListed(`server=${sourceHost}`, 'both migrations', (ids) => ids.length === 2);

    const paused = await call(service, 'POST', '/migrations/pause', { body: { server: sourceHost.toUpperCase(), reason: 'source overloaded', source: 'bulk-test' } });
    expect(paused.status).toBe(202);
    expect(paused.body).toEqual(expect.objectContaining({ matched: 2, signalled: 2, failed: [] }));
    expect((paused.body.workflowIds as string[]).sort()).toEqual([first, second].sort());
    for (const workflowId of [first, second]) {
      await untilStatus(workflowId, 'the bulk hold', (body) => body.status?.holds.some((hold) => hold.source === 'bulk-test') === true);
    }

    const resumed = await call(service, 'POST', '/migrations/resume', { body: { server: sourceHost, source: 'bulk-test' } });
    expect(resumed.status).toBe(202);
    expect(resumed.body).toEqual(expect.objectContaining({ matched: 2, signalled: 2, failed: [] }));
    for (const workflowId of [first, second]) {
      await untilStatus(workflowId, 'the bulk hold released', (body) => body.status?.holds.length === 0);
    }
  });
});
