/**
 * The operations endpoints: the Prometheus helpers, the health endpoint on its own, and a real
 * worker process (`node dist/worker.js`) serving SDK metrics and /healthz and /readyz while it polls
 * the shared dev server.
 */
import { request } from 'undici';
import { listenAddressSchema, MetricsRegistry, parsePrometheusText, type ListenAddress } from '../../src/metrics';
import { startHealthEndpoint, type HealthEndpoint, type ReadinessReport } from '../../src/production/health-endpoint';
import { freePort } from '../../src/temporal/dev-server';
import { TEST_CREDENTIALS_ENV } from '../helpers/migration-env';
import { ensureWorkerBuilt, WorkerProcesses } from '../helpers/processes';
import { sharedTemporalAddress, uniqueId } from '../helpers/temporal';

function loopback(port: number): ListenAddress {
  return listenAddressSchema.parse(`127.0.0.1:${port}`)!;
}

async function get(url: string, method: 'GET' | 'HEAD' | 'POST' = 'GET'): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const response = await request(url, { method, headersTimeout: 5_000, bodyTimeout: 5_000 });
  return { status: response.statusCode, body: await response.body.text(), headers: response.headers };
}

describe('listenAddressSchema', () => {
  test.each([
    ['127.0.0.1:9464', { host: '127.0.0.1', port: 9464, text: '127.0.0.1:9464' }],
    ['0.0.0.0:9464', { host: '0.0.0.0', port: 9464, text: '0.0.0.0:9464' }],
    ['[::1]:9464', { host: '::1', port: 9464, text: '[::1]:9464' }],
    ['localhost:1', { host: 'localhost', port: 1, text: 'localhost:1' }],
  ])('accepts %s', (value, expected) => {
    expect(listenAddressSchema.parse(value)).toEqual(expected);
  });

  test.each(['off', 'OFF', 'false', 'none'])('%s turns off', (value) => {
    expect(listenAddressSchema.parse(value)).toBeUndefined();
  });

  test.each(['9464', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', '::1:9464', '[not-ipv6]:9464', 'http://127.0.0.1:9464'])('rejects %s', (value) => {
    expect(listenAddressSchema.safeParse(value).success).toBe(false);
  });
});

describe('MetricsRegistry', () => {
  test('renders counters and gauges', () => {
    const registry = new MetricsRegistry();
    registry.increment('whm_migrate_alerts_total', 'Alerts received.', { route: 'alertmanager' });
    registry.increment('whm_migrate_alerts_total', 'Alerts received.', { route: 'alertmanager' }, 2);
    registry.set('whm_migrate_up', 'Whether the service runs.', 1);
    expect(registry.render()).toBe(
      [
        '# HELP whm_migrate_alerts_total Alerts received.',
        '# TYPE whm_migrate_alerts_total counter',
        'whm_migrate_alerts_total{route="alertmanager"} 3',
        '# HELP whm_migrate_up Whether the service runs.',
        '# TYPE whm_migrate_up gauge',
        'whm_migrate_up 1',
        '',
      ].join('\n'),
    );
  });

  test('escapes label values', () => {
    const registry = new MetricsRegistry();
    registry.set('whm_migrate_info', 'Info.', 1, { reason: 'quote " backslash \\ newline \n' });
    const [sample] = parsePrometheusText(registry.render());
    expect(sample?.labels.reason).toBe('quote " backslash \\ newline \n');
  });

  test('rejects a shrinking counter', () => {
    expect(() => new MetricsRegistry().increment('whm_migrate_total', 'Total.', {}, -1)).toThrow('can only grow');
  });

  test('rejects invalid names', () => {
    expect(() => new MetricsRegistry().set('whm-migrate', 'Bad.', 1)).toThrow('not a valid Prometheus metric name');
    expect(() => new MetricsRegistry().set('whm_migrate', 'Bad.', 1, { 'bad-label': 'x' })).toThrow('not a valid Prometheus label name');
  });

  test('rejects a type change', () => {
    const registry = new MetricsRegistry();
    registry.set('whm_migrate_value', 'Value.', 1);
    expect(() => registry.increment('whm_migrate_value', 'Value.')).toThrow('is a gauge, not a counter');
  });
});

describe('parsePrometheusText', () => {
  test('reads samples and infinities', () => {
    const samples = parsePrometheusText('# TYPE x histogram\nx_bucket{le="+Inf"} 4\nx_sum 12.5 1700000000000\nup +Inf\n');
    expect(samples).toEqual([
      { name: 'x_bucket', labels: { le: '+Inf' }, value: 4 },
      { name: 'x_sum', labels: {}, value: 12.5 },
      { name: 'up', labels: {}, value: Infinity },
    ]);
  });

  test('rejects a line that is no sample', () => {
    expect(() => parsePrometheusText('not a sample line at all\n')).toThrow('Line 1 of the scrape is not a Prometheus sample');
  });
});

