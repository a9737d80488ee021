import { Command, Option } from 'commander';
import type { MigrationPhase } from '../../messages';
import type { CommandContext } from '../context';
import { renderList } from '../views';

// A record, not an array, so the compiler reports a phase added to MigrationPhase but missing here.
const PHASES: Record<MigrationPhase, true> = {
  'creating-session': true,
  analyzing: true,
  enqueuing: true,
  'waiting-to-start': true,
  transferring: true,
  pausing: true,
  paused: true,
  resuming: true,
  aborting: true,
  reporting: true,
  completed: true,
  aborted: true,
  failed: true,
  'stopped-on-conflicts': true,
};

interface ListFlags {
  all?: boolean;
  json?: boolean;
  phase?: MigrationPhase;
}

/** Builds `whm-migrate list`. */
export function listCommand(context: CommandContext): Command {
  return new Command('list')
    .description('List running migrations (with --all, finished ones too).')
    .option('--all', 'include migrations that have ended')
    .addOption(new Option('--phase <phase>', 'only migrations in this phase (reads each one\'s status)').choices(Object.keys(PHASES)))
    .option('--json', 'print the list as JSON')
    .action(async (flags: ListFlags, command: Command) => {
      const running = flags.all !== true;
      const entries = await context.withClient(command, (client) => client.list({ running, phase: flags.phase }));
      if (flags.json) context.printJson(entries);
      else context.printLines(renderList(entries, { running }));
    });
}
