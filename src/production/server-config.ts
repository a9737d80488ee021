/**
 * Server configuration for a single-process Temporal server on PostgreSQL, derived from the server
 * module's own `config/development-postgres12.yaml`: every service on loopback, free ports, and the
 * database address and credentials of the cluster at hand.
 */
import { randomInt } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

/** The four services one server process runs, as the config file names them. */
const SERVICES = ['frontend', 'history', 'matching', 'worker'] as const;

/** Ports of one server process, all on the loopback host. */
export interface TemporalServerPorts {
  /** Frontend gRPC: what clients and workers connect to. */
  frontend: number;
  /** Frontend HTTP API (and Nexus callbacks). */
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  /** Membership (ringpop) ports, one per service. */
  membership: Record<(typeof SERVICES)[number], number>;
  /** The server's own Prometheus metrics. */
  metrics: number;
}

/** PostgreSQL connection settings of the server. */
export interface ServerDatabaseSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  /** @default 'temporal' */
  databaseName?: string;
  /** @default 'temporal_visibility' */
  visibilityDatabaseName?: string;
}

export interface ServerConfigInput {
  /** Text of `config/development-postgres12.yaml`. */
  template: string;
  /** Text of `config/dynamicconfig/development-sql.yaml`. */
  dynamicConfigTemplate: string;
  host: string;
  ports: TemporalServerPorts;
  database: ServerDatabaseSettings;
  /** Absolute path the dynamic config file is written to. */
  dynamicConfigPath: string;
  /** History shards; fixed for the cluster's lifetime. @default 4 (the template's value) */
  numHistoryShards?: number;
  /** @default 'warn' */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** Extra dynamic config keys, each a list of `{ value, constraints }` as the server's file format has it. */
  dynamicConfig?: Record<string, unknown>;
}

/**
 * Lowest and highest port handed out. The server stores its ports in the `cluster_membership` table,
 * whose `rpc_port` column is a PostgreSQL smallint (at most 32767), so the operating system's
 * ephemeral ports (32768 and up on Linux) make the server exit at start.
 */
const PORT_RANGE = { min: 20_000, max: 32_767 } as const;

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** Returns a port from 20000 to 32767 that was free on `host` a moment ago and is not in `taken`. */
async function freeServerPort(host: string, taken: Set<number>): Promise<number> {
  // Bounded: the range has about 12,800 ports, so 200 random tries fail only on a crowded machine.
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = randomInt(PORT_RANGE.min, PORT_RANGE.max + 1);
    if (taken.has(port) || !(await canListen(port, host))) continue;
    taken.add(port);
    return port;
  }
  throw new Error(`Found no free port from ${PORT_RANGE.min} to ${PORT_RANGE.max} on ${host} in 200 tries; stop some servers and try again.`);
}

/** Picks a free loopback port, below 32768, for every listener of one server process. */
export async function allocateServerPorts(host = '127.0.0.1'): Promise<TemporalServerPorts> {
  const taken = new Set<number>();
  const membership = { frontend: 0, history: 0, matching: 0, worker: 0 };
  for (const service of SERVICES) membership[service] = await freeServerPort(host, taken);
  return {
    frontend: await freeServerPort(host, taken),
    frontendHttp: await freeServerPort(host, taken),
    history: await freeServerPort(host, taken),
    matching: await freeServerPort(host, taken),
    worker: await freeServerPort(host, taken),
    membership,
    metrics: await freeServerPort(host, taken),
  };
}

/**
 * Renders the server config and its dynamic config from the module's templates.
 * @returns the YAML texts of `<env>.yaml` and of the dynamic config file
 */