describe('startHealthEndpoint', () => {
  let endpoint: HealthEndpoint | undefined;

  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  test('ready when every check passes', async () => {
    endpoint = await startHealthEndpoint({ address: loopback(await freePort()), checks: { one: () => ({ ok: true, detail: 'fine' }) } });
    const response = await get(`${endpoint.url}/readyz`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ready', checks: { one: { ok: true, detail: 'fine' } } } satisfies ReadinessReport);
    expect(response.headers['cache-control']).toBe('no-store');
  });

  test('not ready names each failure', async () => {
    endpoint = await startHealthEndpoint({
      address: loopback(await freePort()),
      checkTimeoutMs: 200,
      checks: {
        passing: () => ({ ok: true }),
        failing: () => ({ ok: false, detail: 'worker state DRAINING' }),
        throwing: () => {
          throw new Error('connection refused');
        },
        hanging: () => new Promise(() => undefined),
      },
    });
    const response = await get(`${endpoint.url}/readyz`);
    expect(response.status).toBe(503);
    const report = JSON.parse(response.body) as ReadinessReport;
    expect(report.status).toBe('not ready');
    expect(report.checks.passing).toEqual({ ok: true });
    expect(report.checks.failing).toEqual({ ok: false, detail: 'worker state DRAINING' });
    expect(report.checks.throwing).toEqual({ ok: false, detail: 'connection refused' });
    expect(report.checks.hanging).toEqual({ ok: false, detail: 'no answer within 200 ms' });
  });

  test('healthz answers while not ready', async () => {
    endpoint = await startHealthEndpoint({ address: loopback(await freePort()), checks: { failing: () => ({ ok: false }) } });
    const response = await get(`${endpoint.url}/healthz`);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ status: 'ok' });
  });

  test('HEAD has no body', async () => {
    endpoint = await startHealthEndpoint({ address: loopback(await freePort()), checks: {} });
    const response = await get(`${endpoint.url}/readyz`, 'HEAD');
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
  });

  test('unknown path is 404', async () => {
    endpoint = await startHealthEndpoint({ address: loopback(await freePort()), checks: {} });
    expect((await get(`${endpoint.url}/metrics`)).status).toBe(404);
  });

  test('POST is 405', async () => {
    endpoint = await startHealthEndpoint({ address: loopback(await freePort()), checks: {} });
    const response = await get(`${endpoint.url}/healthz`, 'POST');
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
  });

  test('taken port fails the start', async () => {
    endpoint = await startHealthEndpoint({ address: loopback(await freePort()), checks: {} });
    await expect(startHealthEndpoint({ address: loopback(endpoint.port), checks: {} })).rejects.toThrow('EADDRINUSE');
  });
});

describe('worker process endpoints', () => {
  const workers = new WorkerProcesses();
  let passed = false;

  beforeAll(async () => {
    await ensureWorkerBuilt();
  }, 200_000);

  beforeEach(() => {
    passed = false;
  });

  afterEach(async () => {
    await workers.killAll();
    if (!passed) process.stderr.write(`Output of the worker processes:\n${workers.output()}\n`);
    workers.clear();
  });

  test(
    'serves metrics and readiness',
    async () => {
      const taskQueue = uniqueId('endpoints');
      const metricsPort = await freePort();
      const healthPort = await freePort();
      const worker = await workers.start('worker', {
        TEMPORAL_ADDRESS: sharedTemporalAddress(),
        WHM_MIGRATE_TASK_QUEUE: taskQueue,
        WHM_MIGRATE_METRICS_ADDRESS: `127.0.0.1:${metricsPort}`,
        WHM_MIGRATE_HEALTH_ADDRESS: `127.0.0.1:${healthPort}`,
        WHM_MIGRATE_SHUTDOWN_GRACE_SECONDS: '1',
        ...TEST_CREDENTIALS_ENV,
      });

      const ready = await get(`http://127.0.0.1:${healthPort}/readyz`);
      expect(ready.status).toBe(200);
      const report = JSON.parse(ready.body) as ReadinessReport;
      expect(report.checks.worker).toEqual({ ok: true, detail: 'worker state RUNNING' });
      expect(report.checks.temporal).toEqual({ ok: true, detail: 'frontend serving' });
      expect((await get(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);

      const scrape = await get(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.status).toBe(200);
      const samples = parsePrometheusText(scrape.body);
      const pollers = samples.filter((sample) => sample.name === 'temporal_num_pollers' && sample.labels.task_queue === taskQueue);
      expect(pollers.map((sample) => sample.labels.poller_type).sort()).toEqual(expect.arrayContaining(['activity_task', 'workflow_task']));
      for (const sample of pollers) expect(sample.value).toBeGreaterThan(0);
      expect(samples.some((sample) => sample.name === 'temporal_request' && sample.labels.operation === 'DescribeNamespace')).toBe(true);

      await worker.kill('SIGTERM');
      expect(worker.exitSignal).toBeNull();
      await expect(get(`http://127.0.0.1:${healthPort}/healthz`)).rejects.toThrow();
      passed = true;
    },
    120_000,
  );
});
