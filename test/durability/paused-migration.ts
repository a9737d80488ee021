/** Steps the durability tests share: pause a running migration, then check that it is still paused. */
import type { WorkflowHandle } from '@temporalio/client';
import { type MigrationReport, pauseSignal } from '../../src/messages';
import type { SimulatorPairOptions } from '../../src/simulator';
import { eventually, queryStatus, type MigrationTestEnv } from '../helpers/migration-env';

const MiB = 1024 * 1024;

/** bob (210 MiB) transfers for about 7 s at 30 MiB/s, long enough to pause while he is in flight. */
export const SLOW_DESTINATION: SimulatorPairOptions['destination'] = {
  bytesPerSecond: 30 * MiB,
  restoreBytesPerSecond: 60 * MiB,
  minItemStepMs: 50,
  createDelayMs: 100,
};

/** Source of the hold the durability tests place. */
export const HOLD_SOURCE = 'maintenance';

export function whmSessionState(env: MigrationTestEnv, sessionId: string): string | undefined {
  return env.pair.destination.control.sessions().sessions.find((session) => session.id === sessionId)?.state;
}

/**
 * Waits for the transfer to run, pauses it and waits until both WHM and the workflow report PAUSED.
 * Returns the WHM transfer session id.
 */
export async function pauseWhileTransferring(env: MigrationTestEnv, handle: WorkflowHandle, reason: string): Promise<string> {
  const running = await eventually('the transfer to run', async () => {
    const status = await queryStatus(handle);
    return status.phase === 'transferring' && status.whm.sessionId ? status : undefined;
  });
  const sessionId = running.whm.sessionId!;

  await handle.signal(pauseSignal, { source: HOLD_SOURCE, reason });
  await eventually('WHM to report PAUSED', () => whmSessionState(env, sessionId) === 'PAUSED' || undefined, 40_000);
  await eventually('the workflow to see PAUSED', async () => ((await queryStatus(handle)).phase === 'paused' ? true : undefined));
  return sessionId;
}

/**
 * Checks through the status query that the migration kept its hold, then that WHM is still PAUSED
 * a few seconds later, so no worker resumed the session on its own.
 */
export async function expectStillPaused(env: MigrationTestEnv, handle: WorkflowHandle, sessionId: string): Promise<void> {
  const status = await eventually('the status query to be answered', () => queryStatus(handle), 40_000);
  expect(status.phase).toBe('paused');
  expect(status.paused).toBe(true);
  expect(status.holds.map((hold) => hold.source)).toEqual([HOLD_SOURCE]);
  expect(status.whm.sessionId).toBe(sessionId);

  await new Promise((resolveWait) => setTimeout(resolveWait, 3_000));
  expect(whmSessionState(env, sessionId)).toBe('PAUSED');
}

/**
 * Checks that the migration succeeded for every account in `accounts`, after exactly one pause, in
 * the transfer session `sessionId`, and that the destination created no other session.
 */
export function expectSucceededInOneSession(env: MigrationTestEnv, report: MigrationReport, sessionId: string, accounts: string[]): void {
  expect(report.outcome).toBe('succeeded');
  expect(report.finalState).toBe('COMPLETED');
  expect(report.items.map((item) => [item.name, item.status])).toEqual(accounts.map((account) => [account, 'succeeded']));
  expect(report.pauses).toHaveLength(1);
  expect(report.pauses[0]!.resumedAt).toBeDefined();
  expect(report.sessionId).toBe(sessionId);
  expect(env.pair.destination.control.sessions().createCount).toBe(1);
}
