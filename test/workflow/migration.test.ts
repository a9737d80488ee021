import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import type { MigrationPlan } from '../../src/plan';
import { abortSignal, pauseSignal, pauseUpdate, resumeSignal, resumeUpdate } from '../../src/messages';
import {
  createMigrationTestEnv,
  eventually,
  queryStatus,
  result,
  testPlan,
  type MigrationTestEnv,
} from '../helpers/migration-env';

const MiB = 1024 * 1024;

describe('migration workflow', () => {
  let env: MigrationTestEnv;

  // A fresh pair of simulated servers per test: a migrated account exists on the destination
  // afterwards, so a second test migrating it would meet a real conflict.
  beforeEach(async () => {
    env = await createMigrationTestEnv({
      destination: { bytesPerSecond: 200 * MiB, restoreBytesPerSecond: 400 * MiB, minItemStepMs: 50, createDelayMs: 100, localUsers: ['taken'] },
    });
    await env.startWorker();
  });

  afterEach(async () => {
    await env?.close();
  });

  function sessionState(sessionId: string): string | undefined {
    return env.pair.destination.control.sessions().sessions.find((session) => session.id === sessionId)?.state;
  }

  test('happy path reports every item', async () => {
    const createdBefore = env.pair.destination.control.sessions().createCount;
    const handle = await env.start(testPlan(env.pair));
    const report = await result(handle);

    expect(report.outcome).toBe('succeeded');
    expect(report.finalState).toBe('COMPLETED');
    expect(report.counts.succeeded).toBe(3);
    expect(report.counts.failed).toBe(0);
    expect(report.items.map((item) => [item.kind, item.name, item.status])).toEqual([
      ['package', 'starter', 'succeeded'],
      ['account', 'alice', 'succeeded'],
      ['account', 'carol', 'succeeded'],
    ]);
    const alice = report.items.find((item) => item.name === 'alice')!;
    expect(alice.sizeBytes).toBe(48 * MiB);
    expect(alice.startedAt).toBeDefined();
    expect(alice.finishedAt).toBeDefined();
    expect(report.bytes.done).toBe(report.bytes.total);
    expect(env.pair.destination.control.sessions().createCount).toBe(createdBefore + 1);
    expect(sessionState(report.sessionId!)).toBe('COMPLETED');
  });

  test('pause waits for PAUSED, resume completes', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: 40 * MiB, restoreBytesPerSecond: 80 * MiB });
    const handle = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'bob' }, { user: 'alice' }, { user: 'carol' }] } }));
    const running = await eventually('the transfer to run', async () => {
      const status = await queryStatus(handle);
      return status.phase === 'transferring' && status.whm.sessionId ? status : undefined;
    });
    const sessionId = running.whm.sessionId!;

    await handle.signal(pauseSignal, { reason: 'load 14.2 above 8', source: 'health-check' });
    // bob (210 MiB) is in flight, so WHM stays PAUSING until it finishes its step.
    await eventually('WHM to report PAUSING', () => sessionState(sessionId) === 'PAUSING' || undefined, 20_000);
    const pausing = await queryStatus(handle);
    expect(pausing.paused).toBe(true);
    expect(pausing.holds).toEqual([expect.objectContaining({ source: 'health-check', reason: 'load 14.2 above 8' })]);

    await eventually('WHM to report PAUSED', () => sessionState(sessionId) === 'PAUSED' || undefined, 30_000);
    const paused = await eventually('the workflow to see PAUSED', async () => {
      const status = await queryStatus(handle);
      return status.phase === 'paused' ? status : undefined;
    });
    expect(paused.whm.state).toBe('PAUSED');
    expect(paused.pauses[0]!.pausedAt).toBeDefined();

    const query = `WhmMigratePaused = true AND WhmMigrateServers = '127.0.0.1' AND WhmMigrateHoldSources = 'health-check' AND WorkflowId = '${handle.workflowId}'`;
    const found = await eventually('visibility to list the paused migration', async () => {
      const ids: string[] = [];
      for await (const execution of env.client.workflow.list({ query })) ids.push(execution.workflowId);
      return ids.length > 0 ? ids : undefined;
    });
    expect(found).toEqual([handle.workflowId]);

    await handle.signal(resumeSignal, { source: 'health-check', reason: 'load back to 3.1' });
    const report = await result(handle);
    expect(report.outcome).toBe('succeeded');
    expect(report.counts.succeeded).toBe(3);
    expect(report.pauses).toHaveLength(1);
    expect(report.pauses[0]!.sources).toEqual(['health-check']);
    expect(report.pauses[0]!.resumedAt).toBeDefined();
  });

  test('pause before the start holds the start', async () => {
    env.pair.destination.control.injectFault({ function: 'create_remote_root_transfer_session', kind: 'delay', delayMs: 1500 });
    const handle = await env.start(testPlan(env.pair));
    await handle.signal(pauseSignal, {});

    const waiting = await eventually('the start to be held', async () => {
      const status = await queryStatus(handle);
      return status.phase === 'waiting-to-start' ? status : undefined;
    });
    expect(waiting.holds.map((hold) => hold.source)).toEqual(['operator']);
    expect(sessionState(waiting.whm.sessionId!)).toBe('PENDING');

    await handle.signal(resumeSignal);
    const report = await result(handle);
    expect(report.outcome).toBe('succeeded');
  });

  test('failed account in a COMPLETED session', async () => {
    env.pair.destination.control.failItem('carol', 'Disk quota exceeded while restoring', 1);
    const report = await result(await env.start(testPlan(env.pair)));

    expect(report.finalState).toBe('COMPLETED');
    expect(report.outcome).toBe('completed-with-failures');
    const carol = report.items.find((item) => item.name === 'carol')!;
    expect(carol.status).toBe('failed');
    expect(carol.reason).toContain('Disk quota exceeded');
    expect(report.items.find((item) => item.name === 'alice')!.status).toBe('succeeded');
  });

  test('conflict stops before the start', async () => {
    const plan = testPlan(env.pair, { items: { accounts: [{ user: 'alice', localuser: 'taken' }] } });
    const report = await result(await env.start(plan));

    expect(report.outcome).toBe('stopped-on-conflicts');
    expect(report.conflicts).toHaveLength(1);
    expect(report.conflicts[0]!.item).toBe('alice');
    expect(report.conflicts[0]!.problem).toContain('"taken" already exists');
    expect(sessionState(report.sessionId!)).toBe('FAILED');
  });

  test('conflict skipped on request', async () => {
    const plan = testPlan(env.pair, { onConflict: 'skip', items: { accounts: [{ user: 'alice', localuser: 'taken' }, { user: 'carol' }] } });
    const report = await result(await env.start(plan));

    expect(report.outcome).toBe('succeeded');
    expect(report.items.find((item) => item.name === 'alice')!.status).toBe('skipped');
    expect(report.items.find((item) => item.name === 'carol')!.status).toBe('succeeded');
  });

  test('malformed signal payloads are rejected harmlessly', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: 40 * MiB });
    const handle = await env.start(testPlan(env.pair));
    await handle.signal(pauseSignal, 'please pause');
    await handle.signal(pauseSignal, 42);
    await handle.signal(pauseSignal, { reason: 5 });
    await handle.signal(resumeSignal, { all: 'yes' });
    await handle.signal(pauseSignal, { reason: 'ok', unexpected: true });

    const status = await eventually('rejections to be recorded', async () => {
      const current = await queryStatus(handle);
      return current.rejectedRequests.length === 5 ? current : undefined;
    });
    expect(status.paused).toBe(false);
    expect(status.rejectedRequests.map((request) => request.signal)).toEqual(['pause', 'pause', 'pause', 'resume', 'pause']);
    expect(status.rejectedRequests[0]!.error).toContain('"please pause"');
    expect(status.rejectedRequests[4]!.error).toContain('unexpected');

    const report = await result(handle);
    expect(report.outcome).toBe('succeeded');
  });

  test('abort ends the session ABORTED', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: 20 * MiB });
    const handle = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'bob' }, { user: 'carol' }] } }));
    await eventually('the transfer to run', async () => ((await queryStatus(handle)).phase === 'transferring' ? true : undefined));

    await handle.signal(abortSignal, { reason: 'wrong destination' });
    const report = await result(handle);
    expect(report.outcome).toBe('aborted');
    expect(report.finalState).toBe('ABORTED');
    expect(report.abortRequested?.reason).toBe('wrong destination');
    expect(report.abortRequested?.source).toBe('operator');
    expect(report.items.some((item) => item.status === 'not-run' || item.status === 'failed')).toBe(true);
  });

  test('continue-as-new keeps the place', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: 60 * MiB });
    const handle = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'bob' }, { user: 'alice' }] } }), { continueAsNewAfterEvents: 20 });
    await eventually('the transfer to run', async () => ((await queryStatus(handle)).phase === 'transferring' ? true : undefined));
    await handle.signal(pauseSignal, { reason: 'before continue-as-new' });
    await eventually('WHM to report PAUSED', async () => ((await queryStatus(handle)).phase === 'paused' ? true : undefined), 30_000);
    await handle.signal(resumeSignal);

    const report = await result(handle);
    const description = await handle.describe();
    expect(description.runId).not.toBe(handle.firstExecutionRunId);
    expect(report.outcome).toBe('succeeded');
    expect(report.pauses).toHaveLength(1);
    expect(report.counts.succeeded).toBe(2);
    expect(env.pair.destination.control.sessions().createCount).toBe(1);
  });

  test('session creation retried after a dropped connection', async () => {
    env.pair.destination.control.injectFault({ function: 'create_remote_root_transfer_session', kind: 'drop', times: 1 });
    const report = await result(await env.start(testPlan(env.pair)));

    expect(report.outcome).toBe('succeeded');
    expect(report.sessionCreationAttempts).toBe(2);
    expect(env.pair.destination.control.sessions().createCount).toBe(1);
  });

  test('updates confirm pause and resume', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: 40 * MiB });
    const handle = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'bob' }, { user: 'carol' }] } }));
    await eventually('the transfer to run', async () => ((await queryStatus(handle)).phase === 'transferring' ? true : undefined));

    const paused = await handle.executeUpdate(pauseUpdate, { args: [{ reason: 'maintenance', source: 'billing-service' }] });
    expect(paused.whmState).toBe('PAUSED');
    expect(paused.holds.map((hold) => hold.source)).toEqual(['billing-service']);

    const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ source: 'billing-service' }] });
    expect(resumed.paused).toBe(false);
    expect(['RUNNING', 'COMPLETED']).toContain(resumed.whmState);
    expect((await result(handle)).outcome).toBe('succeeded');
  });

  test('update validator rejects bad input', async () => {
    env.pair.destination.control.setRates({ bytesPerSecond: 40 * MiB });
    const handle = await env.start(testPlan(env.pair));
    await expect(handle.executeUpdate(pauseUpdate, { args: ['pause now'] })).rejects.toThrow(WorkflowUpdateFailedError);

    const status = await queryStatus(handle);
    expect(status.paused).toBe(false);
    expect(status.rejectedRequests).toHaveLength(0);
    expect((await result(handle)).outcome).toBe('succeeded');
  });

  test('memo carries the plan summary', async () => {
    const handle = await env.start(testPlan(env.pair));
    await result(handle);
    const description = await handle.describe();
    const summary = (description.memo as { plan: { accounts: number; packages: number } }).plan;
    expect(summary.accounts).toBe(2);
    expect(summary.packages).toBe(1);
  });

  test('wrong source password fails clearly', async () => {
    const plan = testPlan(env.pair, { source: { host: env.pair.source.hostname, password: { env: 'TEST_DEST_TOKEN' } } });
    const handle = await env.start(plan);
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause;
    expect(cause?.message).toContain('failed in phase creating-session');
    expect(cause?.message).toContain('WhmFunctionError');
    expect(cause?.message).not.toContain('sim-token');
  });

  test('plan as users write it gets its defaults', async () => {
    const written = {
      version: 1,
      name: 'written-by-another-service',
      destination: { host: '127.0.0.1', port: env.pair.destination.port, scheme: 'http', token: { env: 'TEST_DEST_TOKEN' } },
      source: { host: env.pair.source.hostname, password: { env: 'TEST_SOURCE_PASSWORD' } },
      items: { packages: ['starter'], accounts: [{ user: 'carol' }] },
    };
    const report = await result(await env.start(written as unknown as MigrationPlan));

    expect(report.outcome).toBe('succeeded');
    expect(report.items.map((item) => item.name)).toEqual(['starter', 'carol']);
  });

  test('invalid plan fails without retries', async () => {
    const handle = await env.start({ version: 2, name: 'Bad Name' } as unknown as MigrationPlan);
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidPlan');
    expect(cause.message).toContain('version');
    expect(cause.message).toContain('name');
  });
});
