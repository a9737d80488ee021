import { Command } from 'commander';
import type { MigrationReport } from '../../messages';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';
import { renderReport } from '../views';

/** Returns the exit code for a finished migration: 0 when it succeeded, else 1. */
export function exitCodeOfReport(report: MigrationReport): ExitCode {
  return report.outcome === 'succeeded' ? ExitCode.ok : ExitCode.failed;
}

/** Builds `whm-migrate report ID`. */
export function reportCommand(context: CommandContext): Command {
  return new Command('report')
    .description('Wait for a migration to end and print its report: each item, bytes, timings and pauses.')
    .argument('<id>', 'workflow id of the migration (see `whm-migrate list`)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExits with 0 when the migration succeeded and 1 when it ended otherwise.')
    .action(async (workflowId: string, flags: { json?: boolean }, command: Command) => {
      await context.withClient(command, async (client) => {
        const execution = await client.describe(workflowId);
        if (execution.executionStatus === 'RUNNING') {
          context.note(`Migration ${workflowId} is still running; waiting for its report. Ctrl-C stops waiting, not the migration.`);
        }
        const report = await client.waitForReport(workflowId);
        if (flags.json) context.printJson(report);
        else context.printLines(renderReport(report));
        context.exitCode = exitCodeOfReport(report);
      });
    });
}
