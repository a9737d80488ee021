import { durationBetween, formatBytes, formatDuration, formatTable, formatTime, plural, progressBar } from '../../src/cli/format';

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024 * 1024 + 300 * 1024, '10.3 MiB'],
    [123 * 1024 ** 3, '123 GiB'],
    [3.214 * 1024 ** 4, '3.21 TiB'],
    [2 * 1024 ** 6, '2048 PiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  test('negative and non-finite are a dash', () => {
    expect(formatBytes(-1)).toBe('-');
    expect(formatBytes(Number.NaN)).toBe('-');
  });
});

describe('formatDuration', () => {
  test.each([
    [0, '0 ms'],
    [350, '350 ms'],
    [4_250, '4.2 s'],
    [42_000, '42 s'],
    [125_000, '2m 05s'],
    [3_720_000, '1h 02m'],
    [273_600_000, '3d 04h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test('negative is a dash', () => {
    expect(formatDuration(-5)).toBe('-');
  });
});

describe('durationBetween', () => {
  test('milliseconds between two times', () => {
    expect(durationBetween('2026-01-01T00:00:00Z', '2026-01-01T00:01:30Z')).toBe(90_000);
  });

  test('missing end is undefined', () => {
    expect(durationBetween('2026-01-01T00:00:00Z', undefined)).toBeUndefined();
  });

  test('invalid time is undefined', () => {
    expect(durationBetween('yesterday', '2026-01-01T00:00:00Z')).toBeUndefined();
  });
});

describe('formatTime', () => {
  test('ISO string in UTC', () => {
    expect(formatTime('2026-03-04T05:06:07.890Z')).toBe('2026-03-04 05:06:07 UTC');
  });

  test('Date in UTC', () => {
    expect(formatTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('2026-01-02 03:04:05 UTC');
  });

  test('missing is a dash', () => {
    expect(formatTime(undefined)).toBe('-');
  });

  test('unparseable text is kept', () => {
    expect(formatTime('soon')).toBe('soon');
  });
});

describe('progressBar', () => {
  test('half done', () => {
    expect(progressBar(5, 10, 10)).toBe('[#####.....]  50%');
  });

  test('nothing done', () => {
    expect(progressBar(0, 4, 8)).toBe('[........]   0%');
  });

  test('all done', () => {
    expect(progressBar(4, 4, 8)).toBe('[########] 100%');
  });

  test('almost done is not 100 %', () => {
    expect(progressBar(995, 1000, 10)).toBe('[#########.]  99%');
  });

  test('zero total counts as complete', () => {
    expect(progressBar(0, 0, 4)).toBe('[####] 100%');
  });

  test('done above total is capped', () => {
    expect(progressBar(12, 10, 4)).toBe('[####] 100%');
  });
});

describe('formatTable', () => {
  test('aligns columns without trailing spaces', () => {
    const lines = formatTable([
      ['alice', 'succeeded', '1 KiB'],
      ['bob', 'failed', ''],
    ]);
    expect(lines).toEqual(['alice  succeeded  1 KiB', 'bob    failed']);
  });

  test('headers are underlined', () => {
    const lines = formatTable([['alice', '1']], { headers: ['NAME', 'N'] });
    expect(lines).toEqual(['NAME   N', '----   -', 'alice  1']);
  });

  test('right alignment pads at the start', () => {
    const lines = formatTable([['a', '5 B'], ['b', '12 KiB']], { align: ['left', 'right'] });
    expect(lines).toEqual(['a     5 B', 'b  12 KiB']);
  });

  test('indent and missing cells', () => {
    const lines = formatTable([['x', 'y', 'z'], ['only']], { indent: '  ' });
    expect(lines).toEqual(['  x     y  z', '  only']);
  });

  test('no rows give no lines', () => {
    expect(formatTable([])).toEqual([]);
  });
});

describe('plural', () => {
  test('one', () => {
    expect(plural(1, 'hold')).toBe('1 hold');
  });

  test('several', () => {
    expect(plural(3, 'hold')).toBe('3 holds');
  });

  test('irregular form', () => {
    expect(plural(0, 'entry', 'entries')).toBe('0 entries');
  });
});
