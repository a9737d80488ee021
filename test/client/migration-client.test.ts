import {
  InvalidRequestError,
  MigrationClient,
  MigrationClosedError,
  MigrationFailedError,
  MigrationNotFoundError,
  MigrationStatusUnavailableError,
  TemporalNamespaceNotFoundError,
  TemporalUnavailableError,
} from '../../src/client';
import type { MigrationPhase } from '../../src/messages';
import { migrationWorkflowId } from '../../src/plan';
import { freePort } from '../../src/temporal/dev-server';
import { failSignal, finishSignal, receivedSignalsQuery } from '../fixtures/stand-in-migration-workflow';
import { sharedTemporalAddress, uniqueId } from '../helpers/temporal';
import { startStandInWorker, uniquePlan, type StandInWorker } from './stand-in';

let worker: StandInWorker;
let client: MigrationClient;

beforeAll(async () => {
  worker = await startStandInWorker();
  client = await MigrationClient.connect({ address: worker.address, taskQueue: worker.taskQueue, env: {} });
});

afterAll(async () => {
  await client?.close();
  await worker?.stop();
});

/** Polls `read` until `done` holds, at most 40 times 250 ms apart; visibility lags behind starts. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 40 && !done(value); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

async function finish(workflowId: string, outcome: 'succeeded' | 'completed-with-failures' = 'succeeded'): Promise<void> {
  await client.temporal.workflow.getHandle(workflowId).signal(finishSignal, outcome);
  await client.waitForReport(workflowId);
}

describe('MigrationClient.start', () => {
  test('returns the workflow id of the plan', async () => {
    const plan = uniquePlan();
    const started = await client.start(plan);
    await finish(started.workflowId);

    expect(started.workflowId).toBe(migrationWorkflowId(plan));
    expect(started.started).toBe(true);
  });

  test('second start returns the running migration', async () => {
    const plan = uniquePlan();
    const first = await client.start(plan);
    const second = await client.start(plan);
    await finish(first.workflowId);

    expect(second.started).toBe(false);
    expect(second.runId).toBe(first.runId);
  });

  test('start after the run closed starts a new run', async () => {
    const plan = uniquePlan();
    const first = await client.start(plan);
    await finish(first.workflowId);

    const again = await client.start(plan);
    await finish(again.workflowId);

    expect(again.started).toBe(true);
    expect(again.runId).not.toBe(first.runId);
  });

  test('memo holds the plan summary', async () => {
    const plan = uniquePlan();
    const started = await client.start(plan);
    const description = await client.temporal.workflow.getHandle(started.workflowId).describe();
    await finish(started.workflowId);

    expect(description.memo?.plan).toEqual(expect.objectContaining({ accounts: 2, destination: 'https://dest.example.com:2087' }));
  });
});

describe('MigrationClient signals', () => {
  test('pause, resume and abort deliver their payloads', async () => {
    const { workflowId } = await client.start(uniquePlan());
    await client.pause(workflowId, { reason: 'disk almost full', source: 'health-check' });
    await client.resume(workflowId, { source: 'health-check', reason: 'disk cleaned' });
    await client.resume(workflowId, { all: true });
    await client.abort(workflowId, { reason: 'wrong destination' });
    await client.waitForReport(workflowId);

    const received = await client.temporal.workflow.getHandle(workflowId).query(receivedSignalsQuery);
    expect(received).toEqual([
      { signal: 'pause', payload: { reason: 'disk almost full', source: 'health-check' } },
      { signal: 'resume', payload: { source: 'health-check', reason: 'disk cleaned' } },
      { signal: 'resume', payload: { all: true } },
      { signal: 'abort', payload: { reason: 'wrong destination' } },
    ]);
  });

  test('pause without options sends an empty payload', async () => {
    const { workflowId } = await client.start(uniquePlan());
    await client.pause(workflowId);
    const status = await client.status(workflowId);
    await finish(workflowId);

    const received = await client.temporal.workflow.getHandle(workflowId).query(receivedSignalsQuery);
    expect(received).toEqual([{ signal: 'pause', payload: {} }]);
    expect(status.status?.holds.map((hold) => hold.source)).toEqual(['operator']);
  });

  test('invalid source is rejected before sending', async () => {
    const { workflowId } = await client.start(uniquePlan());
    const attempt = client.pause(workflowId, { source: 'has spaces' });
    await expect(attempt).rejects.toThrow(InvalidRequestError);
    await expect(attempt).rejects.toThrow(/source/);
    await finish(workflowId);

    const received = await client.temporal.workflow.getHandle(workflowId).query(receivedSignalsQuery);
    expect(received).toEqual([]);
  });

  test('signal to an ended migration is MigrationClosedError', async () => {
    const { workflowId } = await client.start(uniquePlan());
    await finish(workflowId);

    const attempt = client.pause(workflowId, { reason: 'too late' });
    await expect(attempt).rejects.toThrow(MigrationClosedError);
    await expect(attempt).rejects.toThrow(/COMPLETED/);
  });
});

describe('MigrationClient.status', () => {
  test('running migration returns the status query', async () => {
    const { workflowId, runId } = await client.start(uniquePlan());
    await client.pause(workflowId, { source: 'maintenance-window', reason: 'backup window' });
    const result = await client.status(workflowId);
    await finish(workflowId);

    expect(result.executionStatus).toBe('RUNNING');
    expect(result.runId).toBe(runId);
    expect(result.status?.phase).toBe('paused');
    expect(result.status?.holds).toEqual([expect.objectContaining({ source: 'maintenance-window', reason: 'backup window' })]);
    expect(result.report).toBeUndefined();
  });

  test('completed migration returns the report', async () => {
    const { workflowId } = await client.start(uniquePlan());
    await finish(workflowId, 'completed-with-failures');
    const result = await client.status(workflowId);

    expect(result.executionStatus).toBe('COMPLETED');
    expect(result.report?.outcome).toBe('completed-with-failures');
    expect(result.status).toBeUndefined();
    expect(result.closeTime).toBeInstanceOf(Date);
  });

  test('failed migration returns the failure', async () => {
    const { workflowId } = await client.start(uniquePlan());
    await client.temporal.workflow.getHandle(workflowId).signal(failSignal, 'the stand-in gave up');
    await expect(client.waitForReport(workflowId)).rejects.toThrow(MigrationFailedError);
    const result = await client.status(workflowId);

    expect(result.executionStatus).toBe('FAILED');
    expect(result.failure).toBe('the stand-in gave up');
    expect(result.report).toBeUndefined();
  });

  test('running migration without a worker is MigrationStatusUnavailableError', async () => {
    const idle = await MigrationClient.connect({ address: worker.address, taskQueue: uniqueId('no-worker'), queryTimeoutMs: 1000, env: {} });
    try {
      const { workflowId } = await idle.start(uniquePlan());
      const attempt = idle.status(workflowId);
      await expect(attempt).rejects.toThrow(MigrationStatusUnavailableError);
      await expect(attempt).rejects.toThrow(/whm-migrate worker/);
      await idle.temporal.workflow.getHandle(workflowId).terminate('test cleanup');
    } finally {
      await idle.close();
    }
  });
});

describe('MigrationClient.waitForReport', () => {
  test('returns the report', async () => {
    const { workflowId } = await client.start(uniquePlan());
    await client.abort(workflowId, { reason: 'stop' });
    const report = await client.waitForReport(workflowId);

    expect(report.outcome).toBe('aborted');
    expect(report.migration).toBe(workflowId);
  });

  test('failed workflow is MigrationFailedError', async () => {
    const { workflowId } = await client.start(uniquePlan());
    await client.temporal.workflow.getHandle(workflowId).signal(failSignal, 'boom');
    const attempt = client.waitForReport(workflowId);

    await expect(attempt).rejects.toThrow(MigrationFailedError);
    await expect(attempt).rejects.toThrow(/FAILED\): boom/);
  });
});

describe('MigrationClient.list', () => {
  test('lists a running migration', async () => {
    const { workflowId } = await client.start(uniquePlan());
    const entries = await eventually(() => client.list(), (list) => list.some((entry) => entry.workflowId === workflowId));
    await finish(workflowId);

    const entry = entries.find((candidate) => candidate.workflowId === workflowId);
    expect(entry?.executionStatus).toBe('RUNNING');
    expect(entry?.startTime).toBeInstanceOf(Date);
  });

  test('ended migration only with running false', async () => {
    const { workflowId } = await client.start(uniquePlan());
    await finish(workflowId);

    const all = await eventually(
      () => client.list({ running: false, limit: 1000 }),
      (list) => list.some((entry) => entry.workflowId === workflowId && entry.executionStatus === 'COMPLETED'),
    );
    const running = await client.list({ limit: 1000 });

    expect(all.find((entry) => entry.workflowId === workflowId)?.executionStatus).toBe('COMPLETED');
    expect(running.map((entry) => entry.workflowId)).not.toContain(workflowId);
  });

  test('entries carry the indexed phase', async () => {
    const { workflowId } = await client.start(uniquePlan());
    const entries = await eventually(
      () => client.list({ limit: 1000 }),
      (list) => list.some((entry) => entry.workflowId === workflowId && entry.phase === 'transferring'),
    );
    await finish(workflowId);

    expect(entries.find((entry) => entry.workflowId === workflowId)?.phase).toBe('transferring');
  });

  test('phase filter uses the search attribute', async () => {
    const paused = await client.start(uniquePlan());
    const transferring = await client.start(uniquePlan());
    await client.pause(paused.workflowId, { reason: 'hold for the phase filter' });

    const pausedList = await eventually(
      () => client.list({ phase: 'paused', limit: 1000 }),
      (list) => list.some((entry) => entry.workflowId === paused.workflowId),
    );
    await finish(paused.workflowId);
    await finish(transferring.workflowId);

    const ids = pausedList.map((entry) => entry.workflowId);
    expect(ids).toContain(paused.workflowId);
    expect(ids).not.toContain(transferring.workflowId);
    expect(pausedList.find((entry) => entry.workflowId === paused.workflowId)?.phase).toBe('paused');
  });

  test('unknown phase is InvalidRequestError', async () => {
    const attempt = client.list({ phase: "paused' OR 'x' = 'x" as MigrationPhase });

    await expect(attempt).rejects.toThrow(InvalidRequestError);
    await expect(attempt).rejects.toThrow(/phase: must be one of creating-session/);
  });
});

describe('MigrationClient errors', () => {
  const unknownId = 'whm-migrate/dest.example.com/never-started';

  test('status of an unknown id is MigrationNotFoundError', async () => {
    const attempt = client.status(unknownId);
    await expect(attempt).rejects.toThrow(MigrationNotFoundError);
    await expect(attempt).rejects.toThrow(/never-started.*whm-migrate list/);
  });

  test('pause of an unknown id is MigrationNotFoundError', async () => {
    await expect(client.pause(unknownId)).rejects.toThrow(MigrationNotFoundError);
  });

  test('waitForReport of an unknown id is MigrationNotFoundError', async () => {
    await expect(client.waitForReport(unknownId)).rejects.toThrow(MigrationNotFoundError);
  });

  test('unreachable address is TemporalUnavailableError', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const attempt = MigrationClient.connect({ address, connectTimeoutMs: 1000, env: {} });

    await expect(attempt).rejects.toThrow(TemporalUnavailableError);
    await expect(attempt).rejects.toThrow(address);
    await expect(attempt).rejects.toThrow(/TEMPORAL_ADDRESS/);
  });

  test('unknown namespace is TemporalNamespaceNotFoundError', async () => {
    const attempt = MigrationClient.connect({ address: sharedTemporalAddress(), namespace: 'no-such-namespace', env: {} });

    await expect(attempt).rejects.toThrow(TemporalNamespaceNotFoundError);
    await expect(attempt).rejects.toThrow(/no-such-namespace/);
  });
});
