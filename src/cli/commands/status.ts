import { Command } from 'commander';
import type { MigrationClient, MigrationStatusResult } from '../../client';
import type { CommandContext } from '../context';
import { renderStatus } from '../views';

/** Time between two reads of `status --watch`, in milliseconds. */
export const WATCH_INTERVAL_MS = 2000;

/** ANSI escape sequences: move the cursor home, then clear the screen. */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';

interface StatusFlags {
  json?: boolean;
  watch?: boolean;
}

/** Builds `whm-migrate status ID`. */
export function statusCommand(context: CommandContext): Command {
  return new Command('status')
    .description('Show where a migration stands: phase, WHM session, holds, progress and each item.')
    .argument('<id>', 'workflow id of the migration (see `whm-migrate list`)')
    .option('--json', 'print the status object as JSON, for scripts')
    .option('--watch', `read the status again every ${WATCH_INTERVAL_MS / 1000} s until the migration ends or Ctrl-C`)
    .action(async (workflowId: string, flags: StatusFlags, command: Command) => {
      await context.withClient(command, async (client) => {
        if (flags.watch) await watch(context, client, workflowId, flags.json === true);
        else show(context, await client.status(workflowId), flags.json === true, false);
      });
    });
}

function show(context: CommandContext, result: MigrationStatusResult, json: boolean, redraw: boolean): void {
  if (json) {
    // One line per read, so a script can consume the watch output line by line.
    context.print(JSON.stringify(result));
    return;
  }
  if (redraw) context.io.stdout(CLEAR_SCREEN);
  context.printLines(renderStatus(result));
  if (!redraw) context.print();
}

async function watch(context: CommandContext, client: MigrationClient, workflowId: string, json: boolean): Promise<void> {
  const stop = context.io.listenForStop();
  let stopped = false;
  void stop.stopped.then(() => {
    stopped = true;
  });
  // Redrawing needs a terminal; elsewhere each read is appended.
  const redraw = context.io.isTTY && !json;

  try {
    while (!stopped) {
      const result = await client.status(workflowId);
      show(context, result, json, redraw);
      if (result.executionStatus !== 'RUNNING') return;
      await Promise.race([context.io.sleep(WATCH_INTERVAL_MS), stop.stopped]);
    }
  } finally {
    stop.dispose();
  }
}
