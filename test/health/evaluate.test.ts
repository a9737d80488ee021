import { serverHealthConfigSchema, type ServerHealthConfigInput } from '../../src/health/config';
import { evaluateCheck, formatDecimal, joinProblems, MAX_REASON_LENGTH, type HealthCheckResult } from '../../src/health/evaluate';

const HOST = 'dest.example.com';

function config(overrides: Partial<ServerHealthConfigInput> = {}) {
  return serverHealthConfigSchema.parse({ host: HOST, token: { env: 'T' }, cpuCount: 4, ...overrides });
}

function result(overrides: Partial<HealthCheckResult> = {}): HealthCheckResult {
  return {
    host: HOST,
    checkedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 12,
    reachable: true,
    load: { one: 1, five: 1, fifteen: 1 },
    disks: [
      { mount: '/', percent: 25 },
      { mount: '/home', percent: 20 },
    ],
    ...overrides,
  };
}

describe('health check evaluation', () => {
  test('within thresholds is good', () => {
    expect(evaluateCheck(config(), result())).toEqual({ verdict: 'good', problems: [] });
  });

  test('load above threshold names values', () => {
    const evaluation = evaluateCheck(config(), result({ load: { one: 20, five: 16, fifteen: 14.2 } }));
    expect(evaluation.verdict).toBe('bad');
    expect(evaluation.problems).toEqual([`15-minute load 14.2 above 8.0 on ${HOST}`]);
  });

  test('load at threshold is good', () => {
    expect(evaluateCheck(config(), result({ load: { one: 8, five: 8, fifteen: 8 } })).verdict).toBe('good');
  });

  test('one- and five-minute load ignored', () => {
    expect(evaluateCheck(config(), result({ load: { one: 40, five: 30, fifteen: 2 } })).verdict).toBe('good');
  });

  test('disk above threshold names mount', () => {
    const evaluation = evaluateCheck(config(), result({ disks: [{ mount: '/', percent: 25 }, { mount: '/home', percent: 93 }] }));
    expect(evaluation.problems).toEqual([`disk /home 93% used, above 90% on ${HOST}`]);
  });

  test('unwatched mount ignored', () => {
    const evaluation = evaluateCheck(config({ mounts: ['/'] }), result({ disks: [{ mount: '/', percent: 25 }, { mount: '/backup', percent: 99 }] }));
    expect(evaluation.verdict).toBe('good');
  });

  test('watched mount missing is bad', () => {
    const evaluation = evaluateCheck(config({ mounts: ['/home2'] }), result());
    expect(evaluation.problems).toEqual([`disk /home2 not reported by WHM on ${HOST}`]);
  });

  test('stopped and unknown services named', () => {
    const evaluation = evaluateCheck(
      config({ requiredServices: ['httpd', 'mysql', 'exim'] }),
      result({
        services: [
          { name: 'httpd', found: true, running: true },
          { name: 'mysql', found: true, running: false },
          { name: 'exim', found: false, running: false },
        ],
      }),
    );
    expect(evaluation.problems).toEqual([`service mysql not running on ${HOST}`, `service exim not found on ${HOST}`]);
  });

  test('probe with other status is bad', () => {
    const url = 'http://127.0.0.1:9/health';
    const evaluation = evaluateCheck(config({ probe: { url } }), result({ probe: { url, status: 503, durationMs: 3 } }));
    expect(evaluation.problems).toEqual([`probe ${url} returned HTTP 503 instead of 200 on ${HOST}`]);
  });

  test('probe without response is bad', () => {
    const url = 'http://127.0.0.1:9/health';
    const evaluation = evaluateCheck(config({ probe: { url } }), result({ probe: { url, error: 'timed out after 5000 ms', durationMs: 5000 } }));
    expect(evaluation.problems).toEqual([`probe ${url} failed on ${HOST}: timed out after 5000 ms`]);
  });

  test('unreachable carries the error', () => {
    const evaluation = evaluateCheck(config(), result({ reachable: false, error: 'connection refused', load: undefined, disks: undefined }));
    expect(evaluation).toEqual({ verdict: 'unreachable', problems: [], error: 'connection refused' });
  });

  test('several problems joined', () => {
    const evaluation = evaluateCheck(config(), result({ load: { one: 9, five: 9, fifteen: 9 }, disks: [{ mount: '/', percent: 91 }] }));
    expect(joinProblems(evaluation.problems)).toBe(`15-minute load 9.0 above 8.0 on ${HOST}; disk / 91% used, above 90% on ${HOST}`);
  });

  test('long reason cut to the limit', () => {
    const reason = joinProblems(Array.from({ length: 40 }, (_, index) => `disk /data${index} 99% used, above 90% on ${HOST}`));
    expect(reason).toHaveLength(MAX_REASON_LENGTH);
    expect(reason.endsWith('…')).toBe(true);
  });

  test.each([
    [8, '8.0'],
    [14.2, '14.2'],
    [14.25, '14.25'],
    [0.333, '0.33'],
  ])('decimal %p formatted as %p', (value, text) => {
    expect(formatDecimal(value)).toBe(text);
  });
});
