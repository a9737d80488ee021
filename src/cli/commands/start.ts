import { Command } from 'commander';
import { loadPlanFile } from '../../plan';
import type { CommandContext } from '../context';
import { renderReport } from '../views';
import { exitCodeOfReport } from './report';

interface StartFlags {
  wait?: boolean;
  json?: boolean;
}

/** Builds `whm-migrate start PLAN`. */
export function startCommand(context: CommandContext): Command {
  return new Command('start')
    .description('Validate a plan file and start its migration; starting a running migration again returns it.')
    .argument('<plan>', 'migration plan file, YAML or JSON')
    .option('--wait', 'wait for the migration to end and print its report')
    .option('--json', 'print the result (and with --wait the report) as JSON')
    .addHelpText('after', '\nWith --wait, exits with 0 when the migration succeeded and 1 when it ended otherwise.')
    .action(async (planFile: string, flags: StartFlags, command: Command) => {
      // An invalid plan fails here, before any connection: nothing is started.
      const { plan, warnings } = await loadPlanFile(planFile);
      for (const warning of warnings) context.note(`warning: ${warning}`);

      await context.withClient(command, async (client) => {
        const started = await client.start(plan);
        if (!flags.json) {
          context.print(started.started
            ? `Started migration ${started.workflowId} (run ${started.runId}).`
            : `Migration ${started.workflowId} is already running (run ${started.runId}); it was not started again, ` +
              'and changes to the plan file do not apply to the running migration.');
          context.print(`Follow it with: whm-migrate status '${started.workflowId}' --watch`);
        }

        if (!flags.wait) {
          if (flags.json) context.printJson({ ...started, warnings });
          return;
        }
        context.note('Waiting for the migration to end. Ctrl-C stops waiting, not the migration.');
        const report = await client.waitForReport(started.workflowId);
        if (flags.json) context.printJson({ ...started, warnings, report });
        else context.printLines(['', ...renderReport(report)]);
        context.exitCode = exitCodeOfReport(report);
      });
    });
}
