import type { ServeService } from '../../src/serve';
import { uniqueId } from '../helpers/temporal';
import { alertmanagerPayload, call, sampleValue as valueOf, scrape, startTestService, unusedPort } from './helpers';
import { undocumentedParts } from './migrations-helpers';

let service: ServeService;
let temporalAddress: string;

beforeAll(async () => {
  temporalAddress = `127.0.0.1:${await unusedPort()}`;
  const started = await startTestService(uniqueId('serve-down'), { env: { TEMPORAL_ADDRESS: temporalAddress }, temporalCallTimeoutMs: 1_500 });
  service = started.service;
});

afterAll(async () => {
  await service?.close();
});

describe('serve with Temporal unreachable', () => {
  test('alert delivery gets 503 with Retry-After', async () => {
    const response = await call(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([{ status: 'firing', labels: { alertname: 'HighLoad', instance: 'dest.example.com:9100' }, fingerprint: '0123456789abcdef' }]),
    });

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('10');
    expect(response.body.detail).toContain(`Cannot reach Temporal at ${temporalAddress}`);
  });

  test('generic alert gets 503', async () => {
    const response = await call(service, 'POST', '/alerts', { body: { server: 'dest.example.com', healthy: false } });

    expect(response.status).toBe(503);
  });

  test('readyz answers 503', async () => {
    const response = await call(service, 'GET', '/readyz', { token: null });
    const checks = response.body.checks as Record<string, { ok: boolean; detail?: string }>;

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('10');
    expect(response.body.status).toBe('not ready');
    expect(checks.temporal?.ok).toBe(false);
    expect(checks.temporal?.detail).toContain(`Cannot reach Temporal at ${temporalAddress}`);
    expect(undocumentedParts('GET', '/readyz', response)).toEqual([]);
  });

  test('metrics answer 200 without gauges', async () => {
    await call(service, 'POST', '/alerts', { body: { server: 'dest.example.com', healthy: true } });
    const samples = await scrape(service);

    expect(valueOf(samples, 'whm_migrate_serve_temporal_up')).toBe(0);
    expect(samples.filter((sample) => sample.name.startsWith('whm_migrate_migrations') || sample.name === 'whm_migrate_holds_active')).toEqual([]);
    expect(valueOf(samples, 'whm_migrate_serve_http_requests_total', { route: '/alerts', method: 'POST', status: '503' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'whm_migrate_serve_alerts_received_total', { format: 'generic', status: 'resolved' })).toBe(1);
    expect(valueOf(samples, 'whm_migrate_serve_signals_sent_total', { signal: 'alert' })).toBe(0);
    expect(valueOf(samples, 'whm_migrate_serve_temporal_errors_total', { operation: 'alert_signal' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'whm_migrate_serve_temporal_errors_total', { operation: 'census' })).toBeGreaterThanOrEqual(1);
  });

  test('failed census is reused', async () => {
    const first = await scrape(service);
    const second = await scrape(service);

    // The census waits 5 s before it queries Temporal again, so the second scrape adds no failed call.
    expect(valueOf(second, 'whm_migrate_serve_temporal_errors_total', { operation: 'census' })).toBe(
      valueOf(first, 'whm_migrate_serve_temporal_errors_total', { operation: 'census' }),
    );
  });

  test('healthz still answers 200', async () => {
    const response = await call(service, 'GET', '/healthz', { token: null });

    expect(response.status).toBe(200);
  });
});
