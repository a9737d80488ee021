/**
 * The whm-migrate HTTP service: the migration API (start, status, list, pause, resume, abort),
 * alert webhooks that hold and release migrations through the per-server workflows, health probes,
 * Prometheus metrics and the OpenAPI document. Start it with `whm-migrate serve` or
 * {@link startServeService}.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TemporalNamespaceNotFoundError, TemporalUnavailableError } from '../client';
import { createLogger, type Logger } from '../log';
import { addAlertRoutes } from './alerts/routes';
import { loadServeConfig, type ServeConfig, type ServeConfigOptions } from './config';
import { addHealthRoutes } from './health';
import { HttpError } from './http/errors';
import { createRequestListener } from './http/pipeline';
import { Router } from './http/router';
import { MigrationCensus } from './metrics/census';
import { addMetricsRoute } from './metrics/route';
import { ServeMetrics, UNMATCHED_ROUTE } from './metrics/serve-metrics';
import { MigrationWorkflows } from './migrations/migration-workflows';
import { addMigrationRoutes } from './migrations/routes';
import { addOpenApiRoute } from './openapi';
import { ServerWorkflows } from './server-workflows';

export { loadServeConfig, ServeConfigError, type ServeConfig, type ServeConfigOptions } from './config';

export interface ServeServiceOptions extends ServeConfigOptions {
  /** Settings already loaded with {@link loadServeConfig}; the environment is then not read again. */
  config?: ServeConfig;
  /** @default a pino logger named 'whm-migrate-serve' on stderr */
  logger?: Logger;
}

export interface ServeService {
  /** Base URL, for example `http://127.0.0.1:8080`. */
  url: string;
  /** Port the service listens on (the chosen one when configured as 0). */
  port: number;
  /** Stops accepting requests, waits for those in flight (up to 5 s) and closes the Temporal connection. */
  close(): Promise<void>;
}

/** Seconds a client should wait before retrying while Temporal is unreachable. */
const RETRY_AFTER_SECONDS = 10;
/** How long a request may take from its first byte to the end of its body, in milliseconds. */
const REQUEST_TIMEOUT_MS = 30_000;
/** How long `close()` waits for requests in flight before cutting their connections, in milliseconds. */
const CLOSE_GRACE_MS = 5_000;

/**
 * Starts the HTTP service. Temporal is not contacted at start-up, so the service comes up while
 * Temporal is down: alert deliveries then get 503, `/readyz` reports not ready and `/metrics`
 * reports `whm_migrate_serve_temporal_up 0`.
 *
 * @throws ServeConfigError when a setting is invalid.
 * @throws Error when the port cannot be bound (for example, already in use).
 */
export async function startServeService(options: ServeServiceOptions = {}): Promise<ServeService> {
  const config = options.config ?? (await loadServeConfig(options));
  const logger = options.logger ?? createLogger('whm-migrate-serve');
  const metrics = new ServeMetrics();
  const onTemporalFailure = metrics.temporalFailed.bind(metrics);
  const serverWorkflows = ServerWorkflows.create(config.temporal, config.temporalCallTimeoutMs, onTemporalFailure);
  const migrations = new MigrationWorkflows(config.temporal, config.temporalCallTimeoutMs, onTemporalFailure);
  const census = new MigrationCensus({ migrations, taskQueue: config.temporal.taskQueue, logger });

  const router = new Router();
  // The Temporal check ends after the call timeout with a message that names the failure, and the
  // extra second lets that message reach the report.
  addHealthRoutes(router, { serverWorkflows, checkTimeoutMs: config.temporalCallTimeoutMs + 1_000, retryAfterSeconds: RETRY_AFTER_SECONDS });
  addMetricsRoute(router, metrics, census);
  addAlertRoutes(router, { serverWorkflows, metrics, serverLabel: config.serverLabel, maxBodyBytes: config.maxBodyBytes });
  addMigrationRoutes(router, { migrations, metrics, maxBodyBytes: config.maxBodyBytes, retryAfterSeconds: RETRY_AFTER_SECONDS });
  addOpenApiRoute(router);

  const server = createServer(
    createRequestListener({
      router,
      tokenSha256: config.tokenSha256,
      logger,
      mapError: temporalHttpError,
      onResponse: ({ route, method, status }) => metrics.requestCompleted(route ?? UNMATCHED_ROUTE, method, status),
    }),
  );
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  try {
    await listen(server, config.host, config.port);
  } catch (error) {
    await serverWorkflows.close();
    await migrations.close();
    throw error;
  }

  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  logger.info(
    { url, temporalAddress: config.temporal.address, namespace: config.temporal.namespace, taskQueue: config.temporal.taskQueue, serverLabel: config.serverLabel },
    'whm-migrate serve listening',
  );

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close: () => {
      closing ??= (async () => {
        await stopServer(server);
        await serverWorkflows.close();
        await migrations.close();
        logger.info({ url }, 'whm-migrate serve stopped');
      })();
      return closing;
    },
  };
}

/** Maps Temporal being down or lacking the namespace to 503, which alert senders retry. */
function temporalHttpError(error: unknown): HttpError | undefined {
  if (!(error instanceof TemporalUnavailableError || error instanceof TemporalNamespaceNotFoundError)) return undefined;
  return new HttpError(503, `${error.message} Nothing was stored; send the request again.`, {
    headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    cause: error,
  });
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const hint = error.code === 'EADDRINUSE' ? ' Another process uses the port: set WHM_MIGRATE_SERVE_PORT to a free one.' : '';
      reject(new Error(`Cannot listen on ${host}:${port}: ${error.message}.${hint}`, { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function stopServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
  await closed;
  clearTimeout(timer);
}
