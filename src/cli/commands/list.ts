import { Command, Option } from 'commander';
import { MIGRATION_PHASES } from '../../client';
import type { MigrationPhase } from '../../messages';
import type { CommandContext } from '../context';
import { renderList } from '../views';

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
    .addOption(new Option('--phase <phase>', 'only migrations in this phase').choices(Object.keys(MIGRATION_PHASES)))
    .option('--json', 'print the list as JSON')
    .action(async (flags: ListFlags, command: Command) => {
      const running = flags.all !== true;
      const entries = await context.withClient(command, (client) => client.list({ running, phase: flags.phase }));
      if (flags.json) context.printJson(entries);
      else context.printLines(renderList(entries, { running }));
    });
}
