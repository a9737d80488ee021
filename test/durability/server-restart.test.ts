/**
 * A Temporal dev server of this test's own, keeping its state in an SQLite file, is stopped and
 * started again while the migration is paused. The migration must come back paused, resume, and
 * finish with the one WHM session it created before the restart.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { resumeSignal } from '../../src/messages';
import { freePort, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { createMigrationTestEnv, eventually, result, testPlan, type MigrationTestEnv } from '../helpers/migration-env';
import { TEST_SEARCH_ATTRIBUTES } from '../helpers/search-attributes';
import { expectStillPaused, expectSucceededInOneSession, HOLD_SOURCE, pauseWhileTransferring, SLOW_DESTINATION } from './paused-migration';

const ACCOUNTS = ['bob', 'alice'];

describe('server restart', () => {
  let directory: string | undefined;
  let server: DevServer | undefined;
  let env: MigrationTestEnv | undefined;
  let connection: Connection | undefined;

  // Each step runs even when an earlier one throws, so no server or worker outlives the test.
  afterEach(async () => {
    try {
      await env?.close();
    } finally {
      try {
        await connection?.close();
      } finally {
        await server?.stop();
        if (directory) await rm(directory, { recursive: true, force: true });
      }
    }
  });

  test(
    'paused migration survives a restart',
    async () => {
      directory = await mkdtemp(join(tmpdir(), 'whm-migrate-server-restart-'));
      const dbFilename = join(directory, 'temporal.sqlite');
      const port = await freePort();
      // Search attributes are registered when the SQLite file is created, so the restarted server has them too.
      server = await startDevServer({ dbFilename, port, searchAttributes: TEST_SEARCH_ATTRIBUTES });
      env = await createMigrationTestEnv({ address: server.address, destination: SLOW_DESTINATION });
      const firstWorker = await env.startWorker();
      const started = await env.start(testPlan(env.pair, { items: { accounts: ACCOUNTS.map((user) => ({ user })) } }));
      const sessionId = await pauseWhileTransferring(env, started, 'Temporal server upgrade');

      // Shut down without closing the worker's connection: env.close() closes it, and closing twice throws.
      firstWorker.worker.shutdown();
      await eventually('the worker to stop', () => firstWorker.worker.getState() === 'STOPPED' || undefined);
      await server.stop();
      server = await startDevServer({ dbFilename, port });
      // The environment's client connected to the stopped server; a new connection reaches the restarted one.
      connection = await Connection.connect({ address: server.address });
      const handle = new Client({ connection }).workflow.getHandle(started.workflowId);
      await env.startWorker();
      await expectStillPaused(env, handle, sessionId);

      await handle.signal(resumeSignal, { source: HOLD_SOURCE, reason: 'Temporal server upgraded' });
      expectSucceededInOneSession(env, await result(handle), sessionId, ACCOUNTS);
    },
    180_000,
  );
});
