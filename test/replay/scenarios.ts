/**
 * Migrations whose histories are kept as replay fixtures. Each scenario runs one migration against
 * a fresh simulator pair to its end; record-histories.test.ts saves the history it leaves.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { abortSignal, pauseSignal, resumeSignal } from '../../src/messages';
import { eventually, queryStatus, result, testPlan, type MigrationTestEnv } from '../helpers/migration-env';

const MiB = 1024 * 1024;

/** Destination rates for the scenarios; those that need a slow item lower them with setRates. */
export const SCENARIO_DESTINATION = { bytesPerSecond: 200 * MiB, restoreBytesPerSecond: 400 * MiB, minItemStepMs: 50, createDelayMs: 100, localUsers: ['taken'] };

type Scenario = (env: MigrationTestEnv) => Promise<WorkflowHandle>;

async function untilPhase(handle: WorkflowHandle, phase: string, timeoutMs?: number): Promise<void> {
  await eventually(`phase ${phase}`, async () => ((await queryStatus(handle)).phase === phase ? true : undefined), timeoutMs);
}

function whmState(env: MigrationTestEnv, sessionId: string): string | undefined {
  return env.pair.destination.control.sessions().sessions.find((session) => session.id === sessionId)?.state;
}

export const SCENARIOS = {
  'happy-path': async (env) => {
    const handle = await env.start(testPlan(env.pair));
    await result(handle);
    return handle;
  },

  'pause-resume': async (env) => {
    env.pair.destination.control.setRates({ bytesPerSecond: 40 * MiB, restoreBytesPerSecond: 80 * MiB });
    const handle = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'bob' }, { user: 'alice' }, { user: 'carol' }] } }));
    await untilPhase(handle, 'transferring');
    const { whm } = await queryStatus(handle);
    await handle.signal(pauseSignal, { reason: 'load 14.2 above 8', source: 'health-check' });
    await eventually('WHM to report PAUSED', () => whmState(env, whm.sessionId!) === 'PAUSED' || undefined, 30_000);
    await untilPhase(handle, 'paused');
    await handle.signal(resumeSignal, { source: 'health-check', reason: 'load back to 3.1' });
    await result(handle);
    return handle;
  },

  'pause-before-start': async (env) => {
    env.pair.destination.control.injectFault({ function: 'create_remote_root_transfer_session', kind: 'delay', delayMs: 1500 });
    const handle = await env.start(testPlan(env.pair));
    await handle.signal(pauseSignal, {});
    await untilPhase(handle, 'waiting-to-start');
    await handle.signal(resumeSignal);
    await result(handle);
    return handle;
  },

  'failed-item': async (env) => {
    env.pair.destination.control.failItem('carol', 'Disk quota exceeded while restoring', 1);
    const handle = await env.start(testPlan(env.pair));
    await result(handle);
    return handle;
  },

  'conflict-stop': async (env) => {
    const handle = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'alice', localuser: 'taken' }] } }));
    await result(handle);
    return handle;
  },

  'malformed-signals': async (env) => {
    env.pair.destination.control.setRates({ bytesPerSecond: 40 * MiB });
    const handle = await env.start(testPlan(env.pair));
    for (const payload of ['please pause', 42, { reason: 5 }, { reason: 'ok', unexpected: true }]) await handle.signal(pauseSignal, payload);
    await handle.signal(resumeSignal, { all: 'yes' });
    await eventually('rejections to be recorded', async () => ((await queryStatus(handle)).rejectedRequests.length === 5 ? true : undefined));
    await result(handle);
    return handle;
  },

  abort: async (env) => {
    env.pair.destination.control.setRates({ bytesPerSecond: 20 * MiB });
    const handle = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'bob' }, { user: 'carol' }] } }));
    await untilPhase(handle, 'transferring');
    await handle.signal(abortSignal, { reason: 'wrong destination' });
    await result(handle);
    return handle;
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
