import { Command } from 'commander';
import type { CommandContext } from '../context';
import { exitCodeOfReport } from './report';

interface DemoFlags {
  exit?: boolean;
  dataDir: string;
}

/** Builds `whm-migrate demo`. */
export function demoCommand(context: CommandContext): Command {
  return new Command('demo')
    .description('Run a whole migration on this machine: Temporal dev server, WHM simulators, a worker and a plan.')
    .option('--exit', 'stop everything after the report instead of keeping the Web UI up')
    .option('--data-dir <dir>', 'folder for the Temporal SQLite file and the demo plan', '.data/demo')
    .action(async (flags: DemoFlags) => {
      const { runDemo } = await import('../../demo.js');
      const report = await runDemo({ exit: flags.exit === true ? true : undefined, dataDir: flags.dataDir });
      context.exitCode = exitCodeOfReport(report);
    });
}
