import { createMigrationTestEnv, eventually, queryStatus, result, testPlan, type MigrationTestEnv } from '../helpers/migration-env';

const MiB = 1024 * 1024;

function utcClock(date: Date): string {
  return date.toISOString().slice(11, 19);
}

describe('maintenance windows', () => {
  let env: MigrationTestEnv;

  beforeEach(async () => {
    env = await createMigrationTestEnv({ destination: { bytesPerSecond: 30 * MiB, restoreBytesPerSecond: 60 * MiB, minItemStepMs: 50, createDelayMs: 100 } });
    await env.startWorker();
  });

  afterEach(async () => {
    await env?.close();
  });

  test('closing window holds, reopening resumes', async () => {
    const now = Date.now();
    // The first window closes 4 s from now, while bob (210 MiB at 30 MiB/s) is in flight; the second opens at 9 s.
    const schedule = {
      timeZone: 'UTC',
      windows: [
        { start: utcClock(new Date(now - 60_000)), end: utcClock(new Date(now + 4_000)) },
        { start: utcClock(new Date(now + 9_000)), end: utcClock(new Date(now + 3_600_000)) },
      ],
    };
    const handle = await env.start(testPlan(env.pair, { schedule, items: { accounts: [{ user: 'bob' }, { user: 'carol' }] } }));

    const held = await eventually('the schedule hold', async () => {
      const status = await queryStatus(handle);
      return status.holds.some((hold) => hold.source === 'schedule') ? status : undefined;
    }, 20_000);
    expect(held.holds[0]!.reason).toContain('outside the maintenance windows');

    const report = await result(handle);
    expect(report.outcome).toBe('succeeded');
    expect(report.pauses).toHaveLength(1);
    expect(report.pauses[0]!.sources).toEqual(['schedule']);
    expect(report.pauses[0]!.resumedAt).toBeDefined();
  });

  test('start outside every window waits', async () => {
    const now = Date.now();
    const schedule = { timeZone: 'UTC', windows: [{ start: utcClock(new Date(now + 5_000)), end: utcClock(new Date(now + 3_600_000)) }] };
    const handle = await env.start(testPlan(env.pair, { schedule }));

    const waiting = await eventually('the start to wait for the window', async () => {
      const status = await queryStatus(handle);
      return status.phase === 'waiting-to-start' ? status : undefined;
    });
    expect(waiting.holds.map((hold) => hold.source)).toEqual(['schedule']);

    const report = await result(handle);
    expect(report.outcome).toBe('succeeded');
    expect(Date.parse(report.transferStartedAt!)).toBeGreaterThanOrEqual(now + 5_000 - 1_000);
  });
});
