/**
 * GET /metrics against a real migration worker in this process, the shared Temporal server and a
 * simulated WHM pair. The service is started for this file alone, so its counters start at 0 and
 * each test reads the change its own requests made. The gauges cover the service's task queue,
 * which no other test file uses.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { request } from 'undici';
import { PROMETHEUS_CONTENT_TYPE, type PrometheusSample } from '../../src/metrics';
import type { ServeService } from '../../src/serve';
import { holdKind } from '../../src/serve/metrics/census';
import { serverWorkflowId } from '../../src/server-messages';
import { createMigrationTestEnv, eventually, type MigrationTestEnv } from '../helpers/migration-env';
import { uniqueId } from '../helpers/temporal';
import { call, sampleValue as valueOf, scrape as scrapeService, startTestService } from './helpers';
import { migrationPath, planInput } from './migrations-helpers';

const MiB = 1024 * 1024;

let env: MigrationTestEnv;
let service: ServeService;
let sourceHost: string;
const started: string[] = [];

beforeAll(async () => {
  sourceHost = `${uniqueId('src').toLowerCase()}.example.com`;
  env = await createMigrationTestEnv({ source: { hostname: sourceHost }, destination: { minItemStepMs: 50, createDelayMs: 100 } });
  await env.startWorker();
  service = (await startTestService(env.taskQueue)).service;
});

afterAll(async () => {
  const workflowIds = [...started, serverWorkflowId(sourceHost)];
  for (const workflowId of workflowIds) {
    await env?.client.workflow
      .getHandle(workflowId)
      .terminate('test finished')
      .catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
  }
  await service?.close();
  await env?.close();
});

/** Returns how much a sample grew from `before` to `after`; a sample missing before counts from 0. */
function growth(before: PrometheusSample[], after: PrometheusSample[], name: string, labels: Record<string, string>): number {
  return (valueOf(after, name, labels) ?? 0) - (valueOf(before, name, labels) ?? 0);
}

function scrape(): Promise<PrometheusSample[]> {
  return scrapeService(service);
}

/**
 * Scrapes until `done` accepts the samples, for up to 60 s. Visibility lags behind the workflow, and
 * the census is reused for 5 s, so a gauge follows a change only after both.
 */
function untilScraped(description: string, done: (samples: PrometheusSample[]) => boolean): Promise<PrometheusSample[]> {
  return eventually(
    description,
    async () => {
      const samples = await scrape();
      return done(samples) ? samples : undefined;
    },
    60_000,
  );
}

function labelValues(samples: PrometheusSample[]): string[] {
  return samples.flatMap((sample) => Object.values(sample.labels));
}

