import type { TLSConfig } from '@temporalio/client';
import { z } from 'zod';
import { DEFAULT_TASK_QUEUE } from '../messages';
import { InvalidClientConfigError } from './errors';

/** Options of {@link MigrationClient.connect}; each one left out is read from the environment. */
export interface MigrationClientOptions {
  /** Temporal frontend as `host:port`. @default $TEMPORAL_ADDRESS, else '127.0.0.1:7233' */
  address?: string;
  /** @default $TEMPORAL_NAMESPACE, else 'default' */
  namespace?: string;
  /** Task queue the migration worker polls. @default $WHM_MIGRATE_TASK_QUEUE, else 'whm-migrate' */
  taskQueue?: string;
  /** API key sent as a bearer token, for Temporal Cloud. @default $TEMPORAL_API_KEY, else none */
  apiKey?: string;
  /**
   * TLS settings: `true` uses the system's trusted CAs. @default TLS when $TEMPORAL_TLS is true or
   * when $TEMPORAL_TLS_CA_PATH, $TEMPORAL_TLS_CERT_PATH or $TEMPORAL_TLS_KEY_PATH names a file; else plain
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
  readonly tls?: TLSConfig | boolean;
  /** Files that make up the TLS settings, read when connecting. */
  readonly tlsFiles?: { caPath?: string; certPath?: string; keyPath?: string };
  readonly connectTimeoutMs: number;
  readonly queryTimeoutMs: number;
}

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 15_000;

const addressSchema = z
  .string()
  .trim()
  .regex(/^(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):\d{1,5}$/, { error: 'must be host:port, for example 127.0.0.1:7233', abort: true })
  .refine((address) => Number(address.slice(address.lastIndexOf(':') + 1)) <= 65535, 'port must be at most 65535');
const nameSchema = z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters');
const millisecondsSchema = z.number().int('must be a whole number of milliseconds').min(1, 'must be at least 1 ms');
const pathSchema = z.string().min(1).optional();

const settingsSchema = z.object({
  address: addressSchema,
  namespace: nameSchema,
  taskQueue: nameSchema,
  apiKey: z.string().min(1, 'must not be empty').optional(),
  connectTimeoutMs: millisecondsSchema,
  queryTimeoutMs: millisecondsSchema,
  tlsEnabled: z.stringbool({ error: 'must be true or false' }).optional(),
  caPath: pathSchema,
  certPath: pathSchema,
  keyPath: pathSchema,
});

type SettingName = keyof z.input<typeof settingsSchema>;

/**
 * Resolves the client settings from the options and the environment, and validates them.
 *
 * @throws InvalidClientConfigError listing every invalid setting and where it came from; the API key
 *   is never part of the message.
 */
export function resolveClientConfig(options: MigrationClientOptions = {}): MigrationClientConfig {
  const env = options.env ?? process.env;
  // Empty variables count as unset, as a shell `export TEMPORAL_ADDRESS=` intends.
  const variable = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

  const origin: Record<SettingName, string> = {
    address: options.address === undefined ? 'TEMPORAL_ADDRESS' : 'address',
    namespace: options.namespace === undefined ? 'TEMPORAL_NAMESPACE' : 'namespace',
    taskQueue: options.taskQueue === undefined ? 'WHM_MIGRATE_TASK_QUEUE' : 'taskQueue',
    apiKey: options.apiKey === undefined ? 'TEMPORAL_API_KEY' : 'apiKey',
    connectTimeoutMs: 'connectTimeoutMs',
    queryTimeoutMs: 'queryTimeoutMs',
    tlsEnabled: 'TEMPORAL_TLS',
    caPath: 'TEMPORAL_TLS_CA_PATH',
    certPath: 'TEMPORAL_TLS_CERT_PATH',
    keyPath: 'TEMPORAL_TLS_KEY_PATH',
  };
  const parsed = settingsSchema.safeParse({
    address: options.address ?? variable('TEMPORAL_ADDRESS') ?? DEFAULT_TEMPORAL_ADDRESS,
    namespace: options.namespace ?? variable('TEMPORAL_NAMESPACE') ?? DEFAULT_NAMESPACE,
    taskQueue: options.taskQueue ?? variable('WHM_MIGRATE_TASK_QUEUE') ?? DEFAULT_TASK_QUEUE,
    apiKey: options.apiKey ?? variable('TEMPORAL_API_KEY'),
    connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    tlsEnabled: variable('TEMPORAL_TLS'),
    caPath: variable('TEMPORAL_TLS_CA_PATH'),
    certPath: variable('TEMPORAL_TLS_CERT_PATH'),
    keyPath: variable('TEMPORAL_TLS_KEY_PATH'),
  });
  if (!parsed.success) throw new InvalidClientConfigError(describeIssues(parsed.error, (key) => origin[key as SettingName] ?? key));

  const { tlsEnabled, caPath, certPath, keyPath, ...settings } = parsed.data;
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new InvalidClientConfigError(['TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH: set both for mTLS, or neither']);
  }
  const anyTlsFile = caPath !== undefined || certPath !== undefined;

  const config: MigrationClientConfig = {
    ...settings,
    tls: options.tls ?? (tlsEnabled === true || anyTlsFile ? true : undefined),
    tlsFiles: options.tls === undefined && anyTlsFile ? { caPath, certPath, keyPath } : undefined,
  };
  return Object.freeze(config);
}

function describeIssues(error: z.ZodError, originOf: (key: string) => string): string[] {
  return error.issues.map((issue) => {
    const key = String(issue.path[0] ?? 'options');
    // Values are left out on purpose: one of them may be the API key.
    return `${originOf(key)}: ${issue.message}`;
  });
}
