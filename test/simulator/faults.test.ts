import { request } from 'undici';
import { startSimulator, type WhmSimulator } from '../../src/simulator';
import { callWhm, rawCall, ROOT_TOKEN } from './helpers';

let simulator: WhmSimulator;

beforeEach(async () => {
  simulator = await startSimulator();
});

afterEach(async () => {
  await simulator.close();
});

interface ControlResponse {
  status: number;
  json: unknown;
}

async function control(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  route: string,
  body?: string,
  headers: Record<string, string> = { authorization: ROOT_TOKEN, 'content-type': 'application/json' },
): Promise<ControlResponse> {
  const response = await request(`${simulator.url}/__simulator/${route}`, { method, headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, json: text.startsWith('{') ? JSON.parse(text) as unknown : text };
}

function errorOf(response: ControlResponse): string {
  return (response.json as { error?: string }).error ?? '';
}

function faultsOf(response: ControlResponse): unknown[] {
  return (response.json as { faults?: unknown[] }).faults ?? [];
}

describe('injected faults', () => {
  test('http-500', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-500' });

    const response = await rawCall(simulator.url, 'version');

    expect(response.status).toBe(500);
  });

  test('http-503', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-503' });

    const response = await rawCall(simulator.url, 'version');

    expect(response.status).toBe(503);
  });

  test('http-403 sends the legacy body', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-403' });

    const response = await rawCall(simulator.url, 'version');

    expect(response.status).toBe(403);
    expect(response.text).toContain('"error":"Access denied"');
  });

  test('drop closes the connection', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'drop' });

    await expect(rawCall(simulator.url, 'version')).rejects.toThrow();
  });

  test('result-0 with a reason', async () => {
    simulator.control.injectFault({ function: 'systemloadavg', kind: 'result-0', reason: 'The load is unreadable.' });

    const envelope = await callWhm(simulator.url, 'systemloadavg');

    expect(envelope).not.toHaveProperty('data');
    expect(envelope.metadata).toEqual({ command: 'systemloadavg', version: 1, result: 0, reason: 'The load is unreadable.' });
  });

  test('result-0 default reason', async () => {
    simulator.control.injectFault({ function: 'systemloadavg', kind: 'result-0' });

    const envelope = await callWhm(simulator.url, 'systemloadavg');

    expect(envelope.metadata.reason).toMatch(/^API failure: /);
  });

  test('delay then normal answer', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'delay', delayMs: 30 });

    const envelope = await callWhm(simulator.url, 'version');

    expect(envelope.metadata.result).toBe(1);
    expect(simulator.control.faults()).toEqual([]);
  });

  test('fault applies once by default', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-500' });

    const first = await rawCall(simulator.url, 'version');
    const second = await rawCall(simulator.url, 'version');

    expect(first.status).toBe(500);
    expect(second.status).toBe(200);
  });

  test('times counts calls', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-503', times: 2 });

    const statuses = [];
    for (let call = 0; call < 3; call += 1) statuses.push((await rawCall(simulator.url, 'version')).status);

    expect(statuses).toEqual([503, 503, 200]);
  });

  test('times 0 lasts until cleared', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-500', times: 0 });

    const statuses = [];
    for (let call = 0; call < 4; call += 1) statuses.push((await rawCall(simulator.url, 'version')).status);
    simulator.control.clearFaults();
    const afterClear = await rawCall(simulator.url, 'version');

    expect(statuses).toEqual([500, 500, 500, 500]);
    expect(afterClear.status).toBe(200);
  });

  test('fault matches only its function', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-500' });

    const other = await rawCall(simulator.url, 'gethostname');

    expect(other.status).toBe(200);
    expect(simulator.control.faults()).toHaveLength(1);
  });

  test('star matches every function', async () => {
    simulator.control.injectFault({ function: '*', kind: 'http-503', times: 2 });

    const first = await rawCall(simulator.url, 'gethostname');
    const second = await rawCall(simulator.url, 'listaccts');

    expect(first.status).toBe(503);
    expect(second.status).toBe(503);
  });

  test('oldest matching fault applies first', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-500' });
    simulator.control.injectFault({ function: 'version', kind: 'http-503' });

    const first = await rawCall(simulator.url, 'version');
    const second = await rawCall(simulator.url, 'version');

    expect(first.status).toBe(500);
    expect(second.status).toBe(503);
  });

  test('library rejects an unknown kind', () => {
    expect(() => simulator.control.injectFault({ function: 'version', kind: 'http-418' as 'http-500' })).toThrow(/Invalid fault/);
  });
});

