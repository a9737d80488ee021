/**
 * The server workflow against the shared Temporal server, a worker in this process and a simulated
 * WHM destination: health checks every second, K = M = 2 unless a test sets others.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { pauseSignal, resumeSignal } from '../../src/messages';
import { createMigrationTestEnv, eventually, queryStatus, testPlan, type MigrationTestEnv } from '../helpers/migration-env';
import { HEALTH_SOURCE, historyOf, holdSources, HOST, setLoad, startSlowMigration, terminateQuietly, TestServer, untilMigration } from './server-env';

describe('server workflow', () => {
  let env: MigrationTestEnv;
  let server: TestServer;
  let migration: WorkflowHandle | undefined;
  let worker: Awaited<ReturnType<MigrationTestEnv['startWorker']>>;

  beforeEach(async () => {
    env = await createMigrationTestEnv({ destination: { minItemStepMs: 50, createDelayMs: 100 } });
    worker = await env.startWorker();
    server = new TestServer(env);
    migration = undefined;
  });

  afterEach(async () => {
    await server?.terminate();
    await terminateQuietly(migration);
    await env?.close();
  });

  test('high load pauses, recovery resumes', async () => {
    migration = await startSlowMigration(env);
    await server.configure(server.config());
    await server.until('a healthy check', (status) => status.health.state === 'healthy');

    setLoad(env, 9);
    const held = await untilMigration(migration, 'the health hold', (status) => holdSources(status).includes(HEALTH_SOURCE));
    expect(held.paused).toBe(true);
    expect(held.holds).toEqual([expect.objectContaining({ source: HEALTH_SOURCE, reason: `15-minute load 9.0 above 8.0 on ${HOST}` })]);
    const unhealthy = await server.status();
    expect(unhealthy.health.state).toBe('unhealthy');
    expect(unhealthy.health.consecutiveBad).toBeGreaterThanOrEqual(2);
    expect(unhealthy.lastReconcile?.migrations).toContain(migration.workflowId);

    setLoad(env, 1);
    const released = await untilMigration(migration, 'the health hold released', (status) => !holdSources(status).includes(HEALTH_SOURCE));
    expect(released.holds).toEqual([]);
    expect(historyOf(released, HEALTH_SOURCE)).toEqual([
      ['hold', `15-minute load 9.0 above 8.0 on ${HOST}`],
      ['release', `health of ${HOST} recovered: 2 good checks in a row`],
    ]);
    const healthy = await server.status();
    expect(healthy.health.state).toBe('healthy');
    expect(healthy.holds).toEqual([]);
  });

  test('hovering load does not flap', async () => {
    migration = await startSlowMigration(env);
    await server.configure(server.config({ unhealthyAfter: 3, healthyAfter: 3 }));
    await server.until('a healthy check', (status) => status.health.state === 'healthy');

    // The load flips right after each check, so consecutive checks read 9 and 7 in turn.
    const alternate = async (first: number, second: number, checks: number): Promise<number[]> => {
      const seen: number[] = [];
      let last = (await server.status()).health.lastCheck?.checkedAt;
      let next = first;
      setLoad(env, next);
      while (seen.length < checks) {
        const status = await server.until('the next check', (candidate) => candidate.health.lastCheck?.checkedAt !== last, 10_000);
        last = status.health.lastCheck?.checkedAt;
        seen.push(status.health.lastCheck!.load!.fifteen);
        next = next === first ? second : first;
        setLoad(env, next);
      }
      return seen;
    };

    const aboveFirst = await alternate(9, 7, 8);
    expect(aboveFirst).toContain(9);
    expect(aboveFirst).toContain(7);
    expect((await server.status()).health.state).toBe('healthy');

    setLoad(env, 9);
    await untilMigration(migration, 'the health hold', (status) => holdSources(status).includes(HEALTH_SOURCE));
    const belowFirst = await alternate(7, 9, 8);
    expect(belowFirst).toContain(7);
    expect(belowFirst).toContain(9);

    const serverStatus = await server.status();
    expect(serverStatus.health.state).toBe('unhealthy');
    expect(historyOf(serverStatus, HEALTH_SOURCE)).toEqual([['hold', `15-minute load 9.0 above 8.0 on ${HOST}`]]);
    const migrationStatus = await queryStatus(migration);
    expect(historyOf(migrationStatus, HEALTH_SOURCE)).toEqual([['hold', `15-minute load 9.0 above 8.0 on ${HOST}`]]);
    expect(migrationStatus.pauses).toHaveLength(1);
  });

  test('migration started later is held', async () => {
    setLoad(env, 9);
    await server.configure(server.config());
    await server.until('the server to count as unhealthy', (status) => status.health.state === 'unhealthy');

    const later = await env.start(testPlan(env.pair));
    migration = later;
    const held = await untilMigration(later, 'the health hold on the new migration', (status) => holdSources(status).includes(HEALTH_SOURCE));
    expect(held.holds.map((hold) => hold.reason)).toEqual([`15-minute load 9.0 above 8.0 on ${HOST}`]);
    expect(held.phase).not.toBe('transferring');
  });

  test('continue-as-new keeps the state', async () => {
    migration = await startSlowMigration(env);
    setLoad(env, 9);
    await server.configureWithInput(server.config(), { continueAsNewAfterIterations: 3 });
    await untilMigration(migration, 'the health hold', (status) => holdSources(status).includes(HEALTH_SOURCE));
    await server.alert({ key: 'DiskFilling', status: 'firing' });
    const firstRun = await server.runId();

    await eventually('a new run', async () => ((await server.runId()) !== firstRun ? true : undefined));
    const carried = await server.status();
    expect(carried.health.state).toBe('unhealthy');
    expect(carried.alerts.map((alert) => alert.key)).toEqual(['DiskFilling']);
    expect(carried.holds.map((hold) => hold.source)).toEqual([HEALTH_SOURCE, `alert:${HOST}:DiskFilling`]);

    setLoad(env, 1);
    await server.alert({ key: 'DiskFilling', status: 'resolved' });
    const released = await untilMigration(migration, 'every server hold released', (status) => status.holds.length === 0);
    expect(historyOf(released, HEALTH_SOURCE).map(([action]) => action)).toEqual(['hold', 'release']);
  });

  test('operator hold survives health recovery', async () => {
    migration = await startSlowMigration(env);
    await migration.signal(pauseSignal, { reason: 'customer asked to wait' });
    await server.configure(server.config());

    setLoad(env, 9);
    await untilMigration(migration, 'the health hold', (status) => holdSources(status).includes(HEALTH_SOURCE));
    setLoad(env, 1);
    await server.until('the server to recover', (status) => status.health.state === 'healthy');
    const recovered = await untilMigration(migration, 'the health hold released', (status) => !holdSources(status).includes(HEALTH_SOURCE));
    expect(holdSources(recovered)).toEqual(['operator']);
    expect(recovered.paused).toBe(true);
    expect(recovered.phase).not.toBe('transferring');

    await migration.signal(resumeSignal, {});
    const resumed = await untilMigration(migration, 'the operator hold released', (status) => status.holds.length === 0);
    expect(resumed.paused).toBe(false);
  });

  test('unreachable WHM counts as unhealthy', async () => {
    migration = await startSlowMigration(env);
    await server.configure(server.config({ unhealthyAfter: 5, unreachableAfter: 2 }));
    await server.until('a healthy check', (status) => status.health.state === 'healthy');

    // Only the health check's calls fail, so the migration itself keeps reaching WHM.
    for (const name of ['systemloadavg', 'getdiskusage']) env.pair.destination.control.injectFault({ function: name, kind: 'drop', times: 0 });
    const held = await untilMigration(migration, 'the health hold', (status) => holdSources(status).includes(HEALTH_SOURCE));
    const reason = held.holds.find((hold) => hold.source === HEALTH_SOURCE)!.reason;
    expect(reason).toMatch(new RegExp(`^WHM unreachable for 2 checks on ${HOST.replace(/\./g, '\\.')}: `));
    expect(reason).toContain('systemloadavg');
    const unhealthy = await server.status();
    expect(unhealthy.health.lastCheck?.reachable).toBe(false);
    expect(unhealthy.health.consecutiveUnreachable).toBeGreaterThanOrEqual(2);

    env.pair.destination.control.clearFaults();
    await untilMigration(migration, 'the health hold released', (status) => !holdSources(status).includes(HEALTH_SOURCE));
    expect((await server.status()).health.state).toBe('healthy');
  });

  test('monitor survives a worker restart', async () => {
    migration = await startSlowMigration(env);
    await server.configure(server.config());
    await server.until('a healthy check', (status) => status.health.state === 'healthy');

    // Shut the worker down directly: env.close() stops every worker it started, and closes each connection once.
    worker.worker.shutdown();
    await eventually('the first worker to stop', () => worker.worker.getState() === 'STOPPED' || undefined);
    worker = await env.startWorker();
    const replayed = await server.status();
    expect(replayed.health.state).toBe('healthy');

    setLoad(env, 9);
    const held = await untilMigration(migration, 'the health hold after the restart', (status) => holdSources(status).includes(HEALTH_SOURCE), 45_000);
    expect(held.holds.map((hold) => hold.reason)).toEqual([`15-minute load 9.0 above 8.0 on ${HOST}`]);
  });

  test('alert fires, repeats and resolves', async () => {
    migration = await startSlowMigration(env);
    const source = `alert:${HOST}:HighLoad`;

    // No health config: the idle reconciliation is a minute away, so a hold within the wait proves the alert woke the loop.
    await server.alert({ key: 'HighLoad', status: 'firing', reason: 'load 30 on the web tier' });
    const held = await untilMigration(migration, 'the alert hold', (status) => holdSources(status).includes(source), 20_000);
    expect(held.holds).toEqual([expect.objectContaining({ source, reason: 'load 30 on the web tier' })]);

    await server.alert({ key: 'HighLoad', status: 'firing', reason: 'load 30 on the web tier' });
    const afterRepeat = await server.status();
    expect(historyOf(afterRepeat, source)).toEqual([['hold', 'load 30 on the web tier']]);
    expect(afterRepeat.rejectedRequests).toEqual([]);

    await server.alert({ key: 'HighLoad', status: 'resolved' });
    const released = await untilMigration(migration, 'the alert hold released', (status) => !holdSources(status).includes(source), 20_000);
    expect(historyOf(released, source)).toEqual([
      ['hold', 'load 30 on the web tier'],
      ['release', `alert HighLoad resolved on ${HOST}`],
    ]);

    await server.alert({ key: 'HighLoad', status: 'resolved' });
    const afterSecondResolve = await server.status();
    expect(historyOf(afterSecondResolve, source)).toEqual([
      ['hold', 'load 30 on the web tier'],
      ['release', `alert HighLoad resolved on ${HOST}`],
    ]);
    expect(afterSecondResolve.alerts).toEqual([]);
    expect(historyOf(await queryStatus(migration), source)).toHaveLength(2);
  });
});
