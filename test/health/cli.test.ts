import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { CommandContext } from '../../src/cli/context';
import type { CliIo } from '../../src/cli/io';
import { monitorCommand } from '../../src/health/cli';
import { InvalidHealthConfigError } from '../../src/health/config-file';
import { ServerWorkflowNotFoundError } from '../../src/health/server-client';
import { serverWorkflowId, type ServerStatus } from '../../src/server-messages';
import { createMigrationTestEnv, eventually, type MigrationTestEnv } from '../helpers/migration-env';
import { uniqueId } from '../helpers/temporal';

// The worker never has this variable, so the check fails on the token before any network call:
// the made-up host below is never resolved.
const UNSET_TOKEN = 'WHM_MIGRATE_TEST_UNSET_TOKEN';

/** Runs `whm-migrate [connection flags] monitor ARGS` in this process with captured output. */
async function runMonitor(args: string[], connection: string[] = []): Promise<{ stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: false,
    env: {},
    listenForStop: () => ({ stopped: new Promise<void>(() => undefined), dispose: () => undefined }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
  // The same connection options as the whm-migrate program, which the monitor command reads.
  const program = new Command('whm-migrate')
    .option('--address <host:port>')
    .option('--namespace <name>')
    .option('--task-queue <name>')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program.addCommand(monitorCommand(new CommandContext(io)).copyInheritedSettings(program));
  await program.parseAsync([...connection, 'monitor', ...args], { from: 'user' });
  return { stdout: out.join(''), stderr: err.join('') };
}

describe('monitor command', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'monitor-cli-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function configFile(name: string, servers: unknown[]): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, JSON.stringify({ version: 1, servers }, null, 2));
    return file;
  }

  test('dry run validates and warns', async () => {
    const file = await configFile('dry-run.json', [{ host: 'dest.example.com', token: { env: 'T' }, intervalSeconds: 30 }]);
    const { stdout, stderr } = await runMonitor(['start', '--dry-run', file]);
    expect(stdout).toBe('dest.example.com: valid, checked every 30 s\n');
    expect(stderr).toContain('warning: servers[0].cpuCount is not set for dest.example.com');
  });

  test('invalid config lists problems', async () => {
    const file = await configFile('invalid.json', [{ host: 'dest.example.com', token: { env: 'T' }, unhealthyAfter: 0, maxDiskPercent: 101 }]);
    const error = (await runMonitor(['start', file]).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(InvalidHealthConfigError);
    expect(error.message).toContain(`Health config file ${file} is invalid (2 problems):`);
    expect(error.message).toContain('  - servers[0].unhealthyAfter: must be a whole number of checks from 1 to 100 (got 0)');
    expect(error.message).toContain('  - servers[0].maxDiskPercent: must be a percentage from 1 to 100 (got 101)');
  });

  describe('with Temporal', () => {
    let env: MigrationTestEnv;
    let host: string;
    let connection: string[];

    beforeEach(async () => {
      env = await createMigrationTestEnv();
      await env.startWorker();
      host = uniqueId('cli').toLowerCase().concat('.example.test');
      connection = ['--address', env.address, '--task-queue', env.taskQueue];
    });

    afterEach(async () => {
      await env.client.workflow.getHandle(serverWorkflowId(host)).terminate('test finished').catch(() => undefined);
      await env?.close();
    });

    async function status(): Promise<ServerStatus> {
      return JSON.parse((await runMonitor(['status', host, '--json'], connection)).stdout) as ServerStatus;
    }

    test('start, status and stop', async () => {
      const file = await configFile('start.yaml', [
        { host, scheme: 'http', port: 2086, token: { env: UNSET_TOKEN }, cpuCount: 2, intervalSeconds: 1, unreachableAfter: 2 },
      ]);
      const started = await runMonitor(['start', file], connection);
      expect(started.stdout).toBe(`${host}: health checks every 1 s (workflow whm-migrate-server/${host})\n`);

      const unhealthy = await eventually('the server to count as unhealthy', async () => {
        const current = await status();
        return current.health.state === 'unhealthy' ? current : undefined;
      });
      expect(unhealthy.health.reason).toMatch(new RegExp(`^WHM unreachable for 2 checks on ${host.replace(/\./g, '\\.')}: `));
      expect(unhealthy.health.reason).toContain(`environment variable ${UNSET_TOKEN} is not set on the worker`);
      expect(unhealthy.holds.map((hold) => hold.source)).toEqual([`health:${host}`]);

      const text = (await runMonitor(['status', host], connection)).stdout;
      expect(text).toContain(`Server ${host} (workflow whm-migrate-server/${host})`);
      expect(text).toContain('Health: unhealthy since ');
      expect(text).toContain(`  - health:${host}: WHM unreachable for 2 checks`);

      const stopped = await runMonitor(['stop', host], connection);
      expect(stopped.stdout).toContain(`${host}: sent the stop to whm-migrate-server/${host}.`);
      const after = await eventually('the health checks to stop', async () => {
        const current = await status();
        return current.health.monitored ? undefined : current;
      });
      expect(after.holds).toEqual([]);
      expect(after.health.state).toBe('unknown');
    });

    test('stop of an unknown server fails', async () => {
      await expect(runMonitor(['stop', host], connection)).rejects.toThrow(ServerWorkflowNotFoundError);
    });
  });
});