export function renderServerConfig(input: ServerConfigInput): { config: string; dynamicConfig: string } {
  const config = parseDocument(input.template);
  const { host, ports, database } = input;
  const connectAddr = `${host}:${database.port}`;

  config.setIn(['log', 'level'], input.logLevel ?? 'warn');
  if (input.numHistoryShards !== undefined) config.setIn(['persistence', 'numHistoryShards'], input.numHistoryShards);
  const stores = {
    [String(config.getIn(['persistence', 'defaultStore']))]: database.databaseName ?? 'temporal',
    [String(config.getIn(['persistence', 'visibilityStore']))]: database.visibilityDatabaseName ?? 'temporal_visibility',
  };
  for (const [store, databaseName] of Object.entries(stores)) {
    const sql = ['persistence', 'datastores', store, 'sql'];
    if (!config.hasIn(sql)) throw new Error(`The config template has no SQL datastore "${store}"; it is not development-postgres12.yaml.`);
    config.setIn([...sql, 'databaseName'], databaseName);
    config.setIn([...sql, 'connectAddr'], connectAddr);
    config.setIn([...sql, 'user'], database.user);
    config.setIn([...sql, 'password'], database.password);
  }
  // The template gives visibility 2 connections, which stalls list queries under load.
  config.setIn(['persistence', 'datastores', String(config.getIn(['persistence', 'visibilityStore'])), 'sql', 'maxConns'], 10);
  config.setIn(['persistence', 'datastores', String(config.getIn(['persistence', 'visibilityStore'])), 'sql', 'maxIdleConns'], 10);

  config.setIn(['global', 'membership', 'broadcastAddress'], host);
  // Port 0 leaves pprof off; the template's fixed 7936 would collide between servers.
  config.setIn(['global', 'pprof', 'port'], 0);
  config.setIn(['global', 'metrics', 'prometheus', 'listenAddress'], `${host}:${ports.metrics}`);

  const grpcPorts = { frontend: ports.frontend, history: ports.history, matching: ports.matching, worker: ports.worker };
  for (const service of SERVICES) {
    const rpc = ['services', service, 'rpc'];
    config.setIn([...rpc, 'grpcPort'], grpcPorts[service]);
    config.setIn([...rpc, 'membershipPort'], ports.membership[service]);
    // bindOnLocalHost binds 127.0.0.1; bindOnIP names the host explicitly (one of the two may be set).
    config.deleteIn([...rpc, 'bindOnLocalHost']);
    config.setIn([...rpc, 'bindOnIP'], host);
  }
  config.setIn(['services', 'frontend', 'rpc', 'httpPort'], ports.frontendHttp);
  config.setIn(['clusterMetadata', 'clusterInformation', 'active', 'rpcAddress'], `${host}:${ports.frontend}`);
  config.setIn(['dynamicConfigClient', 'filepath'], input.dynamicConfigPath);

  const dynamicConfig = parseDocument(input.dynamicConfigTemplate);
  dynamicConfig.setIn(['component.nexusoperations.callback.endpoint.template', 0, 'value'],
    `http://${host}:${ports.frontendHttp}/namespaces/{{.NamespaceName}}/nexus/callback`);
  for (const [key, value] of Object.entries(input.dynamicConfig ?? {})) dynamicConfig.set(key, value);

  return { config: config.toString(), dynamicConfig: dynamicConfig.toString() };
}

/**
 * Writes `<directory>/config/<environment>.yaml` and `<directory>/config/dynamicconfig.yaml`; the
 * server then starts with `--root <directory> --config config --env <environment>`.
 */
export async function writeServerConfig(
  directory: string,
  environment: string,
  input: Omit<ServerConfigInput, 'template' | 'dynamicConfigTemplate' | 'dynamicConfigPath'> & { templatePath: string; dynamicConfigTemplatePath: string },
): Promise<void> {
  const configDirectory = join(directory, 'config');
  const dynamicConfigPath = join(configDirectory, 'dynamicconfig.yaml');
  const rendered = renderServerConfig({
    ...input,
    template: await readFile(input.templatePath, 'utf8'),
    dynamicConfigTemplate: await readFile(input.dynamicConfigTemplatePath, 'utf8'),
    dynamicConfigPath,
  });
  await mkdir(configDirectory, { recursive: true });
  // The config contains the database password, so only its owner may read it.
  await writeFile(join(configDirectory, `${environment}.yaml`), rendered.config, { mode: 0o600 });
  await writeFile(dynamicConfigPath, rendered.dynamicConfig);
}
