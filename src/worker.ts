/**
 * The whm-migrate worker: polls the task queue and runs migration workflows and their WHM
 * activities. Configured from the environment, validated once at start-up. Optionally serves
 * Prometheus metrics (`WHM_MIGRATE_METRICS_ADDRESS`) and health endpoints (`WHM_MIGRATE_HEALTH_ADDRESS`).
 */
import { DefaultLogger, type LogLevel, NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { Connection } from '@temporalio/client';
import { grpc } from '@temporalio/proto';
import { z } from 'zod';
import { createActivities } from './activities';
import { WhmConnections } from './activities/whm-connection';
import { createHealthActivities } from './health/activities';
import { createLogger, type Logger } from './log';
import { DEFAULT_TASK_QUEUE } from './messages';
import { listenAddressSchema, type ListenAddress, prometheusTelemetryOptions } from './metrics';
import { startHealthEndpoint, type HealthEndpoint } from './production/health-endpoint';
import { isReadableFile, resolveTemporalConnection, type TemporalConnectionSettings } from './production/temporal-connection';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from './search-attributes';
import { ensureSearchAttributes } from './temporal/search-attributes-setup';

const positiveInteger = z.coerce.number().int().positive();

/**
 * Environment variables the worker reads besides the Temporal connection ones (TEMPORAL_ADDRESS,
 * TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*: see production/temporal-connection.ts).
 * Empty strings count as unset.
 */
export const workerConfigSchema = z.object({
  WHM_MIGRATE_TASK_QUEUE: z.string().min(1).default(DEFAULT_TASK_QUEUE),
  WHM_MIGRATE_MAX_CONCURRENT_ACTIVITIES: positiveInteger.default(50),
  WHM_MIGRATE_MAX_CONCURRENT_WORKFLOW_TASKS: positiveInteger.default(20),
  /** Seconds in-flight activities get to finish on SIGINT/SIGTERM before they are cancelled. */
  WHM_MIGRATE_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).default(10),
  WHM_MIGRATE_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  /** Listen address of the SDK's Prometheus endpoint (/metrics), for example 0.0.0.0:9464; unset or `off` serves none. */
  WHM_MIGRATE_METRICS_ADDRESS: listenAddressSchema.optional(),
  /** Listen address of /healthz and /readyz, for example 0.0.0.0:9465; unset or `off` serves none. */
  WHM_MIGRATE_HEALTH_ADDRESS: listenAddressSchema.optional(),
  /** Workflow bundle made at build time by bundleWorkflowCode; without it the worker bundles at start-up. */
  WHM_MIGRATE_WORKFLOW_BUNDLE: z
    .string()
    .refine((path) => isReadableFile(path), 'cannot read this file; build it with `node dist/production/bundle-workflows.js FILE` or unset the variable')
    .optional(),
});

export type WorkerConfig = z.infer<typeof workerConfigSchema> & {
  /** Temporal connection from TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY and TEMPORAL_TLS_*. */
  readonly temporal: TemporalConnectionSettings;
};

/** Thrown when the worker's environment is invalid; the message lists every problem. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
}

/**
 * Reads and validates the worker's settings, the Temporal connection included.
 * @throws WorkerConfigError listing every problem by variable name, never a secret value
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = workerConfigSchema.safeParse(present);
  const connection = resolveTemporalConnection(env);
  const problems = [...(result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)), ...connection.problems];
  if (result.success && connection.settings && problems.length === 0) return Object.freeze({ ...result.data, temporal: connection.settings });
  throw new WorkerConfigError(`Invalid worker configuration in the environment:\n${problems.map((problem) => `- ${problem}`).join('\n')}`);
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

/**
 * Routes the SDK's own logs (workflow and activity `log`, worker lifecycle) into pino and, given a
 * metrics address, makes the SDK serve Prometheus metrics there.
 */
