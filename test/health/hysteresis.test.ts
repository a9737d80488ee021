import type { HealthEvaluation } from '../../src/health/evaluate';
import { INITIAL_HEALTH_STATE, nextHealthState, type HealthState, type HysteresisSettings } from '../../src/health/hysteresis';

const HOST = 'dest.example.com';
const SETTINGS: HysteresisSettings = { host: HOST, unhealthyAfter: 3, healthyAfter: 5, unreachableAfter: 3, unreachableIsUnhealthy: true };

const good: HealthEvaluation = { verdict: 'good', problems: [] };
const bad = (fifteen: number): HealthEvaluation => ({ verdict: 'bad', problems: [`15-minute load ${fifteen.toFixed(1)} above 8.0 on ${HOST}`] });
const unreachable: HealthEvaluation = { verdict: 'unreachable', problems: [], error: 'connection refused' };

/** Feeds the checks in order, one second apart, and returns every state after each check. */
function run(checks: HealthEvaluation[], settings = SETTINGS, start: HealthState = INITIAL_HEALTH_STATE): HealthState[] {
  const states: HealthState[] = [];
  let state = start;
  checks.forEach((check, index) => {
    state = nextHealthState(state, check, settings, new Date(Date.UTC(2025, 0, 1, 0, 0, index)).toISOString());
    states.push(state);
  });
  return states;
}

function statuses(states: HealthState[]): string[] {
  return states.map((state) => state.status);
}

const unhealthy: HealthState = {
  status: 'unhealthy',
  consecutiveGood: 0,
  consecutiveBad: 3,
  consecutiveUnreachable: 0,
  reason: `15-minute load 14.2 above 8.0 on ${HOST}`,
  reasonKind: 'measured',
  since: '2025-01-01T00:00:00.000Z',
};

describe('health hysteresis', () => {
  test('first good check is healthy', () => {
    const [state] = run([good]);
    expect(state!.status).toBe('healthy');
    expect(state!.consecutiveGood).toBe(1);
  });

  test('unhealthy after K bad checks', () => {
    const states = run([good, bad(14.2), bad(14.3), bad(14.4)]);
    expect(statuses(states)).toEqual(['healthy', 'healthy', 'healthy', 'unhealthy']);
    expect(states[3]!.reason).toBe(`15-minute load 14.4 above 8.0 on ${HOST}`);
    expect(states[3]!.since).toBe('2025-01-01T00:00:03.000Z');
  });

  test('unknown stays unknown below K', () => {
    expect(statuses(run([bad(9), bad(9)]))).toEqual(['unknown', 'unknown']);
  });

  test('healthy again after M good checks', () => {
    const states = run([good, good, good, good, good], SETTINGS, unhealthy);
    expect(statuses(states)).toEqual(['unhealthy', 'unhealthy', 'unhealthy', 'unhealthy', 'healthy']);
    expect(states[4]!.reason).toBeUndefined();
    expect(states[4]!.consecutiveGood).toBe(5);
  });

  test('reason stays while values change', () => {
    const states = run([bad(15), bad(16), bad(17)], SETTINGS, unhealthy);
    for (const state of states) expect(state.reason).toBe(unhealthy.reason);
    expect(states[2]!.since).toBe(unhealthy.since);
  });

  test.each([
    ['bad/good alternating from healthy', [good, bad(8.1), good, bad(8.2), good, bad(8.1), good, bad(8.3), good, bad(8.1)], INITIAL_HEALTH_STATE, 'healthy'],
    ['two bad, one good, repeated', [good, bad(8.1), bad(8.2), good, bad(8.1), bad(8.1), good, bad(8.2), bad(8.1), good], INITIAL_HEALTH_STATE, 'healthy'],
    ['good/bad alternating from unhealthy', [good, bad(8.1), good, bad(8.2), good, bad(8.1), good, bad(8.3), good, bad(8.1)], unhealthy, 'unhealthy'],
    ['four good, one bad, repeated', [good, good, good, good, bad(8.1), good, good, good, good, bad(8.2)], unhealthy, 'unhealthy'],
  ] as const)('no flapping: %s', (_name, checks, start, expected) => {
    const states = run([...checks], SETTINGS, start);
    const changes = states.filter((state, index) => state.status !== (index === 0 ? start.status : states[index - 1]!.status));
    const expectedChanges = start.status === 'unknown' ? 1 : 0;
    expect(changes).toHaveLength(expectedChanges);
    expect(states.at(-1)!.status).toBe(expected);
  });

  test('unreachable counts after its own limit', () => {
    const settings = { ...SETTINGS, unhealthyAfter: 2, unreachableAfter: 4 };
    const states = run([good, unreachable, unreachable, unreachable, unreachable], settings);
    expect(statuses(states)).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'unhealthy']);
    expect(states[4]!.reason).toBe(`WHM unreachable for 4 checks on ${HOST}: connection refused`);
  });

  test('unreachable ignored when configured', () => {
    const settings = { ...SETTINGS, unreachableIsUnhealthy: false };
    const states = run([good, unreachable, unreachable, unreachable, unreachable], settings);
    expect(statuses(states)).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'healthy']);
    expect(states[4]!.consecutiveUnreachable).toBe(4);
  });

  test('unreachable neither adds to nor resets bad', () => {
    const states = run([good, bad(9), unreachable, bad(9), bad(9)]);
    expect(states[2]!.consecutiveBad).toBe(1);
    expect(statuses(states)).toEqual(['healthy', 'healthy', 'healthy', 'healthy', 'unhealthy']);
  });

  test('unreachable interrupts recovery', () => {
    const states = run([good, good, good, good, unreachable, good, good, good, good], SETTINGS, unhealthy);
    expect(states.every((state) => state.status === 'unhealthy')).toBe(true);
    expect(states.at(-1)!.consecutiveGood).toBe(4);
  });

  test('reason switches to unreachable once', () => {
    const states = run([unreachable, unreachable, unreachable, unreachable], SETTINGS, unhealthy);
    expect(states[1]!.reason).toBe(unhealthy.reason);
    expect(states[2]!.reason).toBe(`WHM unreachable for 3 checks on ${HOST}: connection refused`);
    expect(states[3]!.reason).toBe(states[2]!.reason);
    expect(states[3]!.since).toBe(unhealthy.since);
  });

  test('reason returns to measured values after K bad checks', () => {
    const start: HealthState = { ...unhealthy, consecutiveBad: 0, reason: 'WHM unreachable for 3 checks', reasonKind: 'unreachable' };
    const states = run([bad(12), bad(13), bad(14)], SETTINGS, start);
    expect(states[1]!.reason).toBe('WHM unreachable for 3 checks');
    expect(states[2]!.reason).toBe(`15-minute load 14.0 above 8.0 on ${HOST}`);
  });
});
