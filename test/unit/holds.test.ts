import { Holds, type HoldsState, MAX_HOLD_HISTORY } from '../../src/workflows/holds';

describe('holds', () => {
  test('held while any source holds', () => {
    const holds = new Holds();
    holds.hold('operator', 'backup window', 't1');
    holds.hold('health:dest', 'load 14.2 above 8.0', 't2');
    holds.release('health:dest', 'load back to 2.0', 't3');
    expect(holds.isHeld).toBe(true);
    expect(holds.sources()).toEqual(['operator']);
  });

  test('release of another source changes nothing', () => {
    const holds = new Holds();
    holds.hold('operator', 'backup window', 't1');
    expect(holds.release('health:dest', 'recovered', 't2')).toBe(false);
    expect(holds.isHeld).toBe(true);
    expect(holds.events()).toHaveLength(1);
  });

  test('repeated hold keeps its start time', () => {
    const holds = new Holds();
    expect(holds.hold('alert:dest:abc', 'DiskFull', 't1')).toBe(true);
    expect(holds.hold('alert:dest:abc', 'DiskFull', 't2')).toBe(false);
    expect(holds.list()).toEqual([{ source: 'alert:dest:abc', reason: 'DiskFull', since: 't1' }]);
    expect(holds.events()).toHaveLength(1);
  });

  test('new reason is recorded', () => {
    const holds = new Holds();
    holds.hold('health:dest', 'load 9.0 above 8.0', 't1');
    holds.hold('health:dest', 'load 14.2 above 8.0', 't2');
    expect(holds.list()[0]!.reason).toBe('load 14.2 above 8.0');
    expect(holds.events().map((event) => event.reason)).toEqual(['load 9.0 above 8.0', 'load 14.2 above 8.0']);
  });

  test('release all clears every source', () => {
    const holds = new Holds();
    holds.hold('operator', 'a', 't1');
    holds.hold('schedule', 'b', 't2');
    expect(holds.releaseAll('operator', 'go', 't3')).toBe(2);
    expect(holds.isHeld).toBe(false);
    expect(holds.events().at(-1)).toEqual({ at: 't3', action: 'release-all', source: 'operator', reason: 'go', released: ['operator', 'schedule'] });
  });

  test('state round-trips through JSON', () => {
    const holds = new Holds();
    holds.hold('operator', 'a', 't1');
    const copy = new Holds(JSON.parse(JSON.stringify(holds.toJSON())) as HoldsState);
    expect(copy.list()).toEqual(holds.list());
    expect(copy.events()).toEqual(holds.events());
  });

  test('history is bounded', () => {
    const holds = new Holds();
    for (let index = 0; index < MAX_HOLD_HISTORY + 10; index++) {
      holds.hold('operator', `reason ${index}`, `t${index}`);
    }
    expect(holds.events()).toHaveLength(MAX_HOLD_HISTORY);
    expect(holds.events().at(-1)!.reason).toBe(`reason ${MAX_HOLD_HISTORY + 9}`);
  });
});
