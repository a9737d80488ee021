import type { ServeService } from '../../src/serve';
import { serverWorkflowId } from '../../src/server-messages';
import { eventually } from '../helpers/migration-env';
import { alertmanagerPayload, call, startStandInServers, startTestService, type LogLine, type StandInServers } from './helpers';

let servers: StandInServers;
let service: ServeService;
let logLines: () => LogLine[];

beforeAll(async () => {
  servers = await startStandInServers();
  const started = await startTestService(servers.taskQueue);
  service = started.service;
  logLines = started.logs.lines;
});

afterAll(async () => {
  await service?.close();
  await servers?.stop();
});

/** Waits until the stand-in for `host` has received `count` alert signals, and returns its state. */
async function received(host: string, count: number) {
  return eventually(`${count} alert signal(s) for ${host}`, async () => {
    const state = await servers.state(host);
    return state.received.length >= count ? state : undefined;
  });
}

function withoutReceivedAt(payload: unknown): unknown {
  const { receivedAt: _receivedAt, ...rest } = payload as Record<string, unknown>;
  return rest;
}

describe('POST /alerts/alertmanager', () => {
  test('firing alert becomes a firing signal', async () => {
    const host = servers.uniqueHost();
    const response = await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([
        {
          status: 'firing',
          labels: { alertname: 'HighLoad', instance: host, severity: 'critical' },
          annotations: { summary: `15-minute load 14.2 above 8.0 on ${host}` },
          fingerprint: '0123456789abcdef',
        },
      ]),
    });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ accepted: 1, servers: [host], unmapped: [] });
    const state = await received(host, 1);
    expect(state.input).toEqual({ host });
    expect(state.received[0]).toEqual({
      key: '0123456789abcdef',
      status: 'firing',
      reason: `15-minute load 14.2 above 8.0 on ${host}`,
      receivedAt: '2026-01-01T00:00:00.000Z',
    });
  });

  test('resolved alert becomes a resolved signal', async () => {
    const host = servers.uniqueHost();
    const alert = { labels: { alertname: 'HighLoad', instance: host }, fingerprint: 'fedcba9876543210' };
    await call(service, 'POST', '/alerts/alertmanager', { body: alertmanagerPayload([{ ...alert, status: 'firing' }]) });
    const response = await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([{ ...alert, status: 'resolved', endsAt: '2026-01-01T00:05:00.123456789Z' }], 'resolved'),
    });

    expect(response.status).toBe(202);
    const state = await received(host, 2);
    expect(state.received[1]).toEqual({ key: 'fedcba9876543210', status: 'resolved', reason: 'HighLoad', receivedAt: '2026-01-01T00:05:00.123Z' });
    expect(state.active).toEqual({});
  });

  test('instance label loses its port and case', async () => {
    const host = servers.uniqueHost('Upper');
    const response = await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([{ status: 'firing', labels: { alertname: 'NodeDown', instance: `${host.toUpperCase()}:9100` }, fingerprint: '1111222233334444' }]),
    });

    expect(response.body.servers).toEqual([host]);
    const state = await received(host, 1);
    expect(state.input).toEqual({ host });
  });

  test('server label serves when instance is missing', async () => {
    const host = servers.uniqueHost();
    const response = await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([{ status: 'firing', labels: { alertname: 'DiskFull', server: host }, fingerprint: '5555666677778888' }]),
    });

    expect(response.body.servers).toEqual([host]);
    await received(host, 1);
  });

  test('alert key falls back to alertname', async () => {
    const host = servers.uniqueHost();
    const payload = alertmanagerPayload([{ status: 'firing', labels: { alertname: 'MysqlDown', severity: 'warning', instance: host } }]);
    delete (payload.alerts[0] as Record<string, unknown>).fingerprint;
    await call(service, 'POST', '/alerts/alertmanager', { body: payload });

    const state = await received(host, 1);
    expect(withoutReceivedAt(state.received[0])).toEqual({ key: 'MysqlDown', status: 'firing', reason: 'MysqlDown (severity warning)' });
  });

  test('alert without server label is reported unmapped', async () => {
    const host = servers.uniqueHost();
    const response = await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([
        { status: 'firing', labels: { alertname: 'HighLoad', instance: host }, fingerprint: '9999aaaabbbbcccc' },
        { status: 'firing', labels: { alertname: 'Watchdog' }, fingerprint: 'ddddeeeeffff0000' },
      ]),
    });

    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(1);
    expect(response.body.servers).toEqual([host]);
    expect(response.body.unmapped).toEqual([
      { index: 1, alertname: 'Watchdog', fingerprint: 'ddddeeeeffff0000', problem: 'has none of the labels instance, server, host that name the server' },
    ]);
    const warning = logLines().find((line) => line.msg.startsWith('alert names no server'));
    expect(warning).toMatchObject({ alertname: 'Watchdog', fingerprint: 'ddddeeeeffff0000', requestId: response.body.requestId });
  });

  test('repeated delivery changes nothing', async () => {
    const host = servers.uniqueHost();
    const body = alertmanagerPayload([{ status: 'firing', labels: { alertname: 'HighLoad', instance: host }, fingerprint: 'abababababababab' }]);
    const first = await call(service, 'POST', '/alerts/alertmanager', { body });
    const runAfterFirst = (await servers.client.workflow.getHandle(serverWorkflowId(host)).describe()).runId;
    const second = await call(service, 'POST', '/alerts/alertmanager', { body });

    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    const state = await received(host, 2);
    expect(state.received[1]).toEqual(state.received[0]);
    expect(state.active).toEqual({ abababababababab: 'HighLoad' });
    expect((await servers.client.workflow.getHandle(serverWorkflowId(host)).describe()).runId).toBe(runAfterFirst);
  });

  test('firing then resolved in one payload arrive in order', async () => {
    const host = servers.uniqueHost();
    const labels = { alertname: 'HighLoad', instance: host };
    await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([
        { status: 'firing', labels, fingerprint: 'cdcdcdcdcdcdcdcd' },
        { status: 'resolved', labels, fingerprint: 'cdcdcdcdcdcdcdcd', endsAt: '2026-01-01T00:01:00Z' },
      ]),
    });

    const state = await received(host, 2);
    expect(state.received.map((payload) => (payload as { status: string }).status)).toEqual(['firing', 'resolved']);
  });

  test('schema violations list every problem', async () => {
    const response = await call(service, 'POST', '/alerts/alertmanager', {
      body: { version: '5', alerts: [{ status: 'burning', labels: { instance: 5 } }, { status: 'firing' }] },
    });

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    const paths = (response.body.problems as Array<{ path: string }>).map((problem) => problem.path);
    expect(paths).toContain('version');
    expect(paths).toContain('alerts.0.status');
    expect(paths).toContain('alerts.0.labels.instance');
    expect(paths).toContain('alerts.1.labels');
  });
});

