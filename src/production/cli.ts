/**
 * `node dist/production/cli.js install | start`: builds the Temporal server and temporal-sql-tool,
 * or runs a PostgreSQL-backed Temporal server on 127.0.0.1 until Ctrl-C. CI runs `install` before the
 * tests so that the build time shows up as a step of its own.
 */
import { Command } from 'commander';
import { resolveTemporalServerBinaries } from './server-binaries';
import { startPostgresTemporal } from './temporal-server';

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const note = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** Builds the command; exported for tests. */
export function productionServerCommand(): Command {
  const program = new Command('production-server').description(
    'Provide and run the Temporal server v1.29.1 on PostgreSQL, as a production cluster runs it, on this machine.',
  );

  program
    .command('install')
    .description('Build the Temporal server and temporal-sql-tool with `go install` (once per machine) and print their paths.')
    .action(async () => {
      const binaries = await resolveTemporalServerBinaries({ progress: note });
      print(`server: ${binaries.server}`);
      print(`sql tool: ${binaries.sqlTool}`);
      print(`schemas: ${binaries.schemaDirectory}`);
    });

  program
    .command('start')
    .description('Run PostgreSQL and the Temporal server on 127.0.0.1 until Ctrl-C or SIGTERM.')
    .option('--dir <directory>', 'keep PostgreSQL and the server config in this directory, to start them again later (default: a temporary directory, removed on stop)')
    .option('--log-level <level>', 'server log level: debug, info, warn or error', 'warn')
    .action(async (flags: { dir?: string; logLevel: 'debug' | 'info' | 'warn' | 'error' }) => {
      const stopped = waitForStopSignal();
      const cluster = await startPostgresTemporal({ directory: flags.dir, logLevel: flags.logLevel, progress: note, onLog: note });
      try {
        print(`Temporal server on PostgreSQL listening on ${cluster.address} (namespace ${cluster.namespace}).`);
        print(`PostgreSQL: ${cluster.postgres.host}:${cluster.postgres.port}, user ${cluster.postgres.user} (password in ${cluster.postgres.directory}/password).`);
        print(`Server metrics: ${cluster.metricsUrl}`);
        print(`Point whm-migrate at it with: export TEMPORAL_ADDRESS=${cluster.address}`);
        print('Press Ctrl+C to stop.');
        await stopped;
      } finally {
        await cluster.stop();
      }
      print('Stopped.');
    });

  return program;
}

if (require.main === module) {
  productionServerCommand()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      note(error instanceof Error ? error.message : String(error));
      process.exit(1);
    });
}
