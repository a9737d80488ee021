/**
 * The production topology on this machine: the Temporal server v1.29.1 on PostgreSQL, two worker
 * processes (`node dist/worker.js`) on one task queue, simulated WHM servers. One worker is killed
 * with SIGKILL mid-transfer, the migration is paused, the Temporal server is killed with SIGKILL and
 * started again, and the migration must come back paused, resume and finish with one WHM session,
 * its history in PostgreSQL throughout.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { MIGRATION_WORKFLOW_TYPE, pauseSignal, resumeSignal, type MigrationWorkflowInput } from '../../src/messages';
import { resolveTemporalServerBinaries } from '../../src/production/server-binaries';
import { startPostgresTemporal, type PostgresTemporal } from '../../src/production/temporal-server';
import { writeWorkflowBundle } from '../../src/production/bundle-workflows';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../src/search-attributes';
import { startSimulatorPair, type SimulatorPair } from '../../src/simulator';
import { runCommand } from '../../src/production/child-process';
import { eventually, queryStatus, result, TEST_CREDENTIALS_ENV, testPlan } from '../helpers/migration-env';
import { ensureWorkerBuilt, WorkerProcesses } from '../helpers/processes';
import { uniqueId } from '../helpers/temporal';

const MiB = 1024 * 1024;
/** Lines of server and PostgreSQL output kept for the failure report. */
const KEPT_SERVER_LINES = 300;

