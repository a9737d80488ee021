import type { TLSConfig } from '@temporalio/client';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../messages';
import { DEFAULT_ADDRESS, DEFAULT_NAMESPACE as DEFAULT_CONNECTION_NAMESPACE, resolveTemporalConnection } from '../production/temporal-connection';
import { InvalidClientConfigError } from './errors';

/**
 * Options of {@link MigrationClient.connect}. Each one given replaces the value from the environment;
 * each one left out is resolved as the worker resolves it (`@temporalio/envconfig`): a profile of
 * the TOML config file, overridden by the `TEMPORAL_*` variables.
 */
export interface MigrationClientOptions {
  /** Temporal frontend as `host:port`. @default $TEMPORAL_ADDRESS, else the profile's, else '127.0.0.1:7233' */
  address?: string;
  /** @default $TEMPORAL_NAMESPACE, else the profile's, else 'default' */
  namespace?: string;
  /** Task queue the migration worker polls. @default $WHM_MIGRATE_TASK_QUEUE, else 'whm-migrate' */
  taskQueue?: string;
  /** API key sent as a bearer token, for Temporal Cloud; turns TLS on unless `tls` is false. @default $TEMPORAL_API_KEY, else the profile's */
  apiKey?: string;
  /**
   * TLS settings: `true` uses the system's trusted CAs, `false` turns TLS off. Given, it replaces
   * every `TEMPORAL_TLS*` variable. @default from $TEMPORAL_TLS, the `TEMPORAL_TLS_*` files and
   * server name, and the profile; on with an API key; else plain
   */
  tls?: TLSConfig | boolean;
  /** How long to wait for the server to respond when connecting, in milliseconds. @default 10_000 */
  connectTimeoutMs?: number;
  /** How long a `status` query may wait for a worker to respond, in milliseconds. @default 15_000 */
  queryTimeoutMs?: number;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Settings after defaults and validation. */
export interface MigrationClientConfig {
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly apiKey?: string;
  /** TLS settings with the certificate and key files already read. */
  readonly tls?: TLSConfig | boolean;
  /** gRPC headers sent with every request (`TEMPORAL_GRPC_META_<NAME>` or the profile's `grpc_meta`). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
}

export const DEFAULT_TEMPORAL_ADDRESS = DEFAULT_ADDRESS;
export const DEFAULT_NAMESPACE = DEFAULT_CONNECTION_NAMESPACE;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 15_000;

/**
 * Variables that earlier versions of the client read, with the `@temporalio/envconfig` names that
 * replaced them. A set one is rejected: ignoring it would drop the CA or client certificate without a word.
 */
const RENAMED_VARIABLES = {
  TEMPORAL_TLS_CA_PATH: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  TEMPORAL_TLS_CERT_PATH: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  TEMPORAL_TLS_KEY_PATH: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
} as const;

const addressSchema = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):\d{1,5}$/, { error: 'must be host:port, for example 127.0.0.1:7233', abort: true })
  .refine((address) => Number(address.slice(address.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535');
const nameSchema = z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters');
const millisecondsSchema = z.number().int('must be a whole number of milliseconds').min(1, 'must be at least 1 ms');

const settingsSchema = z.object({
  address: addressSchema,
  namespace: nameSchema,
  taskQueue: nameSchema,
  apiKey: z.string().min(1, 'must not be empty').optional(),
  connectTimeoutMs: millisecondsSchema,
  queryTimeoutMs: millisecondsSchema,
});

type SettingName = keyof z.input<typeof settingsSchema>;

/**
 * Resolves the client settings from the options, the environment and the Temporal config file,
 * reads the TLS files they name, and validates everything at once.
 *
 * @throws InvalidClientConfigError listing every invalid setting and where it came from; no API key,
 *   certificate or key is part of the message.
 */
export function resolveClientConfig(options: MigrationClientOptions = {}): MigrationClientConfig {
  const env = options.env ?? process.env;
  // Empty variables count as unset, as a shell `export TEMPORAL_ADDRESS=` intends.
  const variable = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

  const problems = Object.entries(RENAMED_VARIABLES)
    .filter(([name]) => variable(name) !== undefined)
    .map(([name, replacement]) => `${name}: no longer read; set ${replacement} instead`);
  const connection = resolveTemporalConnection(withoutOverriddenVariables(env, options));
  problems.push(...connection.problems);
  const resolved = connection.settings;

  const origin = (option: SettingName, name: string, profileKey: string): string => {
    if (options[option] !== undefined) return option;
    return variable(name) === undefined ? `${profileKey} in the Temporal config file profile` : name;
  };
  const origins: Record<SettingName, string> = {
    address: origin('address', 'TEMPORAL_ADDRESS', 'address'),
    namespace: origin('namespace', 'TEMPORAL_NAMESPACE', 'namespace'),
    taskQueue: options.taskQueue === undefined ? 'WHM_MIGRATE_TASK_QUEUE' : 'taskQueue',
    apiKey: origin('apiKey', 'TEMPORAL_API_KEY', 'api_key'),
    connectTimeoutMs: 'connectTimeoutMs',
    queryTimeoutMs: 'queryTimeoutMs',
  };
  const parsed = settingsSchema.safeParse({
    address: options.address ?? resolved?.connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS,
    namespace: options.namespace ?? resolved?.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: options.taskQueue ?? variable('WHM_MIGRATE_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE,
    apiKey: options.apiKey ?? resolved?.connectionOptions.apiKey,
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
  });
  if (!parsed.success) problems.push(...describeIssues(parsed.error, (key) => origins[key as SettingName] ?? key));
  if (problems.length > 0 || !parsed.success) throw new InvalidClientConfigError(problems);

  const settings = parsed.data;
  // As envconfig decides for the environment: an API key turns TLS on unless TLS was turned off.
  const tls = options.tls ?? simplifiedTls(resolved?.connectionOptions.tls) ?? (settings.apiKey === undefined ? undefined : true);
  const metadata = resolved?.connectionOptions.metadata;
  const config: MigrationClientConfig = {
    ...settings,
    ...(tls === undefined ? {} : { tls }),
    ...(metadata === undefined ? {} : { metadata: Object.freeze({ ...metadata }) }),
  };
  return Object.freeze(config);
}

/**
 * Returns the environment without the variables that an explicit option replaces, so that neither
 * their values nor their problems count.
 */
function withoutOverriddenVariables(env: NodeJS.ProcessEnv, options: MigrationClientOptions): NodeJS.ProcessEnv {
  const replaced = (name: string): boolean =>
    (options.address !== undefined && name === 'TEMPORAL_ADDRESS') ||
    (options.namespace !== undefined && name === 'TEMPORAL_NAMESPACE') ||
    (options.apiKey !== undefined && name === 'TEMPORAL_API_KEY') ||
    (options.tls !== undefined && (name === 'TEMPORAL_TLS' || name.startsWith('TEMPORAL_TLS_')));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !replaced(name)));
}

/** Returns `true` for TLS settings that set nothing but "on", as envconfig builds them from `TEMPORAL_TLS=true`. */
function simplifiedTls(tls: TLSConfig | boolean | undefined): TLSConfig | boolean | undefined {
  if (typeof tls !== 'object') return tls;
  const set = Object.entries(tls).filter(([, value]) => value !== undefined);
  return set.length === 0 ? true : Object.fromEntries(set);
}

function describeIssues(error: z.ZodError, originOf: (key: string) => string): string[] {
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? 'options');
    // Values are left out on purpose: one of them may be the API key.
    return `${originOf(key)}: ${issue.message}`;
  });
}
