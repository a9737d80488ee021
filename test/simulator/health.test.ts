import { request } from 'undici';
import { startSimulator, type WhmSimulator } from '../../src/simulator';
import { callData, callReason, callWhm, ROOT_TOKEN } from './helpers';

interface Partition {
  mount: string;
  total: number;
  used: number;
  available: number;
  percentage: number;
  device: string;
}

interface Service {
  name: string;
  running: number;
  enabled: number;
  installed: number;
  monitored: number;
  display_name: string;
}

let simulator: WhmSimulator;

beforeEach(async () => {
  simulator = await startSimulator();
});

afterEach(async () => {
  await simulator.close();
});

async function patchHealth(body: unknown): Promise<{ status: number; json: unknown }> {
  const response = await request(`${simulator.url}/__simulator/health`, {
    method: 'PATCH',
    headers: { authorization: ROOT_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, json: await response.body.json() };
}

describe('health functions', () => {
  test('systemloadavg returns three averages', async () => {
    const data = await callData(simulator.url, 'systemloadavg');

    expect(Object.keys(data).sort()).toEqual(['fifteen', 'five', 'one']);
    expect(Object.values(data).every((value) => typeof value === 'number')).toBe(true);
  });

  test('getdiskusage lists partitions in KiB', async () => {
    const envelope = await callWhm<{ partition: Partition[] }>(simulator.url, 'getdiskusage');
    const home = envelope.data?.partition.find((partition) => partition.mount === '/home');

    expect(envelope.metadata.reason).toBe('Successfully retrieved disk usage');
    expect(home).toMatchObject({ total: 500 * 1024 * 1024, used: 100 * 1024 * 1024, available: 400 * 1024 * 1024, percentage: 20 });
  });

  test('servicestatus lists every service', async () => {
    const data = await callData<{ service: Service[] }>(simulator.url, 'servicestatus');

    expect(data.service.map((service) => service.name)).toEqual(expect.arrayContaining(['httpd', 'mysql', 'exim', 'cpsrvd']));
    expect(data.service.every((service) => service.running === 1)).toBe(true);
  });

  test('servicestatus with a service', async () => {
    const data = await callData<{ service: Service[] }>(simulator.url, 'servicestatus', { service: 'mysql' });

    expect(data.service).toEqual([{
      name: 'mysql', display_name: 'Database Server', enabled: 1, installed: 1, monitored: 1, running: 1,
    }]);
  });

  test('servicestatus unknown service fails', async () => {
    const reason = await callReason(simulator.url, 'servicestatus', { service: 'nosuchd' });

    expect(reason).toBe('Specified service does not exist.');
  });

  test('version and hostname', async () => {
    const version = await callData(simulator.url, 'version');
    const hostname = await callData(simulator.url, 'gethostname');

    expect(version).toEqual({ version: '11.120.0.16' });
    expect(hostname).toEqual({ hostname: 'whm.sim.test' });
  });
});

describe('health changes', () => {
  test('library changes load averages', async () => {
    simulator.control.setHealth({ loadAverage: { one: 12.5, five: 8, fifteen: 4.25 } });

    const data = await callData(simulator.url, 'systemloadavg');

    expect(data).toEqual({ one: 12.5, five: 8, fifteen: 4.25 });
  });

  test('library stops a service', async () => {
    simulator.control.setHealth({ services: { httpd: { running: false } } });

    const data = await callData<{ service: Service[] }>(simulator.url, 'servicestatus', { service: 'httpd' });

    expect(data.service[0]).toMatchObject({ running: 0, enabled: 1 });
  });

  test('library reports the CPU count', () => {
    const health = simulator.control.setHealth({ cpuCount: 16 });

    expect(health.cpuCount).toBe(16);
    expect(simulator.control.health().cpuCount).toBe(16);
  });

  test('library rejects invalid health', () => {
    expect(() => simulator.control.setHealth({ cpuCount: -1 })).toThrow(/Invalid health patch.*cpuCount/);
  });

  test('control endpoint replaces disks', async () => {
    const { status } = await patchHealth({ disks: [{ mount: '/home', totalKb: 1000, usedKb: 990 }] });

    const data = await callData<{ partition: Partition[] }>(simulator.url, 'getdiskusage');

    expect(status).toBe(200);
    expect(data.partition).toEqual([expect.objectContaining({ mount: '/home', total: 1000, used: 990, percentage: 99 })]);
  });

  test('control endpoint adds a service', async () => {
    await patchHealth({ services: { 'lsws': { running: true, enabled: false } } });

    const data = await callData<{ service: Service[] }>(simulator.url, 'servicestatus', { service: 'lsws' });

    expect(data.service[0]).toMatchObject({ name: 'lsws', running: 1, enabled: 0 });
  });

  test('control endpoint returns the health', async () => {
    const { json } = await patchHealth({ loadAverage: { one: 1, five: 2, fifteen: 3 } });

    expect(json).toMatchObject({ loadAverage: { one: 1, five: 2, fifteen: 3 }, cpuCount: 4 });
  });

  test('control endpoint rejects a used size above the total', async () => {
    const { status, json } = await patchHealth({ disks: [{ mount: '/', totalKb: 10, usedKb: 20 }] });

    expect(status).toBe(400);
    expect((json as { error?: string }).error).toContain('usedKb must not exceed totalKb');
  });

  test('control endpoint rejects unknown fields', async () => {
    const { status, json } = await patchHealth({ loadAvg: { one: 1 } });

    expect(status).toBe(400);
    expect((json as { error?: string }).error).toContain('loadAvg');
  });
});