describe('PostgreSQL-backed Temporal', () => {
  let directory: string;
  let bundlePath: string;
  let cluster: PostgresTemporal | undefined;
  const serverLines: string[] = [];
  const workers = new WorkerProcesses();
  let pair: SimulatorPair | undefined;
  let connection: Connection | undefined;
  let passed = false;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'whm-migrate-pg-test-'));
    await ensureWorkerBuilt();
    // CI builds the server before the tests; on a fresh machine this builds it (a few minutes).
    const binaries = await resolveTemporalServerBinaries({ progress: (line) => process.stderr.write(`[temporal-server build] ${line}\n`) });
    bundlePath = join(directory, 'workflow-bundle.js');
    await writeWorkflowBundle(bundlePath);
    cluster = await startPostgresTemporal({
      binaries,
      onLog: (line) => {
        serverLines.push(line);
        if (serverLines.length > KEPT_SERVER_LINES) serverLines.shift();
      },
    });
  }, 900_000);

  beforeEach(() => {
    passed = false;
  });

  afterEach(async () => {
    await workers.killAll();
    if (!passed) {
      process.stderr.write(`Output of the worker processes:\n${workers.output()}\n`);
      process.stderr.write(`Last lines of the Temporal server and PostgreSQL:\n${serverLines.join('\n')}\n`);
    }
    workers.clear();
    await connection?.close();
    connection = undefined;
    await pair?.close();
    pair = undefined;
  });

  afterAll(async () => {
    await cluster?.stop();
    await rm(directory, { recursive: true, force: true });
  });

  /** Quotes `text` as a SQL string literal; ids here are letters, digits and dashes, but any text stays correct. */
  function literal(text: string): string {
    return `'${text.replace(/'/g, "''")}'`;
  }

  /**
   * Returns `status|phase found` of the workflow's visibility row: status 1 is Running, 2 Completed.
   * Custom search attributes sit in the `search_attributes` JSON under per-namespace column names
   * (Keyword01, ...), so the phase is looked up among the values.
   */
  async function visibilityRow(workflowId: string, phase: string): Promise<string> {
    const path = `$.* ? (@ == ${JSON.stringify(phase)})`;
    const rows = await cluster!.postgres.query(
      `SELECT status, jsonb_path_exists(search_attributes, ${literal(path)}) FROM executions_visibility WHERE workflow_id = ${literal(workflowId)}`,
      'temporal_visibility',
    );
    return rows.trim();
  }

  test(
    'migration survives worker and server SIGKILL',
    async () => {
      pair = await startSimulatorPair({
        // bob (210 MiB) transfers for about 105 s at 2 MiB/s, a step whose length is fixed when it
        // starts: long enough for the killed worker's monitor activity to time out (one minute) and
        // for the pause to arrive while he is still in flight.
        destination: { bytesPerSecond: 2 * MiB, restoreBytesPerSecond: 60 * MiB, minItemStepMs: 50, createDelayMs: 100 },
      });
      const sessions = () => pair!.destination.control.sessions();
      const sessionState = (sessionId: string) => sessions().sessions.find((session) => session.id === sessionId)?.state;
      const taskQueue = uniqueId('pg-migrations');
      const workerEnv = {
        TEMPORAL_ADDRESS: cluster!.address,
        WHM_MIGRATE_TASK_QUEUE: taskQueue,
        WHM_MIGRATE_SHUTDOWN_GRACE_SECONDS: '1',
        WHM_MIGRATE_WORKFLOW_BUNDLE: bundlePath,
        ...TEST_CREDENTIALS_ENV,
      };
      connection = await Connection.connect({ address: cluster!.address });
      const client = new Client({ connection });

      const first = await workers.start('worker-1', workerEnv);
      const plan = testPlan(pair, { items: { accounts: [{ user: 'bob' }, { user: 'alice' }, { user: 'carol' }] } });
      const workflowId = uniqueId(`migration-${plan.name}`);
      const started = await client.workflow.start(MIGRATION_WORKFLOW_TYPE, {
        taskQueue,
        workflowId,
        args: [{ plan } satisfies MigrationWorkflowInput],
      });
      const running = await eventually('the transfer to run', async () => {
        const status = await queryStatus(started);
        return status.phase === 'transferring' && status.whm.sessionId && status.whm.state === 'RUNNING' ? status : undefined;
      });
      const sessionId = running.whm.sessionId!;

      // The second worker joins while the first runs the workflow and its monitor activity.
      const second = await workers.start('worker-2', workerEnv);
      await first.kill('SIGKILL');
      const killedAt = new Date().toISOString();
      expect(first.exitSignal).toBe('SIGKILL');
      expect(sessionState(sessionId)).toBe('RUNNING');

      // The monitor activity of the killed worker misses its heartbeat timeout (one minute) and runs
      // again on the second worker, which records WHM's state from then on.
      const carriedOn = await eventually('the second worker to monitor the transfer', async () => {
        const status = await queryStatus(started);
        return status.whm.stateCheckedAt !== undefined && status.whm.stateCheckedAt > killedAt ? status : undefined;
      }, 120_000);
      expect(carriedOn.whm.sessionId).toBe(sessionId);
      expect(second.isRunning).toBe(true);

      expect(carriedOn.items.find((item) => item.name === 'bob')?.status).toBe('transferring');

      // The accounts after bob go fast; bob's step keeps the length it started with.
      pair.destination.control.setRates({ bytesPerSecond: 30 * MiB });
      await started.signal(pauseSignal, { source: 'maintenance', reason: 'Temporal server upgrade' });
      await eventually('WHM to report PAUSED', () => sessionState(sessionId) === 'PAUSED' || undefined, 120_000);
      await eventually('the workflow to see PAUSED', async () => ((await queryStatus(started)).phase === 'paused' ? true : undefined), 60_000);
      // Visibility is written asynchronously, shortly after each search attribute upsert.
      await eventually('visibility to record the pause', async () => ((await visibilityRow(workflowId, 'paused')) === '1|t' ? true : undefined));

      await cluster!.killServer('SIGKILL');
      expect(cluster!.serverPid).toBeUndefined();
      // With the server down, PostgreSQL still contains the running execution and its history.
      const execution = await cluster!.postgres.query(`SELECT count(*) FROM executions WHERE workflow_id = ${literal(workflowId)}`, 'temporal');
      expect(execution.trim()).toBe('1');
      const historyNodes = await cluster!.postgres.query(
        `SELECT count(*) FROM history_node WHERE tree_id IN (SELECT run_id FROM executions WHERE workflow_id = ${literal(workflowId)})`,
        'temporal',
      );
      expect(Number(historyNodes.trim())).toBeGreaterThan(5);

      await cluster!.restartServer();
      await connection.close();
      connection = await Connection.connect({ address: cluster!.address });
      const handle: WorkflowHandle = new Client({ connection }).workflow.getHandle(workflowId);

      const afterRestart = await eventually('the workflow to answer after the restart', () => queryStatus(handle), 60_000);
      expect(afterRestart.phase).toBe('paused');
      expect(afterRestart.paused).toBe(true);
      expect(afterRestart.holds.map((hold) => hold.source)).toEqual(['maintenance']);
      expect(afterRestart.whm.sessionId).toBe(sessionId);
      await new Promise((resolveWait) => setTimeout(resolveWait, 3_000));
      expect(sessionState(sessionId)).toBe('PAUSED');

      await handle.signal(resumeSignal, { source: 'maintenance', reason: 'Temporal server restarted' });
      const report = await result(handle);
      expect(report.outcome).toBe('succeeded');
      expect(report.finalState).toBe('COMPLETED');
      expect(report.items.map((item) => [item.name, item.status])).toEqual([
        ['bob', 'succeeded'],
        ['alice', 'succeeded'],
        ['carol', 'succeeded'],
      ]);
      expect(report.pauses).toHaveLength(1);
      expect(report.sessionId).toBe(sessionId);
      expect(sessions().createCount).toBe(1);
      await eventually('visibility to record the completion', async () => ((await visibilityRow(workflowId, 'completed')) === '2|t' ? true : undefined));
      passed = true;
    },
    420_000,
  );

  test(
    'compose namespace script registers attributes',
    async () => {
      const cli = process.env.TEMPORAL_CLI;
      if (!cli) throw new Error('TEMPORAL_CLI is not set: run the tests through jest with test/global-setup.ts');
      const namespace = uniqueId('compose').toLowerCase();
      const attributes = Object.entries(SEARCH_ATTRIBUTE_CLI_TYPES).map(([name, type]) => `${name}=${type}`).join(' ');
      // The CLI needs HOME (or XDG_CONFIG_HOME) to look for its config file, as in the admin-tools image.
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: directory,
        TEMPORAL_ADDRESS: cluster!.address,
        TEMPORAL_NAMESPACE: namespace,
        TEMPORAL_CLI: cli,
        SEARCH_ATTRIBUTES: attributes,
        WAIT_ATTEMPTS: '20',
      };

      const output = await runCommand('sh', [join(__dirname, '..', '..', 'deploy', 'scripts', 'create-namespace.sh')], { env, timeoutMs: 120_000 });
      expect(output).toContain(`creating namespace ${namespace}`);
      // A second run finds everything in place and changes nothing.
      const again = await runCommand('sh', [join(__dirname, '..', '..', 'deploy', 'scripts', 'create-namespace.sh')], { env, timeoutMs: 120_000 });
      expect(again).toContain(`namespace ${namespace} exists`);

      connection = await Connection.connect({ address: cluster!.address });
      const listed = await connection.operatorService.listSearchAttributes({ namespace });
      expect(Object.keys(listed.customAttributes ?? {}).sort()).toEqual(Object.keys(SEARCH_ATTRIBUTE_CLI_TYPES).sort());
      passed = true;
    },
    180_000,
  );

  test(
    'schema script is idempotent',
    async () => {
      const binaries = await resolveTemporalServerBinaries({ install: false });
      const env = {
        PATH: process.env.PATH ?? '',
        POSTGRES_SEEDS: cluster!.postgres.host,
        DB_PORT: String(cluster!.postgres.port),
        POSTGRES_USER: cluster!.postgres.user,
        POSTGRES_PWD: cluster!.postgres.password,
        TEMPORAL_SQL_TOOL: binaries.sqlTool,
        SCHEMA_DIR: binaries.schemaDirectory,
      };
      // The launcher ran it once already; the compose job runs it again on every `up`.
      const output = await runCommand('sh', [join(__dirname, '..', '..', 'deploy', 'scripts', 'setup-postgres-schema.sh')], { env, timeoutMs: 120_000 });
      expect(output).toContain('setup-postgres-schema: done');
      const version = await cluster!.postgres.query('SELECT curr_version FROM schema_version', 'temporal');
      expect(version.trim()).toBe('1.18');
      const visibilityVersion = await cluster!.postgres.query('SELECT curr_version FROM schema_version', 'temporal_visibility');
      expect(visibilityVersion.trim()).toBe('1.9');
      passed = true;
    },
    120_000,
  );
});
