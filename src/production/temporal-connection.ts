/**
 * The Temporal connection settings of a process, read the way every Temporal SDK and the Temporal
 * CLI read them (@temporalio/envconfig). The base is a profile of the TOML config file
 * (`TEMPORAL_CONFIG_FILE`, else ~/.config/temporalio/temporal.toml; profile `TEMPORAL_PROFILE`, else
 * `default`). `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS` and the
 * `TEMPORAL_TLS_*` variables override it. The variables are checked first, so one message lists
 * every problem.
 */
import { accessSync, constants } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { loadClientConnectConfig } from '@temporalio/envconfig';

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';

/** Options for `NativeConnection.connect` (worker) and `Connection.connect` (client). */
export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig | boolean;
  apiKey?: string;
  metadata?: Record<string, string>;
}

/** Resolved connection settings. */
export interface TemporalConnectionSettings {
  readonly namespace: string;
  readonly connectionOptions: TemporalConnectionOptions;
  /** Connection facts safe to log: no key, certificate or metadata value. */
  readonly summary: { address: string; namespace: string; tls: boolean; clientCertificate: boolean; apiKey: boolean };
}

/** Variables read from a file by path, each with the one that carries the same content inline. */
const TLS_FILE_VARIABLES = [
  ['TEMPORAL_TLS_CLIENT_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_DATA'],
  ['TEMPORAL_TLS_CLIENT_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_DATA'],
  ['TEMPORAL_TLS_SERVER_CA_CERT_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_DATA'],
] as const;

/** Every variable this module reads, for documentation checks; `TEMPORAL_GRPC_META_<NAME>` is a family. */
export const TEMPORAL_CONNECTION_VARIABLES = [
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_TLS',
  'TEMPORAL_TLS_SERVER_NAME',
  ...TLS_FILE_VARIABLES.flat(),
  'TEMPORAL_CONFIG_FILE',
  'TEMPORAL_PROFILE',
  'TEMPORAL_GRPC_META_',
] as const;

const ADDRESS = /^(\[[0-9a-fA-F:]+\]|[^\s:/[\]]+):(\d{1,5})$/;

/** Tells whether this process may read the file at `path`, for start-up checks of configured paths. */
export function isReadableFile(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Returns the environment without empty variables: `export NAME=` means unset, as in a shell. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

/** Checks the variables envconfig would accept silently or fail on with a bare file error. */
function checkVariables(env: Record<string, string>): string[] {
  const problems: string[] = [];
  const address = env.TEMPORAL_ADDRESS;
  if (address !== undefined) {
    const match = ADDRESS.exec(address.trim());
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      problems.push('TEMPORAL_ADDRESS: must be host:port, for example 127.0.0.1:7233 or my-namespace.a1b2c.tmprl.cloud:7233');
    }
  }
  if (env.TEMPORAL_NAMESPACE !== undefined && env.TEMPORAL_NAMESPACE.trim() === '') problems.push('TEMPORAL_NAMESPACE: must not be blank');
  // envconfig reads anything but 1 and true as false, which would turn TLS off on a typo.
  if (env.TEMPORAL_TLS !== undefined && !['true', 'false', '1', '0'].includes(env.TEMPORAL_TLS)) {
    problems.push('TEMPORAL_TLS: must be true or false');
  }
  if (env.TEMPORAL_TLS_DISABLE_HOST_VERIFICATION !== undefined) {
    problems.push('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: the TypeScript SDK cannot turn host verification off; set TEMPORAL_TLS_SERVER_NAME to the name in the server certificate instead');
  }
  for (const [pathVariable, dataVariable] of TLS_FILE_VARIABLES) {
    const path = env[pathVariable];
    if (path !== undefined && env[dataVariable] !== undefined) problems.push(`${pathVariable} and ${dataVariable}: set only one of them`);
    if (path !== undefined && !isReadableFile(path)) problems.push(`${pathVariable}: cannot read the file "${path}"`);
  }
  const hasCertificate = env.TEMPORAL_TLS_CLIENT_CERT_PATH !== undefined || env.TEMPORAL_TLS_CLIENT_CERT_DATA !== undefined;
  const hasKey = env.TEMPORAL_TLS_CLIENT_KEY_PATH !== undefined || env.TEMPORAL_TLS_CLIENT_KEY_DATA !== undefined;
  if (hasCertificate !== hasKey) problems.push('TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_*: mTLS needs both the certificate and its key');
  if (env.TEMPORAL_CONFIG_FILE !== undefined && !isReadableFile(env.TEMPORAL_CONFIG_FILE)) {
    problems.push(`TEMPORAL_CONFIG_FILE: cannot read the file "${env.TEMPORAL_CONFIG_FILE}"`);
  }
  return problems;
}

/**
 * Resolves the connection settings from `env`. Returns problems instead of throwing, each named by
 * its variable and without the value of a key or certificate.
 */
export function resolveTemporalConnection(env: NodeJS.ProcessEnv = process.env): { settings?: TemporalConnectionSettings; problems: string[] } {
  const variables = withoutEmpty(env);
  const problems = checkVariables(variables);
  if (problems.length > 0) return { problems };

  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: variables });
  } catch (error) {
    // envconfig names the file, profile or key; TOML syntax errors quote the line, which may hold a key.
    const message = (error as Error).message.split('\n')[0] ?? 'unreadable';
    return { problems: [`Temporal client config${variables.TEMPORAL_PROFILE ? ` (profile ${variables.TEMPORAL_PROFILE})` : ''}: ${message}`] };
  }

  const { connectionOptions } = loaded;
  const address = connectionOptions.address?.trim() || DEFAULT_ADDRESS;
  const namespace = loaded.namespace?.trim() || DEFAULT_NAMESPACE;
  const tls = connectionOptions.tls ?? undefined;
  const options: TemporalConnectionOptions = { address };
  if (tls !== undefined) options.tls = tls;
  if (connectionOptions.apiKey !== undefined) options.apiKey = connectionOptions.apiKey;
  if (connectionOptions.metadata !== undefined && Object.keys(connectionOptions.metadata).length > 0) {
    options.metadata = connectionOptions.metadata as Record<string, string>;
  }

  return {
    problems: [],
    settings: Object.freeze({
      namespace,
      connectionOptions: options,
      summary: {
        address,
        namespace,
        tls: tls !== undefined && tls !== false,
        clientCertificate: typeof tls === 'object' && tls.clientCertPair !== undefined,
        apiKey: options.apiKey !== undefined,
      },
    }),
  };
}
