/**
 * `whm-migrate monitor`: starts, stops and shows the health monitor of WHM servers, which runs in
 * each server's workflow. Connection flags (`--address`, `--namespace`, `--task-queue`,
 * `--connect-timeout-ms`) are read from the parent program's options.
 */
import { Command } from 'commander';
import { CommandContext } from '../cli/context';
import { processIo } from '../cli/io';
import { serverWorkflowId, type ServerStatus } from '../server-messages';
import { loadHealthConfigFile } from './config-file';
import { describeCheck } from './evaluate';
import { configureServerHealth, queryServerStatus, stopServerHealth } from './server-client';

/**
 * Builds `whm-migrate monitor` with its `start`, `stop` and `status` subcommands. `context` is the
 * program's, so output and exit codes follow the other commands. @default a context on the process's streams
 */
export function monitorCommand(context: CommandContext = new CommandContext(processIo())): Command {
  const monitor = new Command('monitor').description(
    'Check the health of WHM servers and hold their running migrations while a server is unhealthy.',
  );

  monitor
    .command('start')
    .description('Validate a health config file and start (or update) the health checks of each server in it.')
    .argument('<config>', 'health config file, YAML or JSON')
    .option('--dry-run', 'only validate the file and list the servers; send nothing to Temporal')
    .action(async (file: string, flags: { dryRun?: boolean }, command: Command) => {
      const { config, warnings } = await loadHealthConfigFile(file);
      for (const warning of warnings) context.note(`warning: ${warning}`);
      if (flags.dryRun) {
        for (const server of config.servers) context.print(`${server.host}: valid, checked every ${server.intervalSeconds} s`);
        return;
      }
      await context.withClient(command, async (client) => {
        for (const server of config.servers) {
          const handle = await configureServerHealth(client.temporal, { host: server.host, taskQueue: client.config.taskQueue }, server);
          context.print(`${server.host}: health checks every ${server.intervalSeconds} s (workflow ${handle.workflowId})`);
        }
      });
    });

  monitor
    .command('stop')
    .description('Stop the health checks of a server and release its health hold; alerts keep working.')
    .argument('<host>', 'WHM server host name, as in the health config')
    .action(async (host: string, _flags: unknown, command: Command) => {
      await context.withClient(command, (client) => stopServerHealth(client.temporal, host));
      context.print(`${host}: sent the stop to ${serverWorkflowId(host)}. Its migrations lose the health hold at the next reconciliation.`);
    });

  monitor
    .command('status')
    .description('Show the health state, alerts, holds and last reconciliation of a server.')
    .argument('<host>', 'WHM server host name, as in the health config')
    .option('--json', 'print the status as JSON')
    .action(async (host: string, flags: { json?: boolean }, command: Command) => {
      const status = await context.withClient(command, (client) => queryServerStatus(client.temporal, host, { timeoutMs: client.config.queryTimeoutMs }));
      if (flags.json) context.printJson(status);
      else context.printLines(serverStatusLines(status));
    });

  return monitor;
}

/** Formats the status of a server as lines for the terminal. */
export function serverStatusLines(status: ServerStatus): string[] {
  const { health } = status;
  const lines = [`Server ${status.host} (workflow ${serverWorkflowId(status.host)})`];

  if (!health.monitored) {
    lines.push('Health: not checked (no health config)');
  } else {
    const since = health.since === undefined ? '' : ` since ${health.since}`;
    lines.push(`Health: ${health.state}${since}, checked every ${health.config?.intervalSeconds ?? '?'} s`);
    if (health.reason !== undefined) lines.push(`  Reason: ${health.reason}`);
    lines.push(`  In a row: ${health.consecutiveGood} good, ${health.consecutiveBad} bad, ${health.consecutiveUnreachable} unreachable`);
    if (health.lastCheck !== undefined) lines.push(`  Last check ${health.lastCheck.checkedAt}: ${describeCheck(health.lastCheck)}`);
    if (health.lastCheckError !== undefined) lines.push(`  Last check could not run: ${health.lastCheckError}`);
    if (health.nextCheckAt !== undefined) lines.push(`  Next check: ${health.nextCheckAt}`);
  }

  lines.push(status.alerts.length === 0 ? 'Alerts: none' : 'Alerts:');
  for (const alert of status.alerts) lines.push(`  - ${alert.key}: ${alert.reason} (since ${alert.since})`);

  lines.push(status.holds.length === 0 ? 'Holds: none' : 'Holds on every running migration of the server:');
  for (const hold of status.holds) lines.push(`  - ${hold.source}: ${hold.reason} (since ${hold.since})`);

  const reconcile = status.lastReconcile;
  if (reconcile === undefined) {
    lines.push('Last reconciliation: not yet');
  } else if (reconcile.error !== undefined) {
    lines.push(`Last reconciliation ${reconcile.at} failed: ${reconcile.error}`);
  } else {
    lines.push(
      `Last reconciliation ${reconcile.at}: ${reconcile.migrations.length} running migrations, ${reconcile.paused.length} held, ${reconcile.resumed.length} released`,
    );
    for (const failure of reconcile.failed) lines.push(`  - could not signal ${failure.workflowId}: ${failure.error}`);
  }

  for (const rejected of status.rejectedRequests) lines.push(`Rejected ${rejected.signal} at ${rejected.at}: ${rejected.error}`);
  return lines;
}
