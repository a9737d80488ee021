import { Command } from 'commander';
import { bulkQuery, type BulkSelector, type BulkSignalResult } from '../../client';
import type { CommandContext } from '../context';
import { ExitCode } from '../exit-codes';

interface BulkFlags {
  server?: string;
  all?: boolean;
  reason?: string;
  source?: string;
  releaseAll?: boolean;
  json?: boolean;
}

const SERVER_HELP = 'signal the running migrations with this host as source or destination, in any letter case';
const ALL_HELP = 'signal every running migration in the namespace';
const SOURCE_HELP = 'who holds or releases the migrations, for example health-check (default: operator)';
const LAG_NOTE =
  '\nVisibility lags behind by a moment: a migration started in the last seconds may be missed, so run the command again to reach it.';

function describeSelection(selector: BulkSelector): string {
  return selector.all ? 'running migrations' : `running migrations on ${selector.server}`;
}

/** Prints the outcome and sets exit code 1 when any migration could not be signalled. */
function printOutcome(context: CommandContext, signal: string, selector: BulkSelector, outcome: BulkSignalResult, json: boolean | undefined): void {
  if (outcome.failed.length > 0) context.exitCode = ExitCode.failed;
  if (json) {
    context.printJson(outcome);
    return;
  }

  if (outcome.matched === 0) {
    context.print(`No ${describeSelection(selector)}; nothing was sent.`);
    return;
  }
  context.print(`Sent ${signal} to ${outcome.signalled} of ${outcome.matched} ${describeSelection(selector)}:`);
  context.printLines(outcome.workflowIds.map((workflowId) => `  ${workflowId}`));
  for (const failure of outcome.failed) context.note(`Could not send ${signal} to ${failure.workflowId}: ${failure.error}`);
}

/**
 * Checks the selection before connecting, so a missing or invalid --server is a usage error even
 * when Temporal is down.
 */
function validateSelection(flags: BulkFlags, signal: string): BulkSelector {
  const selector = { server: flags.server, all: flags.all };
  bulkQuery(selector, signal);
  return selector;
}

/** Builds `whm-migrate pause-all`. */
export function pauseAllCommand(context: CommandContext): Command {
  return new Command('pause-all')
    .description('Hold every running migration on one server (or all of them): WHM pauses each once its accounts in flight finish.')
    .option('--server <host>', SERVER_HELP)
    .option('--all', ALL_HELP)
    .option('--reason <text>', 'why, shown in each migration\'s status and report')
    .option('--source <name>', SOURCE_HELP)
    .option('--json', 'print the outcome as JSON')
    .addHelpText('after', `${LAG_NOTE}\nExits with 1 when a migration could not be signalled.`)
    .action(async (flags: BulkFlags, command: Command) => {
      const selector = validateSelection(flags, 'pause');
      const outcome = await context.withClient(command, (client) =>
        client.pauseMatching({ ...selector, reason: flags.reason, source: flags.source }),
      );
      printOutcome(context, 'pause', selector, outcome, flags.json);
    });
}

/** Builds `whm-migrate resume-all`. */
export function resumeAllCommand(context: CommandContext): Command {
  return new Command('resume-all')
    .description('Release a hold on every running migration on one server (or all of them); each resumes when no hold is left.')
    .option('--server <host>', SERVER_HELP)
    .option('--all', ALL_HELP)
    .option('--reason <text>', 'why, shown in the hold history')
    .option('--source <name>', SOURCE_HELP)
    .option('--release-all', 'release the holds of every source, not only this one')
    .option('--json', 'print the outcome as JSON')
    .addHelpText('after', `${LAG_NOTE}\nExits with 1 when a migration could not be signalled.`)
    .action(async (flags: BulkFlags, command: Command) => {
      const selector = validateSelection(flags, 'resume');
      const outcome = await context.withClient(command, (client) =>
        client.resumeMatching({ ...selector, reason: flags.reason, source: flags.source, releaseAll: flags.releaseAll }),
      );
      printOutcome(context, 'resume', selector, outcome, flags.json);
    });
}
