import { Command } from 'commander';
import { InvalidRequestError } from '../../client';
import type { CommandContext } from '../context';

interface HoldFlags {
  reason?: string;
  source?: string;
  all?: boolean;
}

const ID_HELP = 'workflow id of the migration (see `whm-migrate list`)';
const SOURCE_HELP = 'who holds or releases the migration, for example health-check (default: operator)';

/** Builds `whm-migrate pause ID`. */
export function pauseCommand(context: CommandContext): Command {
  return new Command('pause')
    .description('Hold a migration: WHM finishes the accounts in flight, then pauses the transfer session.')
    .argument('<id>', ID_HELP)
    .option('--reason <text>', 'why, shown in the status and the report')
    .option('--source <name>', SOURCE_HELP)
    .action(async (workflowId: string, flags: HoldFlags, command: Command) => {
      await context.withClient(command, (client) => client.pause(workflowId, { reason: flags.reason, source: flags.source }));
      context.print(`Sent pause to ${workflowId}. The transfer pauses once the accounts in flight finish; check with \`whm-migrate status\`.`);
    });
}

/** Builds `whm-migrate resume ID`. */
export function resumeCommand(context: CommandContext): Command {
  return new Command('resume')
    .description('Release a hold; the transfer resumes when no hold is left.')
    .argument('<id>', ID_HELP)
    .option('--reason <text>', 'why, shown in the hold history')
    .option('--source <name>', SOURCE_HELP)
    .option('--all', 'release the holds of every source, not only this one')
    .action(async (workflowId: string, flags: HoldFlags, command: Command) => {
      const request = { reason: flags.reason, source: flags.source, all: flags.all };
      const source = flags.source ?? 'operator';
      const others = await context.withClient(command, async (client) => {
        // A resume releases only its own source's hold, so say so when that source holds nothing,
        // instead of reporting a resume that changes nothing.
        const current = await client.status(workflowId);
        const holds = current.status?.holds ?? [];
        if (!flags.all && current.status && !holds.some((hold) => hold.source === source)) return holds;
        await client.resume(workflowId, request);
        return undefined;
      });
      if (others !== undefined) {
        const held = others.length === 0 ? 'it is not paused' : `it is held by ${others.map((hold) => `${hold.source} (${hold.reason})`).join(', ')}`;
        throw new InvalidRequestError(
          'resume',
          `${workflowId} has no hold from "${source}", so nothing was released: ${held}. ` +
            'Pass --source with the source that paused it, or --all to release every hold',
        );
      }
      const scope = flags.all ? 'every hold' : `the hold of ${source}`;
      context.print(`Sent resume to ${workflowId}, releasing ${scope}. The transfer resumes when no hold is left.`);
    });
}

/** Builds `whm-migrate abort ID`. */
export function abortCommand(context: CommandContext): Command {
  return new Command('abort')
    .description('Abort the WHM transfer session and end the migration; accounts already restored stay.')
    .argument('<id>', ID_HELP)
    .option('--reason <text>', 'why, shown in the status and the report')
    .action(async (workflowId: string, flags: HoldFlags, command: Command) => {
      await context.withClient(command, (client) => client.abort(workflowId, { reason: flags.reason }));
      context.print(`Sent abort to ${workflowId}. Run \`whm-migrate report ${workflowId}\` to wait for the final report.`);
    });
}
