import { evaluateSchedule, scheduleSchema } from '../../src/schedule/window';

const schedule = (input: unknown) => scheduleSchema.parse(input);

describe('maintenance schedule', () => {
  const nightly = schedule({ timeZone: 'Europe/Berlin', windows: [{ start: '22:00', end: '06:00' }] });

  test('inside an overnight window', () => {
    // 23:30 in Berlin (UTC+1 in January).
    const evaluation = evaluateSchedule(nightly, new Date('2027-01-12T22:30:00Z'));
    expect(evaluation.allowed).toBe(true);
    expect(evaluation.nextChangeAt).toBe('2027-01-13T05:00:00.000Z');
  });

  test('after midnight still inside', () => {
    expect(evaluateSchedule(nightly, new Date('2027-01-13T03:00:00Z')).allowed).toBe(true);
  });

  test('outside names the window and the opening', () => {
    const evaluation = evaluateSchedule(nightly, new Date('2027-01-13T12:00:00Z'));
    expect(evaluation.allowed).toBe(false);
    expect(evaluation.reason).toContain('22:00-06:00 Europe/Berlin');
    expect(evaluation.nextChangeAt).toBe('2027-01-13T21:00:00.000Z');
  });

  test('summer time shifts the UTC instants', () => {
    // Berlin is UTC+2 in July, so 22:00 local is 20:00 UTC.
    expect(evaluateSchedule(nightly, new Date('2027-07-13T12:00:00Z')).nextChangeAt).toBe('2027-07-13T20:00:00.000Z');
  });

  test('window across the spring change', () => {
    // On 2027-03-28 Berlin moves from UTC+1 to UTC+2 at 02:00 local; the window ends at 06:00 local = 04:00 UTC.
    expect(evaluateSchedule(nightly, new Date('2027-03-27T22:00:00Z')).nextChangeAt).toBe('2027-03-28T04:00:00.000Z');
  });

  test('days restrict the start day', () => {
    const weekends = schedule({ timeZone: 'UTC', windows: [{ days: ['sat', 'sun'], start: '00:00', end: '00:00' }] });
    // 2027-01-13 is a Wednesday: next opening is Saturday 2027-01-16 00:00 UTC.
    const evaluation = evaluateSchedule(weekends, new Date('2027-01-13T10:00:00Z'));
    expect(evaluation.allowed).toBe(false);
    expect(evaluation.nextChangeAt).toBe('2027-01-16T00:00:00.000Z');
  });

  test('adjacent windows do not report a change between them', () => {
    const weekends = schedule({ timeZone: 'UTC', windows: [{ days: ['sat', 'sun'], start: '00:00', end: '00:00' }] });
    // Saturday noon: Saturday's window runs into Sunday's, so the next change is Monday 00:00.
    expect(evaluateSchedule(weekends, new Date('2027-01-16T12:00:00Z')).nextChangeAt).toBe('2027-01-18T00:00:00.000Z');
  });

  test('blackout inside a window wins', () => {
    const withUpcp = schedule({
      timeZone: 'UTC',
      windows: [{ start: '22:00', end: '06:00' }],
      blackouts: [{ start: '01:00', end: '02:30', reason: 'cPanel nightly update (upcp)' }],
    });
    const evaluation = evaluateSchedule(withUpcp, new Date('2027-01-13T01:15:00Z'));
    expect(evaluation.allowed).toBe(false);
    expect(evaluation.reason).toBe('cPanel nightly update (upcp)');
    expect(evaluation.nextChangeAt).toBe('2027-01-13T02:30:00.000Z');
  });

  test('blackouts only: allowed outside them', () => {
    const upcpOnly = schedule({ blackouts: [{ start: '01:00', end: '02:00' }] });
    const evaluation = evaluateSchedule(upcpOnly, new Date('2027-01-13T12:00:00Z'));
    expect(evaluation.allowed).toBe(true);
    expect(evaluation.nextChangeAt).toBe('2027-01-14T01:00:00.000Z');
  });

  test('seconds in times', () => {
    const short = schedule({ windows: [{ start: '12:00:00', end: '12:00:30' }] });
    expect(evaluateSchedule(short, new Date('2027-01-13T12:00:10Z')).nextChangeAt).toBe('2027-01-13T12:00:30.000Z');
  });

  test('unknown time zone rejected', () => {
    const result = scheduleSchema.safeParse({ timeZone: 'Mars/Olympus', windows: [] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('unknown time zone "Mars/Olympus"');
  });

  test('malformed time rejected', () => {
    const result = scheduleSchema.safeParse({ windows: [{ start: '25:00', end: '06:00' }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['windows', 0, 'start']);
  });
});
