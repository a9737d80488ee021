/**
 * Drives migrations the way a service in another language would: only the Temporal CLI on the client
 * side, with a plan written by hand as JSON per contract/README.md. The worker and the simulated WHM
 * servers are the server side and run in this process.
 */
import { execFile } from 'node:child_process';

import { createMigrationTestEnv, eventually, type MigrationTestEnv } from '../helpers/migration-env';
import { sharedTemporalAddress, uniqueId } from '../helpers/temporal';

const MiB = 1024 * 1024;
/** Upper bound of one CLI call, in milliseconds; `workflow result` waits for the migration to end. */
const CLI_TIMEOUT_MS = 90_000;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The status query result as the CLI prints it; the CLI shows empty lists as null. */
interface CliStatus {
  phase: string;
  paused: boolean;
  whm: { sessionId?: string; state?: string };
  holds: Array<{ source: string; reason: string }> | null;
}

function cliPath(): string {
  const path = process.env.TEMPORAL_CLI;
  if (!path) throw new Error('TEMPORAL_CLI is not set: run the tests through jest with test/global-setup.ts');
  return path;
}

/** Runs `temporal ARGS --address ADDRESS` and returns its exit code and output, failing or not. */
function temporal(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(cliPath(), [...args, '--address', sharedTemporalAddress()], { timeout: CLI_TIMEOUT_MS }, (error, stdout, stderr) => {
      let code = 0;
      if (error !== null) code = typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `temporal ARGS -o json` and parses its output. */
async function temporalJson<T>(args: string[]): Promise<T> {
  const result = await temporal([...args, '-o', 'json']);
  if (result.code !== 0) throw new Error(`temporal ${args.join(' ')} exited with ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

async function queryStatus(workflowId: string): Promise<CliStatus> {
  const output = await temporalJson<{ queryResult: CliStatus[] }>(['workflow', 'query', '--workflow-id', workflowId, '--name', 'status']);
  return output.queryResult[0]!;
}

async function waitForStatus(workflowId: string, description: string, done: (status: CliStatus) => boolean): Promise<CliStatus> {
  return eventually(description, async () => {
    const status = await queryStatus(workflowId);
    return done(status) ? status : undefined;
  }, 45_000);
}

function decodeSearchAttribute(describeOutput: DescribeOutput, name: string): unknown {
  const data = describeOutput.workflowExecutionInfo.searchAttributes.indexedFields[name]?.data;
  return data === undefined ? undefined : JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
}

interface DescribeOutput {
  workflowExecutionInfo: {
    status: string;
    searchAttributes: { indexedFields: Record<string, { data: string }> };
  };
}

interface ResultOutput {
  status: string;
  result: { outcome: string; counts: { succeeded: number }; pauses: Array<{ sources: string[]; pausedAt?: string; resumedAt?: string }> | null };
}

interface UpdateOutput {
  name: string;
  result: { phase: string; whmState?: string; paused: boolean; holds: Array<{ source: string }> | null };
}

describe('migration driven by the Temporal CLI', () => {
  let env: MigrationTestEnv;
  let sourceHost: string;

  beforeAll(async () => {
    sourceHost = `${uniqueId('cli-src')}.sim.test`;
    env = await createMigrationTestEnv({
      source: { hostname: sourceHost },
      destination: { bytesPerSecond: 40 * MiB, restoreBytesPerSecond: 80 * MiB, minItemStepMs: 50 },
    });
    await env.startWorker();
  });

  afterAll(async () => {
    await env?.close();
  });

  /**
   * A resolved plan written out by hand, every default included, as contract/README.md requires of
   * callers in other languages. Credential references name variables of the test worker.
   */
  function planJson(name: string, items: { packages: string[]; accounts: string[] }): Record<string, unknown> {
    return {
      version: 1,
      name,
      destination: { host: '127.0.0.1', port: env.pair.destination.port, scheme: 'http', user: 'root', token: { env: 'TEST_DEST_TOKEN' } },
      source: { host: sourceHost, sshPort: 22, user: 'root', password: { env: 'TEST_SOURCE_PASSWORD' }, commTransport: 'ssh' },
      session: {
        transfer_threads: 1,
        restore_threads: 1,
        unrestricted_restore: false,
        copy_reseller_privs: false,
        compressed: true,
        unencrypted: false,
        use_backups: false,
        low_priority: false,
        enable_custom_pkgacct: false,
      },
      items: {
        packages: items.packages.map((name) => ({ name })),
        featureLists: [],
        accounts: items.accounts.map((user) => ({ user, module: 'AccountRemoteRoot', options: {} })),
      },
      onConflict: 'stop',
      monitor: { pollIntervalSeconds: 1 },
    };
  }

  /** Starts a migration with `temporal workflow start` and returns its workflow id. */
  async function start(items: { packages: string[]; accounts: string[] }): Promise<string> {
    const name = uniqueId('cli').toLowerCase();
    const workflowId = `whm-migrate/127.0.0.1/${name}`;
    const started = await temporalJson<{ workflowId: string; runId: string; type: string }>([
      'workflow', 'start',
      '--type', 'migrationWorkflow',
      '--task-queue', env.taskQueue,
      '--workflow-id', workflowId,
      '--id-conflict-policy', 'UseExisting',
      '--input', JSON.stringify({ plan: planJson(name, items) }),
    ]);
    expect(started.workflowId).toBe(workflowId);
    expect(started.type).toBe('migrationWorkflow');
    return workflowId;
  }

  function sessionState(sessionId: string): string | undefined {
    return env.pair.destination.control.sessions().sessions.find((session) => session.id === sessionId)?.state;
  }

  test('pause signal, resume update, result', async () => {
    // bob (210 MiB) is still in flight when the pause arrives, so alice waits behind the pause.
    const workflowId = await start({ packages: ['starter'], accounts: ['bob', 'alice'] });
    await waitForStatus(workflowId, 'the transfer to run', (status) => status.phase === 'transferring');

    const signalled = await temporal(['workflow', 'signal', '--workflow-id', workflowId, '--name', 'pause', '--input', '{"reason":"invoice overdue","source":"billing"}']);
    expect(signalled.code).toBe(0);

    const paused = await waitForStatus(workflowId, 'the migration to pause', (status) => status.phase === 'paused');
    expect(paused.whm.state).toBe('PAUSED');
    expect(paused.paused).toBe(true);
    expect(paused.holds).toEqual([expect.objectContaining({ source: 'billing', reason: 'invoice overdue' })]);
    expect(sessionState(paused.whm.sessionId!)).toBe('PAUSED');

    const listQuery = `WhmMigratePaused = true AND WhmMigrateServers = '${sourceHost}'`;
    const listed = await eventually('the CLI to list the paused migration', async () => {
      const executions = await temporalJson<Array<{ execution: { workflowId: string } }> | null>(['workflow', 'list', '--query', listQuery]);
      const ids = (executions ?? []).map((execution) => execution.execution.workflowId);
      return ids.length > 0 ? ids : undefined;
    });
    expect(listed).toEqual([workflowId]);

    const resumed = await temporalJson<UpdateOutput>(['workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'resumeMigration', '--input', '{"source":"billing"}']);
    expect(resumed.result.paused).toBe(false);
    expect(resumed.result.holds ?? []).toEqual([]);

    const finished = await temporalJson<ResultOutput>(['workflow', 'result', '--workflow-id', workflowId]);
    expect(finished.status).toBe('COMPLETED');
    expect(finished.result.outcome).toBe('succeeded');
    expect(finished.result.counts.succeeded).toBe(3);
    expect(finished.result.pauses).toEqual([expect.objectContaining({ sources: ['billing'], pausedAt: expect.any(String) as unknown, resumedAt: expect.any(String) as unknown })]);

    const described = await temporalJson<DescribeOutput>(['workflow', 'describe', '--workflow-id', workflowId]);
    expect(described.workflowExecutionInfo.status).toBe('WORKFLOW_EXECUTION_STATUS_COMPLETED');
    expect(decodeSearchAttribute(described, 'WhmMigratePhase')).toBe('completed');
    expect(decodeSearchAttribute(described, 'WhmMigrateServers')).toEqual([sourceHost, '127.0.0.1']);
  });

  test('pause update without input, resume signal', async () => {
    // Accounts the first test did not migrate, so the destination has no conflicting account. At
    // 100 MiB/s dave (640 MiB) stays in flight for seconds, long enough for the pause to arrive.
    env.pair.destination.control.setRates({ bytesPerSecond: 100 * MiB, restoreBytesPerSecond: 200 * MiB });
    const workflowId = await start({ packages: [], accounts: ['dave', 'carol'] });

    const rejected = await temporal(['workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'pauseMigration', '--input', '{"reason":""}']);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stderr).toContain('reason: must not be empty');

    await waitForStatus(workflowId, 'the transfer to run', (status) => status.phase === 'transferring');
    // Without --input the update adds a hold for the default source, "operator".
    const paused = await temporalJson<UpdateOutput>(['workflow', 'update', 'execute', '--workflow-id', workflowId, '--name', 'pauseMigration']);
    expect(paused.name).toBe('pauseMigration');
    expect(paused.result.phase).toBe('paused');
    expect(paused.result.whmState).toBe('PAUSED');
    expect(paused.result.holds).toEqual([expect.objectContaining({ source: 'operator' })]);

    const signalled = await temporal(['workflow', 'signal', '--workflow-id', workflowId, '--name', 'resume']);
    expect(signalled.code).toBe(0);

    const finished = await temporalJson<ResultOutput>(['workflow', 'result', '--workflow-id', workflowId]);
    expect(finished.result.outcome).toBe('succeeded');
    expect(finished.result.pauses).toEqual([expect.objectContaining({ sources: ['operator'] })]);
  });
});
