import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WhmConnections } from '../../src/activities/whm-connection';
import { checkHealth } from '../../src/health/check';
import { serverHealthConfigSchema, type ServerHealthConfigInput } from '../../src/health/config';
import { silentLogger } from '../../src/log';
import { startSimulator, type WhmSimulator } from '../../src/simulator';

const GIB_IN_KB = 1024 * 1024;

describe('health check', () => {
  let simulator: WhmSimulator;
  let connections: WhmConnections;
  let probeServer: Server | undefined;

  beforeEach(async () => {
    simulator = await startSimulator();
    connections = new WhmConnections({ TEST_TOKEN: 'sim-token' }, silentLogger);
  });

  afterEach(async () => {
    await connections.close();
    await simulator.close();
    if (probeServer) await new Promise((resolve) => probeServer!.close(resolve));
    probeServer = undefined;
  });

  function config(overrides: Partial<ServerHealthConfigInput> = {}) {
    return serverHealthConfigSchema.parse({
      host: '127.0.0.1',
      port: simulator.port,
      scheme: 'http',
      token: { env: 'TEST_TOKEN' },
      cpuCount: 4,
      intervalSeconds: 2,
      ...overrides,
    });
  }

  function check(settings = config()) {
    return checkHealth(settings, () => connections.clientFor(settings));
  }

  /** Starts a loopback HTTP server that responds with `status` after `delayMs`. */
  async function startProbeServer(status: number, delayMs = 0): Promise<string> {
    probeServer = createServer((_request, response) => {
      setTimeout(() => {
        response.statusCode = status;
        response.end('ok');
      }, delayMs);
    });
    await new Promise<void>((resolve) => probeServer!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(probeServer.address() as AddressInfo).port}/health`;
  }

  test('reads load, disks and services', async () => {
    simulator.control.setHealth({
      loadAverage: { one: 3, five: 2.5, fifteen: 2 },
      disks: [{ mount: '/home', totalKb: 100 * GIB_IN_KB, usedKb: 93 * GIB_IN_KB }],
      services: { mysql: { running: false } },
    });
    const result = await check(config({ requiredServices: ['httpd', 'mysql', 'nosuchd'] }));

    expect(result.reachable).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.load).toEqual({ one: 3, five: 2.5, fifteen: 2 });
    expect(result.disks).toEqual([{ mount: '/home', percent: 93 }]);
    expect(result.services).toEqual([
      { name: 'httpd', found: true, running: true },
      { name: 'mysql', found: true, running: false },
      { name: 'nosuchd', found: false, running: false },
    ]);
    expect(result.host).toBe('127.0.0.1');
  });

  test('services not read unless required', async () => {
    const result = await check();
    expect(result.services).toBeUndefined();
  });

  test('failed WHM call is a result', async () => {
    simulator.control.injectFault({ function: 'getdiskusage', kind: 'http-503', times: 0 });
    const result = await check();

    expect(result.reachable).toBe(false);
    expect(result.error).toContain('getdiskusage');
    expect(result.load).toBeDefined();
    expect(result.disks).toBeUndefined();
  });

  test('slow WHM call times out', async () => {
    simulator.control.injectFault({ function: 'systemloadavg', kind: 'delay', delayMs: 3_000, times: 0 });
    const result = await check(config({ intervalSeconds: 1 }));

    expect(result.reachable).toBe(false);
    expect(result.error).toContain('timed out after 1000 ms');
  });

  test('stopped server is unreachable', async () => {
    const settings = config();
    await simulator.close();
    const result = await check(settings);

    expect(result.reachable).toBe(false);
    expect(result.error).toContain('ECONNREFUSED');
  });

  test('unset token is unreachable', async () => {
    const result = await check(config({ token: { env: 'NOT_SET_ANYWHERE' } }));

    expect(result.reachable).toBe(false);
    expect(result.error).toContain('environment variable NOT_SET_ANYWHERE is not set on the worker');
  });

  test('probe status recorded', async () => {
    const url = await startProbeServer(503);
    const result = await check(config({ probe: { url } }));

    expect(result.probe?.url).toBe(url);
    expect(result.probe?.status).toBe(503);
    expect(result.probe?.error).toBeUndefined();
  });

  test('slow probe times out', async () => {
    const url = await startProbeServer(200, 2_000);
    const result = await check(config({ probe: { url, timeoutMs: 200 } }));

    expect(result.probe?.status).toBeUndefined();
    expect(result.probe?.error).toBe('timed out after 200 ms');
    expect(result.reachable).toBe(true);
  });

  test('aborted check rejects', async () => {
    simulator.control.injectFault({ function: 'systemloadavg', kind: 'delay', delayMs: 3_000, times: 0 });
    const controller = new AbortController();
    const settings = config();
    const pending = checkHealth(settings, () => connections.clientFor(settings), { signal: controller.signal });
    controller.abort(new Error('activity cancelled'));
    await expect(pending).rejects.toThrow('activity cancelled');
  });
});
