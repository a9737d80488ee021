/**
 * The whm-migrate worker: polls the task queue and runs migration workflows and their WHM
 * activities. Configured from the environment, validated once at start-up.
 */
import { DefaultLogger, type LogLevel, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import { z } from 'zod';
import { createActivities } from './activities';
import { WhmConnections } from './activities/whm-connection';
import { createHealthActivities } from './health/activities';
import { createLogger, type Logger } from './log';
import { DEFAULT_TASK_QUEUE } from './messages';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from './search-attributes';
import { ensureSearchAttributes } from './temporal/search-attributes-setup';

const positiveInteger = z.coerce.number().int().positive();

/** Environment variables the worker reads. Empty strings count as unset. */
export const workerConfigSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  WHM_MIGRATE_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  WHM_MIGRATE_MAX_CONCURRENT_ACTIVITIES: positiveInteger.default(50),
  WHM_MIGRATE_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInteger.default(20),
  /** Seconds in-flight activities get to finish on SIGINT/SIGTERM before they are cancelled. */
  WHM_MIGRATE_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(10),
  WHM_MIGRATE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

/** Thrown when the worker's environment is invalid; the message lists every problem. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = workerConfigSchema.safeParse(present);
  if (result.success) return Object.freeze(result.data);
  const problems = result.error.issues.map((issue) => `- ${issue.path.join('.')}: ${issue.message}`);
  throw new WorkerConfigError(`Invalid worker configuration in the environment:\n${problems.join('\n')}`);
}

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** Environment the activities read credential references from. @default process.env */
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Pre-built workflow bundle; without it the worker bundles src/workflows at creation (seconds). */
  workflowBundle?: WorkerOptions['workflowBundle'];
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  /** How long in-flight tasks may finish after shutdown starts, in ms. @default 10_000 */
  shutdownGraceTimeMs?: number;
}

/**
 * Creates a worker for migration workflows and activities. The caller runs it and, after it stops,
 * calls the returned `close()` to release WHM connections.
 */
export async function createMigrationWorker(options: CreateWorkerOptions): Promise<{ worker: Worker; close: () => Promise<void> }> {
  const logger = options.logger ?? createLogger('whm-migrate-worker');
  const connections = new WhmConnections(options.env ?? process.env, logger);
  const worker = await Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
    activities: { ...createActivities({ env: options.env, logger, connections }), ...createHealthActivities({ env: options.env, logger, connections }) },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions,
    maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions,
    shutdownGraceTime: options.shutdownGraceTimeMs ?? 10_000,
  });
  return { worker, close: () => connections.close() };
}

/** Routes the SDK's own logs (workflow and activity `log`, worker lifecycle) into pino. */
export function installRuntimeLogger(logger: Logger, level: WorkerConfig['WHM_MIGRATE_LOG_LEVEL']): void {
  const sdkLevel = level.toUpperCase() as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, (entry) => {
      const method = entry.level.toLowerCase() as Lowercase<LogLevel>;
      logger[method]({ ...entry.meta, sdk: true }, entry.message);
    }),
  });
}

/**
 * Registers the migration search attributes if the namespace lacks them; without them every
 * migration's workflow task would fail. Clusters that do not allow it (no operator API access) get a
 * warning naming the command to run instead.
 */
async function registerSearchAttributes(config: WorkerConfig, logger: Logger): Promise<void> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
    if (added.length > 0) logger.info({ added, namespace: config.TEMPORAL_NAMESPACE }, 'Registered search attributes');
  } catch (error) {
    logger.warn(
      { error: (error as Error).message, namespace: config.TEMPORAL_NAMESPACE, attributes: SEARCH_ATTRIBUTE_CLI_TYPES },
      'Could not check or register the search attributes; create them with `temporal operator search-attribute create` before starting migrations',
    );
  } finally {
    await connection?.close();
  }
}

/** Runs the worker until SIGINT or SIGTERM, then drains in-flight tasks and exits. */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadWorkerConfig(env);
  const logger = createLogger('whm-migrate-worker', config.WHM_MIGRATE_LOG_LEVEL);
  installRuntimeLogger(logger, config.WHM_MIGRATE_LOG_LEVEL);

  logger.info({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.WHM_MIGRATE_TASK_QUEUE }, 'Starting the worker');
  await registerSearchAttributes(config, logger);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const { worker, close } = await createMigrationWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.WHM_MIGRATE_TASK_QUEUE,
    env,
    logger,
    maxConcurrentActivityTaskExecutions: config.WHM_MIGRATE_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WHM_MIGRATE_MAX_CONCURRENT_WORKFLOW_TASKS,
    shutdownGraceTimeMs: config.WHM_MIGRATE_SHUTDOWN_GRACE_SECONDS * 1000,
  });
  // The Runtime's default shutdown signals (SIGINT, SIGTERM, SIGQUIT, SIGUSR2) stop run() gracefully.
  try {
    await worker.run();
  } finally {
    await close();
    await connection.close();
    logger.info('Worker stopped');
  }
}

if (require.main === module) {
  runWorker().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
