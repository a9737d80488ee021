import { controlResultSchema, migrationReportSchema, migrationStatusSchema } from '../../src/contract';
import { pauseSignal, pauseUpdate, resumeSignal, type MigrationReport, type MigrationStatus } from '../../src/messages';
import { createMigrationTestEnv, eventually, queryStatus, result, testPlan, type MigrationTestEnv } from '../helpers/migration-env';

const MiB = 1024 * 1024;

// The schemas' objects drop keys they do not know, so a field that the workflow returns but the
// mirror lacks is missing after parsing, and the comparison with the original fails.
describe('contract result schemas', () => {
  let env: MigrationTestEnv;
  let status: MigrationStatus;
  let report: MigrationReport;
  let control: unknown;

  // One migration that fills most optional fields: a skipped conflict, a rejected signal, and a
  // pause that took effect and was released.
  beforeAll(async () => {
    env = await createMigrationTestEnv({
      destination: { bytesPerSecond: 40 * MiB, restoreBytesPerSecond: 80 * MiB, minItemStepMs: 50, localUsers: ['taken'] },
    });
    await env.startWorker();

    const plan = testPlan(env.pair, { onConflict: 'skip', items: { accounts: [{ user: 'bob' }, { user: 'alice', localuser: 'taken' }, { user: 'carol' }] } });
    const handle = await env.start(plan);
    await eventually('the transfer to run', async () => ((await queryStatus(handle)).phase === 'transferring' ? true : undefined));

    await handle.signal(pauseSignal, 'not an object');
    await handle.signal(pauseSignal, { reason: 'contract test', source: 'contract' });
    control = await handle.executeUpdate(pauseUpdate, { args: [{ source: 'contract' }] });
    await handle.signal(resumeSignal, { source: 'contract' });

    report = await result(handle);
    // A query on a closed workflow returns its last status.
    status = await queryStatus(handle);
  }, 120_000);

  afterAll(async () => {
    await env?.close();
  });

  test('status fills the checked fields', () => {
    expect(status.rejectedRequests).toHaveLength(1);
    expect(status.holdHistory.length).toBeGreaterThan(0);
    expect(status.pauses[0]?.pausedAt).toBeDefined();
    expect(status.conflicts).toHaveLength(1);
    expect(status.whm.sessionId).toBeDefined();
  });

  test('status matches its schema', () => {
    expect(migrationStatusSchema.parse(status)).toEqual(status);
  });

  test('report matches its schema', () => {
    expect(migrationReportSchema.parse(report)).toEqual(report);
  });

  test('control result matches its schema', () => {
    expect(controlResultSchema.parse(control)).toEqual(control);
  });
});
