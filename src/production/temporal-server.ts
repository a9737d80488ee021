/**
 * The production topology on one machine: a PostgreSQL cluster, the Temporal server v1.29.1 built
 * from source with its schemas applied by temporal-sql-tool, the `default` namespace and the
 * migration search attributes. Tests use it to prove durability on the same persistence a
 * production cluster uses; operators use it to rehearse without Docker.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../search-attributes';
import type { SearchAttributeTypeName } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes-setup';
import { ManagedProcess, runCommand, waitForReady } from './child-process';
import { startPostgresCluster, type PostgresCluster } from './postgres';
import { allocateServerPorts, type TemporalServerPorts, writeServerConfig } from './server-config';
import { resolveTemporalServerBinaries, type TemporalServerBinaries } from './server-binaries';

/** The schema script the compose schema job runs; the launcher runs the same file. */
export const SCHEMA_SCRIPT = resolve(__dirname, '..', '..', 'deploy', 'scripts', 'setup-postgres-schema.sh');

/** Config environment name: the server reads `config/<name>.yaml`. */
const CONFIG_ENVIRONMENT = 'whm-migrate';
const HOST = '127.0.0.1';

/** Thrown when a step of the start-up fails; the message names the step and the last output. */
export class PostgresTemporalStartError extends Error {
  override readonly name = 'PostgresTemporalStartError';
}

export interface PostgresTemporalOptions {
  /**
   * Directory for the PostgreSQL cluster (`postgres/`) and the server config (`server/`); an existing
   * one is started again with its data. @default a new directory under the system's temp directory,
   * removed by stop()
   */
  directory?: string;
  /** @default resolved, and built when missing, by resolveTemporalServerBinaries */
  binaries?: TemporalServerBinaries;
  /** Namespace created at start. @default 'default' */
  namespace?: string;
  /** Retention of closed workflows in that namespace, in days. @default 3 */
  retentionDays?: number;
  /** @default the migration search attributes */
  searchAttributes?: Record<string, SearchAttributeTypeName>;
  /** Extra dynamic config keys, each a list of `{ value, constraints }`. */
  dynamicConfig?: Record<string, unknown>;
  /** @default 'warn' */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Receives every line the server and PostgreSQL print, prefixed with their name. */
  onLog?: (line: string) => void;
  /** Receives one line per start-up step. @default none */
  progress?: (line: string) => void;
  /** How long the server may take to accept requests after each start. @default 120_000 ms */
  startTimeoutMs?: number;
}

