import type { ServerHealthConfigInput } from '../../src/health/config';
import type { HealthCheckResult } from '../../src/health/evaluate';
import { type ServerCarriedState, ServerState } from '../../src/workflows/server-state';

const HOST = 'dest.example.com';
const T0 = '2025-01-01T00:00:00.000Z';

function at(seconds: number): string {
  return new Date(Date.parse(T0) + seconds * 1000).toISOString();
}

const configInput: ServerHealthConfigInput = {
  host: HOST,
  token: { env: 'WHM_DEST_TOKEN' },
  cpuCount: 4,
  intervalSeconds: 1,
  unhealthyAfter: 2,
  healthyAfter: 2,
};

function check(fifteen: number): HealthCheckResult {
  return { host: HOST, checkedAt: T0, durationMs: 5, reachable: true, load: { one: fifteen, five: fifteen, fifteen }, disks: [{ mount: '/', percent: 20 }] };
}

function configured(): ServerState {
  const state = new ServerState(HOST, T0);
  expect(state.configure(configInput, T0)).toEqual({});
  return state;
}

describe('server state', () => {
  test('config schedules a check now', () => {
    const state = configured();
    expect(state.wakeRequested).toBe(true);
    expect(state.checkDue(Date.parse(T0))).toBe(true);
    state.scheduleNextCheck(Date.parse(T0));
    expect(state.nextCheckAtMs()).toBe(Date.parse(at(1)));
  });

  test('same config twice changes nothing', () => {
    const state = configured();
    state.wakeRequested = false;
    expect(state.configure(configInput, at(1)).ignored).toBe('the same health config is already active');
    expect(state.wakeRequested).toBe(false);
  });

  test('config for another host rejected', () => {
    const state = new ServerState(HOST, T0);
    const outcome = state.configure({ ...configInput, host: 'other.example.com' }, T0);
    expect(outcome.error).toContain('"other.example.com" is not this workflow\'s server dest.example.com');
    expect(state.config).toBeNull();
    expect(state.status().rejectedRequests).toHaveLength(1);
  });

  test('invalid config rejected with paths', () => {
    const state = new ServerState(HOST, T0);
    const outcome = state.configure({ ...configInput, cpuCount: -1, colour: 'red' }, T0);
    expect(outcome.error).toContain('cpuCount:');
    expect(outcome.error).toContain('colour');
    expect(state.config).toBeNull();
  });

  test('unhealthy check adds the health hold', () => {
    const state = configured();
    const config = state.config!;
    expect(state.applyCheck(config, check(9), at(1))).toBeUndefined();
    expect(state.applyCheck(config, check(9.5), at(2))).toEqual({ from: 'unknown', to: 'unhealthy', reason: `15-minute load 9.5 above 8.0 on ${HOST}` });
    expect(state.wantedHolds()).toEqual([{ source: `health:${HOST}`, reason: `15-minute load 9.5 above 8.0 on ${HOST}` }]);
  });

  test('recovery releases the health hold with a reason', () => {
    const state = configured();
    const config = state.config!;
    for (const [index, load] of [9, 9, 1, 1].entries()) state.applyCheck(config, check(load), at(index + 1));
    expect(state.health.status).toBe('healthy');
    expect(state.wantedHolds()).toEqual([]);
    expect(state.releaseReasons()).toEqual({ [`health:${HOST}`]: `health of ${HOST} recovered: 2 good checks in a row` });
  });

  test('check of a replaced config dropped', () => {
    const state = configured();
    const old = state.config!;
    state.configure({ ...configInput, cpuCount: 8 }, at(1));
    expect(state.applyCheck(old, check(30), at(2))).toBeUndefined();
    expect(state.status().health.lastCheck).toBeUndefined();
  });

  test('stopping releases the health hold', () => {
    const state = configured();
    const config = state.config!;
    state.applyCheck(config, check(9), at(1));
    state.applyCheck(config, check(9), at(2));
    expect(state.configure(null, at(3))).toEqual({});
    expect(state.wantedHolds()).toEqual([]);
    expect(state.status().health.monitored).toBe(false);
    expect(state.status().health.state).toBe('unknown');
  });

  test('alert firing then resolved', () => {
    const state = new ServerState(HOST, T0);
    expect(state.alert({ key: 'HighLoad', status: 'firing', reason: 'load 30 on web1' }, T0)).toEqual({});
    expect(state.wantedHolds()).toEqual([{ source: `alert:${HOST}:HighLoad`, reason: 'load 30 on web1' }]);
    expect(state.status().alerts).toEqual([{ key: 'HighLoad', source: `alert:${HOST}:HighLoad`, reason: 'load 30 on web1', since: T0 }]);

    expect(state.alert({ key: 'HighLoad', status: 'resolved' }, at(5))).toEqual({});
    expect(state.wantedHolds()).toEqual([]);
    expect(state.status().alerts).toEqual([]);
    expect(state.releaseReasons()).toEqual({ [`alert:${HOST}:HighLoad`]: `alert HighLoad resolved on ${HOST}` });
  });

  test('repeated alert deliveries change nothing', () => {
    const state = new ServerState(HOST, T0);
    state.alert({ key: 'fp1', status: 'firing' }, T0);
    const history = state.status().holdHistory;
    state.wakeRequested = false;

    expect(state.alert({ key: 'fp1', status: 'firing' }, at(1)).ignored).toBe('alert fp1 is already active');
    expect(state.wakeRequested).toBe(false);
    expect(state.status().holdHistory).toEqual(history);

    state.alert({ key: 'fp1', status: 'resolved' }, at(2));
    state.wakeRequested = false;
    expect(state.alert({ key: 'fp1', status: 'resolved' }, at(3)).ignored).toBe('alert fp1 is not active');
    expect(state.wakeRequested).toBe(false);
  });

  test('older delivery ignored', () => {
    const state = new ServerState(HOST, T0);
    state.alert({ key: 'fp1', status: 'resolved', receivedAt: '2025-01-01T00:00:10Z' }, T0);
    const outcome = state.alert({ key: 'fp1', status: 'firing', receivedAt: '2025-01-01T00:00:05Z' }, at(1));
    expect(outcome.ignored).toContain('older than the delivery');
    expect(state.wantedHolds()).toEqual([]);
  });

  test('invalid alert recorded', () => {
    const state = new ServerState(HOST, T0);
    expect(state.alert({ status: 'firing' }, T0).error).toContain('key:');
    expect(state.status().rejectedRequests.map((request) => request.signal)).toEqual(['alert']);
  });

  test('state survives continue-as-new', () => {
    const state = configured();
    const config = state.config!;
    state.applyCheck(config, check(9), at(1));
    state.alert({ key: 'fp1', status: 'firing', receivedAt: '2025-01-01T00:00:10Z' }, at(1));
    state.scheduleNextCheck(Date.parse(at(1)));

    const next = new ServerState(HOST, at(2), JSON.parse(JSON.stringify(state.toCarried())) as ServerCarriedState);
    expect(next.status()).toEqual({ ...state.status(), updatedAt: at(2) });
    expect(next.health).toEqual(state.health);
    expect(next.nextCheckAtMs()).toBe(state.nextCheckAtMs());
    expect(next.alert({ key: 'fp1', status: 'firing', receivedAt: '2025-01-01T00:00:09Z' }, at(3)).ignored).toContain('older');
  });
});
