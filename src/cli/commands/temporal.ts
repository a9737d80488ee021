import { Command, InvalidArgumentError } from 'commander';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../search-attributes';
import { resolveTemporalCli } from '../../temporal/cli-binary';
import { startDevServer } from '../../temporal/dev-server';
import type { CommandContext } from '../context';

interface DevServerFlags {
  db?: string;
  port: number;
  uiPort: number;
  headless?: boolean;
}

/** Parses a TCP port number from 1 to 65535. */
export function parsePort(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a port number: use a whole number from 1 to 65535.`);
  }
  return Number(value);
}

/** Builds `whm-migrate temporal install` and `whm-migrate temporal dev-server`. */
export function temporalCommand(context: CommandContext): Command {
  const temporal = new Command('temporal').description('Provide the Temporal CLI and run a local Temporal server for development.');

  temporal
    .command('install')
    .description('Find the Temporal CLI v1.5.1, or build it once with `go install`, and print its path.')
    .action(async () => {
      const path = await resolveTemporalCli({ progress: (line) => context.note(line), env: context.io.env });
      context.print(path);
    });

  temporal
    .command('dev-server')
    .description('Run a Temporal dev server on 127.0.0.1 until Ctrl-C or SIGTERM.')
    .option('--db <file>', 'SQLite file that keeps workflows across restarts (default: in memory, lost on stop)')
    .option('--port <port>', 'gRPC port of the frontend', parsePort, 7233)
    .option('--ui-port <port>', 'port of the Web UI', parsePort, 8233)
    .option('--headless', 'do not serve the Web UI')
    .action(async (flags: DevServerFlags) => {
      const cliPath = await resolveTemporalCli({ progress: (line) => context.note(line), env: context.io.env });
      const server = await startDevServer({
        cliPath,
        dbFilename: flags.db,
        port: flags.port,
        ui: flags.headless !== true,
        uiPort: flags.uiPort,
        // Registered here so `list --phase` and the Web UI's filters work before a worker has run.
        searchAttributes: SEARCH_ATTRIBUTE_CLI_TYPES,
      });
      // Listen before printing, so a stop request right after the output is not missed.
      const stop = context.io.listenForStop();
      try {
        context.print(`Temporal dev server listening on ${server.address} (pid ${server.pid}).`);
        if (server.uiUrl !== undefined) context.print(`Web UI: ${server.uiUrl}`);
        context.print(server.dbFilename === undefined
          ? 'Workflows are kept in memory and lost on stop; pass --db FILE to keep them.'
          : `Workflows are kept in ${server.dbFilename}.`);
        if (server.address !== '127.0.0.1:7233') context.print(`Point whm-migrate at it with: export TEMPORAL_ADDRESS=${server.address}`);
        context.print('Press Ctrl+C to stop.');
        await stop.stopped;
      } finally {
        stop.dispose();
        await server.stop();
      }
      context.print('Temporal dev server stopped.');
    });

  return temporal;
}
