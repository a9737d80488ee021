import type { ServeService } from '../../src/serve';
import { uniqueId } from '../helpers/temporal';
import { alertmanagerPayload, call, startTestService, unusedPort } from './helpers';

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

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('10');
  });

  test('healthz still answers 200', async () => {
    const response = await call(service, 'GET', '/healthz', { token: null });

    expect(response.status).toBe(200);
  });
});