export function installRuntimeLogger(logger: Logger, level: WorkerConfig['WHM_MIGRATE_LOG_LEVEL'], metricsAddress?: ListenAddress): void {
  const sdkLevel = level.toUpperCase() as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, (entry) => {
      const method = entry.level.toLowerCase() as Lowercase<LogLevel>;
      logger[method]({ ...entry.meta, sdk: true }, entry.message);
    }),
    ...(metricsAddress ? { telemetryOptions: prometheusTelemetryOptions(metricsAddress) } : {}),
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
    connection = await Connection.connect(config.temporal.connectionOptions);
    const added = await ensureSearchAttributes(connection, config.temporal.namespace);
    if (added.length > 0) logger.info({ added, namespace: config.temporal.namespace }, 'Registered search attributes');
  } catch (error) {
    logger.warn(
      { error: (error as Error).message, namespace: config.temporal.namespace, attributes: SEARCH_ATTRIBUTE_CLI_TYPES },
      'Could not check or register the search attributes; create them with `temporal operator search-attribute create` before starting migrations',
    );
  } finally {
    await connection?.close();
  }
}

/**
 * Serves /healthz and /readyz for the worker. Ready means the worker polls its task queue (state
 * RUNNING) and the Temporal frontend reports SERVING to a gRPC health check.
 */
async function startWorkerHealth(address: ListenAddress, worker: Worker, connection: NativeConnection, logger: Logger): Promise<HealthEndpoint> {
  const endpoint = await startHealthEndpoint({
    address,
    checks: {
      worker: () => {
        const state = worker.getState();
        return { ok: state === 'RUNNING', detail: `worker state ${state}` };
      },
      temporal: async () => {
        const response = await connection.withDeadline(Date.now() + 1_500, () => connection.healthService.check({}));
        const serving = response.status === grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
        return { ok: serving, detail: serving ? 'frontend serving' : `frontend health status ${response.status ?? 'unknown'}` };
      },
    },
  });
  logger.info({ url: endpoint.url }, 'Serving /healthz and /readyz');
  return endpoint;
}

/** Runs the worker until SIGINT or SIGTERM, then drains in-flight tasks and exits. */
export async function runWorker(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = loadWorkerConfig(env);
  const logger = createLogger('whm-migrate-worker', config.WHM_MIGRATE_LOG_LEVEL);
  installRuntimeLogger(logger, config.WHM_MIGRATE_LOG_LEVEL, config.WHM_MIGRATE_METRICS_ADDRESS);

  logger.info(
    { ...config.temporal.summary, taskQueue: config.WHM_MIGRATE_TASK_QUEUE, metrics: config.WHM_MIGRATE_METRICS_ADDRESS?.text, workflowBundle: config.WHM_MIGRATE_WORKFLOW_BUNDLE },
    'Starting the worker',
  );
  await registerSearchAttributes(config, logger);
  const connection = await NativeConnection.connect(config.temporal.connectionOptions);
  const { worker, close } = await createMigrationWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.WHM_MIGRATE_TASK_QUEUE,
    env,
    logger,
    workflowBundle: config.WHM_MIGRATE_WORKFLOW_BUNDLE === undefined ? undefined : { codePath: config.WHM_MIGRATE_WORKFLOW_BUNDLE },
    maxConcurrentActivityTaskExecutions: config.WHM_MIGRATE_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WHM_MIGRATE_MAX_CONCURRENT_WORKFLOW_TASKS,
    shutdownGraceTimeMs: config.WHM_MIGRATE_SHUTDOWN_GRACE_SECONDS * 1000,
  });
  const health = config.WHM_MIGRATE_HEALTH_ADDRESS === undefined ? undefined : await startWorkerHealth(config.WHM_MIGRATE_HEALTH_ADDRESS, worker, connection, logger);
  // The Runtime's default shutdown signals (SIGINT, SIGTERM, SIGQUIT, SIGUSR2) stop run() gracefully.
  try {
    await worker.run();
  } finally {
    await health?.close();
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
