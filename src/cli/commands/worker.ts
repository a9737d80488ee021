import { Command } from 'commander';
import { DEFAULT_TEMPORAL_ADDRESS, TemporalUnavailableError } from '../../client';
import type { CommandContext } from '../context';

/** Builds `whm-migrate worker`. */
export function workerCommand(context: CommandContext): Command {
  return new Command('worker')
    .description('Run a worker that executes migrations, until Ctrl-C or SIGTERM.')
    .addHelpText(
      'after',
      '\nSettings come from the environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, WHM_MIGRATE_TASK_QUEUE,\n' +
        'WHM_MIGRATE_MAX_CONCURRENT_ACTIVITIES, WHM_MIGRATE_MAX_CONCURRENT_WORKFLOW_TASKS,\n' +
        'WHM_MIGRATE_SHUTDOWN_GRACE_SECONDS and WHM_MIGRATE_LOG_LEVEL, plus the variables plans name for credentials.',
    )
    .action(async () => {
      // Loaded on demand: the worker pulls in the SDK's native module, which other commands do not need.
      const { runWorker } = await import('../../worker.js');
      try {
        await runWorker(context.io.env);
      } catch (error) {
        // The native connection reports an unreachable server as a TransportError from its Rust core.
        if (error instanceof Error && error.name === 'TransportError') {
          const address = context.io.env.TEMPORAL_ADDRESS || DEFAULT_TEMPORAL_ADDRESS;
          throw new TemporalUnavailableError(address, error.message, { cause: error });
        }
        throw error;
      }
    });
}
