/**
 * The alert service against the real server workflow and a real migration: a worker in this
 * process, the shared Temporal server and a simulated WHM pair.
 */
import type { WorkflowHandle } from '@temporalio/client';
import type { MigrationStatus } from '../../src/messages';
import type { ServeService } from '../../src/serve';
import { alertHoldSource, serverStatusQuery, serverWorkflowId } from '../../src/server-messages';
import { createMigrationTestEnv, eventually, queryStatus, testPlan, type MigrationTestEnv } from '../helpers/migration-env';
import { uniqueId } from '../helpers/temporal';
import { alertmanagerPayload, call, startTestService } from './helpers';

const MiB = 1024 * 1024;
const FINGERPRINT = '0f1e2d3c4b5a6978';

let env: MigrationTestEnv | undefined;
let service: ServeService | undefined;
let migration: WorkflowHandle | undefined;
let sourceHost: string;

afterEach(async () => {
  await migration?.terminate('test finished').catch(() => undefined);
  if (env !== undefined) {
    await env.client.workflow.getHandle(serverWorkflowId(sourceHost)).terminate('test finished').catch(() => undefined);
  }
  await service?.close();
  await env?.close();
});

function untilMigration(description: string, predicate: (status: MigrationStatus) => boolean): Promise<MigrationStatus> {
  return eventually(description, async () => {
    const status = await queryStatus(migration!);
    return predicate(status) ? status : undefined;
  });
}

describe('alert service end to end', () => {
  test('firing then resolved pauses then resumes', async () => {
    // A source host of this test alone, because the server workflow pauses every running migration
    // of its server on the shared Temporal server, and other tests migrate from the default source name.
    sourceHost = `${uniqueId('src').toLowerCase()}.example.com`;
    env = await createMigrationTestEnv({ source: { hostname: sourceHost }, destination: { minItemStepMs: 50, createDelayMs: 100 } });
    await env.startWorker();
    service = (await startTestService(env.taskQueue)).service;

    // 1 MiB/s keeps alice (48 MiB) transferring while the alerts arrive.
    env.pair.destination.control.setRates({ bytesPerSecond: MiB, restoreBytesPerSecond: MiB });
    migration = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'alice' }, { user: 'carol' }] } }));
    await untilMigration('the transfer to run', (status) => status.phase === 'transferring');

    const source = alertHoldSource(sourceHost, FINGERPRINT);
    const alert = {
      labels: { alertname: 'HighLoad', instance: `${sourceHost}:9100`, severity: 'critical' },
      annotations: { summary: `15-minute load 14.2 above 8.0 on ${sourceHost}` },
      fingerprint: FINGERPRINT,
    };
    const fired = await call(service, 'POST', '/alerts/alertmanager', { body: alertmanagerPayload([{ ...alert, status: 'firing', startsAt: new Date().toISOString() }]) });
    expect(fired.status).toBe(202);

    const held = await untilMigration('the alert hold', (status) => status.holds.some((hold) => hold.source === source));
    expect(held.paused).toBe(true);
    expect(held.holds).toEqual([expect.objectContaining({ source, reason: `15-minute load 14.2 above 8.0 on ${sourceHost}` })]);

    const resolved = await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([{ ...alert, status: 'resolved', startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date().toISOString() }], 'resolved'),
    });
    expect(resolved.status).toBe(202);

    const released = await untilMigration('the alert hold released', (status) => !status.holds.some((hold) => hold.source === source));
    expect(released.holds).toEqual([]);
    expect(released.paused).toBe(false);
    expect(released.holdHistory.filter((event) => event.source === source).map((event) => event.action)).toEqual(['hold', 'release']);
  });

  test('retried firing after resolved is ignored', async () => {
    sourceHost = `${uniqueId('src').toLowerCase()}.example.com`;
    env = await createMigrationTestEnv();
    await env.startWorker();
    service = (await startTestService(env.taskQueue)).service;
    const labels = { alertname: 'DiskFull', instance: sourceHost };
    const firing = alertmanagerPayload([{ status: 'firing', labels, fingerprint: FINGERPRINT, startsAt: '2026-01-01T00:00:00Z' }]);
    const server = env.client.workflow.getHandle(serverWorkflowId(sourceHost));

    await call(service, 'POST', '/alerts/alertmanager', { body: firing });
    await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([{ status: 'resolved', labels, fingerprint: FINGERPRINT, startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:10:00Z' }], 'resolved'),
    });
    // Alertmanager retries a notification that failed earlier: the firing arrives after the resolved.
    const retried = await call(service, 'POST', '/alerts/alertmanager', { body: firing });
    const afterRetry = await server.query(serverStatusQuery);
    await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([{ status: 'firing', labels, fingerprint: FINGERPRINT, startsAt: '2026-01-01T01:00:00Z' }]),
    });
    const afterRefire = await server.query(serverStatusQuery);

    expect(retried.status).toBe(202);
    expect(afterRetry.alerts).toEqual([]);
    expect(afterRefire.alerts.map((alert) => alert.key)).toEqual([FINGERPRINT]);
  });
});
