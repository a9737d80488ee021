/**
 * The compose `rehearsal` profile without Docker: the two simulator services' own command lines and
 * environment (from docker-compose.yml, with free ports in place of 2086 and 2186), a worker with the
 * rehearsal worker's environment, and deploy/rehearsal/plan.yaml, on the shared dev server. The
 * migration must finish with every account transferred.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { parse } from 'yaml';
import { silentLogger } from '../../src/log';
import { MIGRATION_WORKFLOW_TYPE, type MigrationReport, type MigrationWorkflowInput } from '../../src/messages';
import { loadPlanFile } from '../../src/plan';
import { simulateCommand } from '../../src/simulator/cli';
import { freePort } from '../../src/temporal/dev-server';
import { createMigrationWorker } from '../../src/worker';
import { eventually, workflowBundle } from '../helpers/migration-env';
import { sharedTemporalAddress, uniqueId } from '../helpers/temporal';

const ROOT = join(__dirname, '..', '..');

interface Service {
  command: string[];
  environment: Record<string, string>;
}

/** Applies `${NAME:-default}` with every NAME unset, as a compose project without .env does. */
function withDefaults(environment: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, value.replace(/\$\{[A-Z0-9_]+:-([^}]*)\}/g, '$1')]));
}

/** Replaces the value after `flag` in a command line. */
function withFlag(command: string[], flag: string, value: (old: string) => string): string[] {
  const index = command.indexOf(flag);
  if (index < 0 || index + 1 >= command.length) throw new Error(`The command has no ${flag} value: ${command.join(' ')}`);
  return command.map((argument, position) => (position === index + 1 ? value(argument) : argument));
}

describe('rehearsal run', () => {
  const stops: Array<() => void> = [];
  const running: Array<Promise<unknown>> = [];
  let connection: Connection | undefined;

  afterEach(async () => {
    for (const stop of stops) stop();
    await Promise.allSettled(running);
    await connection?.close();
  });

  /** Runs a compose simulator service in this process, as its container would; resolves once it listens. */
  async function runSimulator(service: Service): Promise<void> {
    const output: string[] = [];
    let stop!: () => void;
    const stopped = new Promise<void>((resolveStop) => {
      stop = resolveStop;
    });
    stops.push(stop);
    const command = simulateCommand({ print: (line) => output.push(line), env: withDefaults(service.environment), waitForStop: () => stopped, logger: silentLogger });
    // The compose command is `node bin/whm-migrate.js simulate ...`; commander takes the arguments after the program.
    running.push(command.parseAsync(service.command.slice(3), { from: 'user' }));
    await eventually('the simulator to listen', () => output.some((line) => line.includes('listening on')) || undefined, 20_000);
  }

  test(
    'plan migrates every account',
    async () => {
      const compose = parse(await readFile(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
      const destinationPort = await freePort();
      const sourcePort = await freePort();
      const source = compose.services['whm-sim-source']!;
      const destination = compose.services['whm-sim-destination']!;
      await runSimulator({ ...source, command: withFlag(source.command, '--port', () => String(sourcePort)) });
      const destinationCommand = withFlag(
        withFlag(destination.command, '--port', () => String(destinationPort)),
        '--peer',
        (peer) => peer.replace(/:2186$/, `:${sourcePort}`),
      );
      await runSimulator({ ...destination, command: destinationCommand });

      const { plan } = await loadPlanFile(join(ROOT, 'deploy', 'rehearsal', 'plan.yaml'));
      const taskQueue = uniqueId('rehearsal');
      const nativeConnection = await NativeConnection.connect({ address: sharedTemporalAddress() });
      const { worker, close } = await createMigrationWorker({
        connection: nativeConnection,
        taskQueue,
        env: withDefaults(compose.services['rehearsal-worker']!.environment),
        logger: silentLogger,
        workflowBundle: await workflowBundle(),
        shutdownGraceTimeMs: 1000,
      });
      connection = await Connection.connect({ address: sharedTemporalAddress() });
      const client = new Client({ connection });

      const report = await worker.runUntil(async () => {
        const handle = await client.workflow.start(MIGRATION_WORKFLOW_TYPE, {
          taskQueue,
          workflowId: uniqueId('rehearsal'),
          args: [{ plan: { ...plan, destination: { ...plan.destination, port: destinationPort } } } satisfies MigrationWorkflowInput],
        });
        return (await handle.result()) as MigrationReport;
      });
      await close();
      await nativeConnection.close();

      expect(report.outcome).toBe('succeeded');
      expect(report.items.filter((item) => item.kind === 'account').map((item) => [item.name, item.status])).toEqual([
        ['alice', 'succeeded'],
        ['bob', 'succeeded'],
        ['carol', 'succeeded'],
      ]);
    },
    180_000,
  );
});
