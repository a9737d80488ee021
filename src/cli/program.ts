import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { monitorCommand } from '../health/cli';
import { serveCommand } from '../serve/cli';
import { simulateCommand } from '../simulator/cli';
import { abortCommand, pauseCommand, resumeCommand } from './commands/signals';
import { pauseAllCommand, resumeAllCommand } from './commands/bulk';
import { demoCommand } from './commands/demo';
import { listCommand } from './commands/list';
import { reportCommand } from './commands/report';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import { temporalCommand } from './commands/temporal';
import { workerCommand } from './commands/worker';
import { CommandContext } from './context';
import { describeError, exitCodeFor, type ExitCode } from './exit-codes';
import { processIo, type CliIo } from './io';

/** Version from package.json, which sits two folders above both src/cli and dist/cli. */
function packageVersion(): string {
  const text = readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function parseMilliseconds(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new InvalidArgumentError(`"${value}" is not a duration: use a whole number of milliseconds, at least 1.`);
  }
  return Number(value);
}

/** Applies the program's output and exit handling to a command built elsewhere, and its subcommands. */
function inherit(command: Command, program: Command): Command {
  command.copyInheritedSettings(program);
  for (const child of command.commands) inherit(child, program);
  return command;
}

/**
 * Builds the `whm-migrate` program. Commander reports usage errors by throwing (exitOverride), so
 * {@link runCli} decides the exit code.
 */
export function createProgram(context: CommandContext): Command {
  const { io } = context;
  const program = new Command('whm-migrate')
    .description('Durable, pausable cPanel & WHM account migrations orchestrated by Temporal.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--address <host:port>', 'Temporal frontend (default: $TEMPORAL_ADDRESS, else 127.0.0.1:7233)')
    .option('--namespace <name>', 'Temporal namespace (default: $TEMPORAL_NAMESPACE, else default)')
    .option('--task-queue <name>', 'task queue of the migration worker (default: $WHM_MIGRATE_TASK_QUEUE, else whm-migrate)')
    .option('--connect-timeout-ms <ms>', 'how long to wait for Temporal to answer when connecting, in milliseconds (default: 10000)',
      parseMilliseconds)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText('after', [
      '',
      'Exit codes: 0 ok, 1 operation failed (or the migration did not succeed), 2 invalid usage, plan or',
      'settings, 3 migration not found, 4 Temporal unreachable. Set WHM_MIGRATE_DEBUG=1 for stack traces.',
    ].join('\n'));

  const commands = [
    startCommand(context),
    pauseCommand(context),
    resumeCommand(context),
    abortCommand(context),
    pauseAllCommand(context),
    resumeAllCommand(context),
    statusCommand(context),
    listCommand(context),
    reportCommand(context),
    workerCommand(context),
    temporalCommand(context),
    simulateCommand({ print: (line) => io.stdout(`${line}\n`), env: io.env, waitForStop: () => io.listenForStop().stopped }),
    serveCommand({ print: (line) => io.stdout(`${line}\n`), env: io.env }),
    monitorCommand(context),
    demoCommand(context),
  ];
  for (const command of commands) program.addCommand(inherit(command, program));
  return program;
}

/** Runs `whm-migrate` with the arguments after the program name and returns the exit code. */
export async function runCli(args: readonly string[], io: CliIo = processIo()): Promise<ExitCode> {
  const context = new CommandContext(io);
  try {
    // Inside the try: building a command can fail too, for example on an invalid log level.
    await createProgram(context).parseAsync([...args], { from: 'user' });
    return context.exitCode;
  } catch (error) {
    // Commander has already printed its own message (and help) for usage errors.
    if (!(error instanceof CommanderError)) io.stderr(`${describeError(error, io.env.WHM_MIGRATE_DEBUG === '1')}\n`);
    return exitCodeFor(error);
  }
}