describe('GET /metrics', () => {
  test('served without a token', async () => {
    const response = await call(service, 'GET', '/metrics', { token: null });

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).toContain('# TYPE whm_migrate_serve_signals_sent_total counter');
  });

  test('HEAD answers without a body', async () => {
    const response = await request(`${service.url}/metrics`, { method: 'HEAD' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    expect(await response.body.text()).toBe('');
  });

  test('requests counted by route pattern', async () => {
    const unknownId = `whm-migrate/${sourceHost}/no-such-wave`;
    const before = await scrape();
    await call(service, 'GET', '/healthz', { token: null });
    await call(service, 'GET', '/healthz', { token: null });
    await call(service, 'GET', '/nowhere/at-all', { token: null });
    const notFound = await call(service, 'GET', migrationPath(unknownId));
    const unauthorized = await call(service, 'POST', '/alerts', { token: null, body: { server: sourceHost, healthy: false } });
    const after = await scrape();

    const requests = 'whm_migrate_serve_http_requests_total';
    expect(notFound.status).toBe(404);
    expect(unauthorized.status).toBe(401);
    expect(growth(before, after, requests, { route: '/healthz', method: 'GET', status: '200' })).toBe(2);
    expect(growth(before, after, requests, { route: 'unmatched', method: 'GET', status: '404' })).toBe(1);
    expect(growth(before, after, requests, { route: '/migrations/:id', method: 'GET', status: '404' })).toBe(1);
    expect(growth(before, after, requests, { route: '/alerts', method: 'POST', status: '401' })).toBe(1);
    expect(growth(before, after, requests, { route: '/metrics', method: 'GET', status: '200' })).toBe(1);
    expect(labelValues(after).filter((value) => value.includes('nowhere') || value.includes(sourceHost))).toEqual([]);
  });

  test('Temporal is up and no call failed', async () => {
    const samples = await scrape();

    expect(valueOf(samples, 'whm_migrate_serve_temporal_up')).toBe(1);
    const failures = samples.filter((sample) => sample.name === 'whm_migrate_serve_temporal_errors_total' && sample.value > 0);
    expect(failures).toEqual([]);
  });

  test(
    'gauges follow a held migration',
    async () => {
      env.pair.destination.control.setRates({ bytesPerSecond: MiB });
      const before = await scrape();

      const start = await call(service, 'POST', '/migrations', { body: planInput(env.pair) });
      const workflowId = start.body.workflowId as string;
      started.push(workflowId);
      expect(start.status).toBe(201);

      const transferring = await untilScraped('the migration to show as transferring', (samples) => valueOf(samples, 'whm_migrate_migrations', { phase: 'transferring' }) === 1);
      expect(valueOf(transferring, 'whm_migrate_migrations_paused')).toBe(0);
      expect(valueOf(transferring, 'whm_migrate_holds_active', { kind: 'operator' })).toBe(0);

      const pause = await call(service, 'POST', migrationPath(workflowId, '/pause'), { body: { reason: 'maintenance' } });
      const alert = await call(service, 'POST', '/alerts', { body: { server: sourceHost, healthy: false, reason: 'disk full' } });
      expect(pause.status).toBe(202);
      expect(alert.status).toBe(202);

      const whileHeld = await untilScraped(
        'the paused migration with its alert hold',
        (samples) => valueOf(samples, 'whm_migrate_holds_active', { kind: 'alert' }) === 1 && valueOf(samples, 'whm_migrate_migrations', { phase: 'paused' }) === 1,
      );

      expect(valueOf(whileHeld, 'whm_migrate_migrations_paused')).toBe(1);
      expect(valueOf(whileHeld, 'whm_migrate_holds_active', { kind: 'operator' })).toBe(1);
      expect(valueOf(whileHeld, 'whm_migrate_holds_active', { kind: 'health' })).toBe(0);
      expect(valueOf(whileHeld, 'whm_migrate_holds_active', { kind: 'schedule' })).toBe(0);
      expect(valueOf(whileHeld, 'whm_migrate_holds_active', { kind: 'other' })).toBe(0);
      expect(valueOf(whileHeld, 'whm_migrate_migrations', { phase: 'transferring' })).toBe(0);
      const running = whileHeld.filter((sample) => sample.name === 'whm_migrate_migrations').reduce((sum, sample) => sum + sample.value, 0);
      expect(running).toBe(1);

      expect(growth(before, whileHeld, 'whm_migrate_serve_signals_sent_total', { signal: 'pause' })).toBe(1);
      expect(growth(before, whileHeld, 'whm_migrate_serve_signals_sent_total', { signal: 'alert' })).toBe(1);
      expect(growth(before, whileHeld, 'whm_migrate_serve_alerts_received_total', { format: 'generic', status: 'firing' })).toBe(1);
      expect(growth(before, whileHeld, 'whm_migrate_serve_http_requests_total', { route: '/migrations/:id/pause', method: 'POST', status: '202' })).toBe(1);
      expect(labelValues(whileHeld).filter((value) => value.includes(sourceHost) || value.includes(workflowId) || value.includes('127.0.0.1'))).toEqual([]);

      const resume = await call(service, 'POST', '/migrations/resume', { body: { server: sourceHost } });
      expect(resume.status).toBe(202);
      expect(resume.body.signalled).toBe(1);

      const released = await untilScraped('the operator hold to leave the gauges', (samples) => valueOf(samples, 'whm_migrate_holds_active', { kind: 'operator' }) === 0);
      expect(valueOf(released, 'whm_migrate_holds_active', { kind: 'alert' })).toBe(1);
      expect(valueOf(released, 'whm_migrate_migrations_paused')).toBe(1);
      expect(growth(before, released, 'whm_migrate_serve_signals_sent_total', { signal: 'resume' })).toBe(1);
    },
    180_000,
  );
});

describe('holdKind', () => {
  test.each([
    ['operator', 'operator'],
    ['health:dest.example.com', 'health'],
    ['alert:dest.example.com:HighLoad', 'alert'],
    ['schedule', 'schedule'],
    ['health-check', 'other'],
    ['other', 'other'],
    ['operator-jane', 'other'],
  ])('%s is %s', (source, kind) => {
    expect(holdKind(source)).toBe(kind);
  });
});