describe('control endpoint', () => {
  test('POST faults injects', async () => {
    const injected = await control('POST', 'faults', JSON.stringify({ function: 'version', kind: 'http-500', times: 1 }));

    const response = await rawCall(simulator.url, 'version');

    expect(injected.status).toBe(200);
    expect(faultsOf(injected)).toEqual([expect.objectContaining({ function: 'version', kind: 'http-500', remaining: 1 })]);
    expect(response.status).toBe(500);
  });

  test('DELETE faults clears', async () => {
    simulator.control.injectFault({ function: 'version', kind: 'http-500', times: 0 });

    const cleared = await control('DELETE', 'faults');
    const response = await rawCall(simulator.url, 'version');

    expect(cleared.json).toEqual({ faults: [] });
    expect(response.status).toBe(200);
  });

  test('GET faults lists', async () => {
    simulator.control.injectFault({ function: '*', kind: 'delay', delayMs: 5, times: 3 });

    const listed = await control('GET', 'faults');

    expect(faultsOf(listed)).toEqual([expect.objectContaining({ function: '*', kind: 'delay', delayMs: 5, remaining: 3 })]);
  });

  test('malformed fault is 400', async () => {
    const response = await control('POST', 'faults', JSON.stringify({ function: 'version', kind: 'explode' }));

    expect(response.status).toBe(400);
    expect(errorOf(response)).toContain('kind');
  });

  test('negative times is 400', async () => {
    const response = await control('POST', 'faults', JSON.stringify({ function: 'version', kind: 'drop', times: -1 }));

    expect(response.status).toBe(400);
    expect(errorOf(response)).toContain('times');
  });

  test('invalid JSON is 400', async () => {
    const response = await control('POST', 'faults', '{"function":');

    expect(response.status).toBe(400);
    expect(errorOf(response)).toContain('not valid JSON');
  });

  test('empty body is 400', async () => {
    const response = await control('POST', 'faults', '');

    expect(response.status).toBe(400);
    expect(errorOf(response)).toContain('empty');
  });

  test('form body is 415', async () => {
    const response = await control('POST', 'faults', 'function=version', {
      authorization: ROOT_TOKEN, 'content-type': 'application/x-www-form-urlencoded',
    });

    expect(response.status).toBe(415);
  });

  test('missing credentials is 403', async () => {
    const response = await control('GET', 'faults', undefined, {});

    expect(response.status).toBe(403);
  });

  test('unknown route is 404', async () => {
    const response = await control('GET', 'nothing');

    expect(response.status).toBe(404);
    expect(errorOf(response)).toContain('/__simulator/faults');
  });

  test('wrong method is 405', async () => {
    const response = await control('DELETE', 'sessions');

    expect(response.status).toBe(405);
  });

  test('item failure route', async () => {
    const response = await control('POST', 'item-failures', JSON.stringify({ user: 'bob', reason: 'Disk failed.', times: 1 }));

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ user: 'bob', reason: 'Disk failed.', times: 1 });
  });

  test('item failure without reason is 400', async () => {
    const response = await control('POST', 'item-failures', JSON.stringify({ user: 'bob' }));

    expect(response.status).toBe(400);
  });

  test('rates route changes rates', async () => {
    const changed = await control('PATCH', 'rates', JSON.stringify({ bytesPerSecond: 1000 }));
    const read = await control('GET', 'rates');

    expect(changed.json).toEqual({ bytesPerSecond: 1000, restoreBytesPerSecond: 2 * 50 * 1024 * 1024 });
    expect(read.json).toEqual(changed.json);
  });

  test('zero rate is 400', async () => {
    const response = await control('PATCH', 'rates', JSON.stringify({ restoreBytesPerSecond: 0 }));

    expect(response.status).toBe(400);
  });

  test('sessions route counts creations', async () => {
    const response = await control('GET', 'sessions');

    expect(response.json).toEqual({ createCount: 0, sessions: [] });
  });
});