describe('POST /alerts', () => {
  test('unhealthy server fires the generic alert', async () => {
    const host = servers.uniqueHost();
    const response = await call(service, 'POST', '/alerts', { body: { server: host, healthy: false, reason: 'disk 98% full' } });

    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ accepted: 1, servers: [host], unmapped: [] });
    const state = await received(host, 1);
    expect(withoutReceivedAt(state.received[0])).toEqual({ key: 'generic', status: 'firing', reason: 'disk 98% full' });
  });

  test('healthy server resolves the named alert', async () => {
    const host = servers.uniqueHost();
    await call(service, 'POST', '/alerts', { body: { server: `${host}:2087`, healthy: false, key: 'cron-check' } });
    await call(service, 'POST', '/alerts', { body: { server: host, healthy: true, key: 'cron-check' } });

    const state = await received(host, 2);
    expect(withoutReceivedAt(state.received[0])).toEqual({ key: 'cron-check', status: 'firing', reason: `${host} reported unhealthy through POST /alerts` });
    expect(withoutReceivedAt(state.received[1])).toEqual({ key: 'cron-check', status: 'resolved' });
    expect(state.active).toEqual({});
  });

  test('schema violations list every problem', async () => {
    const response = await call(service, 'POST', '/alerts', { body: { server: 'not a host', healthy: 'no', key: '', colour: 'red' } });

    expect(response.status).toBe(400);
    const problems = response.body.problems as Array<{ path: string; message: string }>;
    expect(problems.find((problem) => problem.path === 'server')?.message).toBe('"not a host" is not a host name, host:port or IP address');
    expect(problems.find((problem) => problem.path === 'healthy')?.message).toBe('must be true (resolves the alert) or false (fires it)');
    expect(problems.map((problem) => problem.path)).toContain('key');
    expect(problems.find((problem) => problem.path === '(body)')?.message).toMatch(/colour/);
  });
});
