/**
 * The worker runs as its own process (`node dist/worker.js`, rebuilt from src when stale) and is
 * killed with SIGKILL twice: once while the migration is paused, once while WHM transfers. The
 * migration must keep its hold across the first kill. After the second kill it must finish with the
 * one WHM session it created.
 */
import { resumeSignal } from '../../src/messages';
import { createMigrationTestEnv, eventually, queryStatus, result, TEST_CREDENTIALS_ENV, testPlan, type MigrationTestEnv } from '../helpers/migration-env';
import { ensureWorkerBuilt, WorkerProcesses } from '../helpers/processes';
import { expectStillPaused, expectSucceededInOneSession, HOLD_SOURCE, pauseWhileTransferring, SLOW_DESTINATION, whmSessionState } from './paused-migration';

const MiB = 1024 * 1024;
const ACCOUNTS = ['bob', 'alice', 'carol'];

// The server notices a worker killed during an activity only when that activity misses its
// heartbeat timeout, which is one minute for the transfer monitor. The test waits that out once.
const TEST_TIMEOUT_MS = 300_000;

describe('worker restart', () => {
  let env: MigrationTestEnv | undefined;
  const workers = new WorkerProcesses();
  let passed = false;

  beforeAll(async () => {
    await ensureWorkerBuilt();
  }, 200_000);

  beforeEach(async () => {
    passed = false;
    env = await createMigrationTestEnv({ destination: SLOW_DESTINATION });
  });

  afterEach(async () => {
    await workers.killAll();
    if (!passed) process.stderr.write(`Output of the worker processes:\n${workers.output()}\n`);
    workers.clear();
    await env?.close();
  });

  test(
    'SIGKILL while paused and mid-transfer',
    async () => {
      const { pair, taskQueue, address } = env!;
      const workerEnv = { TEMPORAL_ADDRESS: address, WHM_MIGRATE_TASK_QUEUE: taskQueue, ...TEST_CREDENTIALS_ENV };
      const first = await workers.start('worker-1', workerEnv);
      const handle = await env!.start(testPlan(pair, { items: { accounts: ACCOUNTS.map((user) => ({ user })) } }));
      const sessionId = await pauseWhileTransferring(env!, handle, 'worker host upgrade');

      await first.kill();
      expect(first.exitSignal).toBe('SIGKILL');
      const second = await workers.start('worker-2', workerEnv);
      // The first worker is gone, so the second handles the query after replaying the history.
      await expectStillPaused(env!, handle, sessionId);

      // Slower rates after the resume keep WHM RUNNING for several seconds, so the next kill lands mid-transfer.
      pair.destination.control.setRates({ bytesPerSecond: 10 * MiB, restoreBytesPerSecond: 20 * MiB });
      await handle.signal(resumeSignal, { source: HOLD_SOURCE, reason: 'worker host upgraded' });
      await eventually(
        'the workflow to transfer again',
        async () => {
          const status = await queryStatus(handle);
          return status.phase === 'transferring' && status.whm.state === 'RUNNING' ? true : undefined;
        },
        40_000,
      );
      expect(whmSessionState(env!, sessionId)).toBe('RUNNING');

      await second.kill();
      expect(second.exitSignal).toBe('SIGKILL');
      await workers.start('worker-3', workerEnv);

      expectSucceededInOneSession(env!, await result(handle), sessionId, ACCOUNTS);
      passed = true;
    },
    TEST_TIMEOUT_MS,
  );
});