/** A running PostgreSQL-backed Temporal server. */
export interface PostgresTemporal {
  /** `host:port` of the frontend, for Connection.connect and NativeConnection.connect. */
  readonly address: string;
  readonly ports: TemporalServerPorts;
  /** The server's own Prometheus endpoint. */
  readonly metricsUrl: string;
  readonly namespace: string;
  readonly directory: string;
  readonly postgres: PostgresCluster;
  /** pid of the current server process, or undefined while it is down. */
  readonly serverPid: number | undefined;
  /** Ends the server process with `signal` (SIGKILL: a crash) and waits for it; PostgreSQL keeps running. */
  killServer(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server process again with the same config and ports, once it is down. */
  restartServer(): Promise<void>;
  /** Stops the server (SIGTERM), then PostgreSQL, and removes the directory when the launcher made it. */
  stop(): Promise<void>;
}

/**
 * Starts PostgreSQL, applies the Temporal schemas, starts the server, and creates the namespace and
 * search attributes. Resolves once a client can start workflows in the namespace.
 *
 * @throws PostgresTemporalStartError naming the failed step; everything started before it is stopped
 */
export async function startPostgresTemporal(options: PostgresTemporalOptions = {}): Promise<PostgresTemporal> {
  const progress = options.progress ?? (() => undefined);
  const ownsDirectory = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'whm-migrate-temporal-')));
  // mkdtemp makes the directory 0700; the postgres account must pass through it to its own cluster.
  if (ownsDirectory) await chmod(directory, 0o711);
  const namespace = options.namespace ?? 'default';
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const log = (prefix: string) => (line: string) => options.onLog?.(`[${prefix}] ${line}`);

  let postgres: PostgresCluster | undefined;
  let server: ManagedProcess | undefined;
  const cleanUp = async (): Promise<void> => {
    await server?.stop('SIGTERM', 10_000);
    await postgres?.stop();
    if (ownsDirectory) await rm(directory, { recursive: true, force: true });
  };

  let step = 'building the Temporal server';
  try {
    const binaries = options.binaries ?? (await resolveTemporalServerBinaries({ progress }));

    step = 'starting PostgreSQL';
    progress(`Starting PostgreSQL in ${join(directory, 'postgres')}.`);
    postgres = await startPostgresCluster({ directory: join(directory, 'postgres'), onLog: log('postgres') });

    step = 'applying the Temporal schemas';
    progress(`Applying the Temporal schemas with temporal-sql-tool (PostgreSQL on ${postgres.host}:${postgres.port}).`);
    await applySchemas(binaries, postgres);

    step = 'writing the server config';
    const ports = await allocateServerPorts(HOST);
    const serverDirectory = join(directory, 'server');
    await writeServerConfig(serverDirectory, CONFIG_ENVIRONMENT, {
      templatePath: binaries.configTemplate,
      dynamicConfigTemplatePath: binaries.dynamicConfigTemplate,
      host: HOST,
      ports,
      database: { host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password },
      logLevel: options.logLevel,
      dynamicConfig: options.dynamicConfig,
    });

    const address = `${HOST}:${ports.frontend}`;
    const startServer = async (): Promise<ManagedProcess> => {
      const started = ManagedProcess.start({
        label: 'temporal-server',
        command: binaries.server,
        args: ['--root', serverDirectory, '--config', 'config', '--env', CONFIG_ENVIRONMENT, '--allow-no-auth', 'start'],
        onLog: log('temporal-server'),
      });
      await waitForReady(`The Temporal server on ${address}`, () => probeFrontend(address), { timeoutMs: startTimeoutMs, intervalMs: 500, process: started });
      return started;
    };

    step = 'starting the Temporal server';
    progress(`Starting the Temporal server v${binaries.version} on ${address}.`);
    server = await startServer();

    step = `creating the namespace ${namespace}`;
    await setUpNamespace(address, namespace, options.retentionDays ?? 3, options.searchAttributes ?? SEARCH_ATTRIBUTE_CLI_TYPES, startTimeoutMs);
    progress(`Temporal server ready on ${address}, namespace ${namespace}.`);

    const postgresCluster = postgres;
    return {
      address,
      ports,
      metricsUrl: `http://${HOST}:${ports.metrics}/metrics`,
      namespace,
      directory,
      postgres: postgresCluster,
      get serverPid() {
        return server?.isRunning ? server.pid : undefined;
      },
      async killServer(signal: NodeJS.Signals = 'SIGKILL') {
        await server?.stop(signal, 10_000);
      },
      async restartServer() {
        if (server?.isRunning) throw new Error(`The Temporal server (pid ${server.pid}) is still running: kill it first.`);
        server = await startServer();
        // The namespace registry is loaded from PostgreSQL at start; wait until it serves the namespace.
        await waitForReady(`Namespace ${namespace} on ${address}`, () => probeNamespace(address, namespace), { timeoutMs: startTimeoutMs, intervalMs: 500 });
      },
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw new PostgresTemporalStartError(`Starting the PostgreSQL-backed Temporal server failed while ${step}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

async function applySchemas(binaries: TemporalServerBinaries, postgres: PostgresCluster): Promise<void> {
  await runCommand('sh', [SCHEMA_SCRIPT], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      POSTGRES_SEEDS: postgres.host,
      DB_PORT: String(postgres.port),
      POSTGRES_USER: postgres.user,
      POSTGRES_PWD: postgres.password,
      TEMPORAL_SQL_TOOL: binaries.sqlTool,
      SCHEMA_DIR: binaries.schemaDirectory,
    },
    timeoutMs: 180_000,
    redact: [postgres.password],
  });
}

async function withConnection<T>(address: string, fn: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    return await fn(connection);
  } finally {
    await connection.close();
  }
}

function probeFrontend(address: string): Promise<void> {
  return withConnection(address, async (connection) => {
    await connection.workflowService.getSystemInfo({});
  });
}

/**
 * Succeeds once the frontend's namespace registry has loaded `namespace`, so workflows can start in
 * it. Given a visibility query, it also waits for every search attribute the query names.
 */
function probeNamespace(address: string, namespace: string, query = ''): Promise<void> {
  return withConnection(address, async (connection) => {
    await connection.workflowService.countWorkflowExecutions({ namespace, query });
  });
}

/** Registers the namespace when it is missing, waits until it serves requests, then adds the search attributes. */
async function setUpNamespace(
  address: string,
  namespace: string,
  retentionDays: number,
  searchAttributes: Record<string, SearchAttributeTypeName>,
  timeoutMs: number,
): Promise<void> {
  await withConnection(address, async (connection) => {
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch {
      await connection.workflowService.registerNamespace({
        namespace,
        workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`),
      });
    }
  });
  await waitForReady(`Namespace ${namespace} on ${address}`, () => probeNamespace(address, namespace), { timeoutMs, intervalMs: 500 });
  await withConnection(address, (connection) => ensureSearchAttributes(connection, namespace, searchAttributes));
  // The server maps new attributes to visibility columns through its namespace registry, refreshed
  // every 2 s (system.namespaceCacheRefreshInterval); until then an upsert fails the workflow task.
  const query = Object.entries(searchAttributes).map(([name, type]) => `${name} = ${SAMPLE_VALUES[type]}`).join(' OR ');
  if (query !== '') {
    await waitForReady(`Search attributes in ${namespace}`, () => probeNamespace(address, namespace, query), { timeoutMs, intervalMs: 500 });
  }
}

/** A literal of each search attribute type for visibility queries; the values themselves do not matter. */
const SAMPLE_VALUES: Record<SearchAttributeTypeName, string> = {
  Text: "'x'",
  Keyword: "'x'",
  KeywordList: "'x'",
  Int: '0',
  Double: '0',
  Bool: 'true',
  Datetime: "'2000-01-01T00:00:00Z'",
};
