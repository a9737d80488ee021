import { bulkQuery, MigrationClient, type BulkSignalResult } from '../../src/client';
import { createMigrationTestEnv, eventually, testPlan, type MigrationTestEnv } from '../helpers/migration-env';
import { uniqueId } from '../helpers/temporal';
import { runCliCaptured } from './run-cli';

const MiB = 1024 * 1024;
/** A closed port: a command that connects despite invalid flags exits with 4 there, not 2. */
const UNREACHABLE = ['--address', '127.0.0.1:1', '--connect-timeout-ms', '1000'];

describe('whm-migrate pause-all and resume-all usage', () => {
  test('missing selection exits with 2', async () => {
    const { code, stderr } = await runCliCaptured([...UNREACHABLE, 'pause-all', '--reason', 'disk check']);

    expect(code).toBe(2);
    expect(stderr).toContain('Invalid pause request: give a server');
  });

  test('server and all together exit with 2', async () => {
    const { code, stderr } = await runCliCaptured([...UNREACHABLE, 'resume-all', '--server', 'dest.example.com', '--all']);

    expect(code).toBe(2);
    expect(stderr).toContain('give either a server or all, not both');
  });

  test('invalid host exits with 2', async () => {
    const { code, stderr } = await runCliCaptured([...UNREACHABLE, 'pause-all', '--server', "dest' OR 1=1"]);

    expect(code).toBe(2);
    expect(stderr).toContain('server: must be a host name or an IP address');
  });

  test('help names the selection flags', async () => {
    const { code, stdout } = await runCliCaptured(['resume-all', '--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('--server <host>');
    expect(stdout).toContain('--release-all');
  });
});

describe('whm-migrate pause-all and resume-all', () => {
  let env: MigrationTestEnv;
  let client: MigrationClient;
  let serverHost: string;

  beforeAll(async () => {
    // A source host name of its own keeps other tests' migrations out of the query.
    serverHost = `${uniqueId('cli-bulk')}.sim.test`;
    env = await createMigrationTestEnv({
      source: { hostname: serverHost },
      destination: { bytesPerSecond: 40 * MiB, restoreBytesPerSecond: 80 * MiB, minItemStepMs: 50 },
    });
    await env.startWorker();
    client = await MigrationClient.connect({ address: env.address, env: {} });
  });

  afterAll(async () => {
    await client?.close();
    await env?.close();
  });

  function connection(): string[] {
    return ['--address', env.address];
  }

  test('pause-all and resume-all reach every migration', async () => {
    const first = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'bob' }] } }));
    const second = await env.start(testPlan(env.pair, { items: { accounts: [{ user: 'dave' }] } }));
    const query = bulkQuery({ server: serverHost }, 'test');
    await eventually('visibility to list both migrations', async () => {
      let count = 0;
      for await (const _ of client.temporal.workflow.list({ query })) count += 1;
      return count === 2 || undefined;
    });

    const paused = await runCliCaptured([...connection(), 'pause-all', '--server', serverHost, '--reason', 'disk check', '--source', 'cli-test', '--json']);

    expect(paused.code).toBe(0);
    const outcome = JSON.parse(paused.stdout) as BulkSignalResult;
    expect(outcome.matched).toBe(2);
    expect(outcome.signalled).toBe(2);
    expect(outcome.failed).toEqual([]);
    expect(outcome.workflowIds.sort()).toEqual([first.workflowId, second.workflowId].sort());
    const { status } = await client.status(first.workflowId);
    expect(status?.holds).toEqual([expect.objectContaining({ source: 'cli-test', reason: 'disk check' })]);

    const resumed = await runCliCaptured([...connection(), 'resume-all', '--server', serverHost, '--source', 'cli-test']);

    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Sent resume to 2 of 2 running migrations on ${serverHost}:`);
    expect(resumed.stdout).toContain(`  ${first.workflowId}`);
    expect(resumed.stdout).toContain(`  ${second.workflowId}`);
    expect((await client.waitForReport(first.workflowId)).outcome).toBe('succeeded');
    expect((await client.waitForReport(second.workflowId)).outcome).toBe('succeeded');
  });

  test('no match prints that nothing was sent', async () => {
    const idleHost = `${uniqueId('idle')}.sim.test`;
    const { code, stdout } = await runCliCaptured([...connection(), 'pause-all', '--server', idleHost]);

    expect(code).toBe(0);
    expect(stdout).toBe(`No running migrations on ${idleHost}; nothing was sent.\n`);
  });
});
