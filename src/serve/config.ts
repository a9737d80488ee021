import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { InvalidClientConfigError, resolveClientConfig, type MigrationClientConfig } from '../client';
import { tokenDigest } from './http/auth';

/** Settings that do not come from the environment; each one given replaces its variable. */
export interface ServeConfigOptions {
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Temporal frontend as `host:port`. @default $TEMPORAL_ADDRESS, else 127.0.0.1:7233 */
  address?: string;
  /** @default $TEMPORAL_NAMESPACE, else default */
  namespace?: string;
  /** Task queue of the server workflows. @default $WHM_MIGRATE_TASK_QUEUE, else whm-migrate */
  taskQueue?: string;
  /**
   * How long one Temporal call may take, retries included, before the request gets 503, in
   * milliseconds. @default 5000
   */
  temporalCallTimeoutMs?: number;
  /** Largest request body accepted, in bytes; larger ones get 413. @default 1 MiB */
  maxBodyBytes?: number;
}

/** Settings of the HTTP service after defaults and validation. */
export interface ServeConfig {
  readonly host: string;
  /** TCP port; 0 lets the operating system choose one. */
  readonly port: number;
  /** SHA-256 of the bearer token: the token itself is not kept, so no log of the config can reveal it. */
  readonly tokenSha256: Buffer;
  /** Alert label whose value names the WHM server. */
  readonly serverLabel: string;
  readonly temporal: MigrationClientConfig;
  readonly temporalCallTimeoutMs: number;
  readonly maxBodyBytes: number;
}

export const DEFAULT_SERVE_HOST = '127.0.0.1';
export const DEFAULT_SERVE_PORT = 8080;
export const DEFAULT_SERVER_LABEL = 'instance';
export const DEFAULT_TEMPORAL_CALL_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Shortest bearer token accepted: 16 characters, for example 8 random bytes in hex. */
export const MIN_TOKEN_LENGTH = 16;

/** Thrown when the service's settings are invalid; lists every problem, never a secret value. */
export class ServeConfigError extends Error {
  override readonly name = 'ServeConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid settings for whm-migrate serve:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const hostSchema = z
  .string()
  .trim()
  .refine((host) => isIP(host) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(host), 'must be an IP address or a host name, for example 127.0.0.1');
const portSchema = z
  .string()
  .trim()
  .regex(/^\d{1,5}$/, { error: 'must be a whole number from 0 to 65535', abort: true })
  .transform(Number)
  .refine((port) => port <= 65535, 'must be a whole number from 0 to 65535');
// RFC 6750 token68 characters, so the token fits an Authorization header unchanged.
const tokenSchema = z
  .string()
  .min(MIN_TOKEN_LENGTH, `must be at least ${MIN_TOKEN_LENGTH} characters; generate one with \`openssl rand -hex 32\``)
  .regex(/^[A-Za-z0-9\-._~+/]+=*$/, 'may contain only letters, digits and - . _ ~ + / (then = padding)');
const labelSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a Prometheus label name: letters, digits and _, not starting with a digit');
const positiveIntegerSchema = (unit: string) => z.number().int(`must be a whole number of ${unit}`).min(1, `must be at least 1 ${unit}`);

const settingsSchema = z.object({
  WHM_MIGRATE_SERVE_HOST: hostSchema,
  WHM_MIGRATE_SERVE_PORT: portSchema,
  WHM_MIGRATE_ALERT_SERVER_LABEL: labelSchema,
  temporalCallTimeoutMs: positiveIntegerSchema('milliseconds'),
  maxBodyBytes: positiveIntegerSchema('bytes'),
});

/**
 * Reads the service's settings from the environment (and `options`), and validates them all at once.
 *
 * @throws ServeConfigError listing every invalid or missing setting by its variable name.
 */
export async function loadServeConfig(options: ServeConfigOptions = {}): Promise<ServeConfig> {
  const env = options.env ?? process.env;
  // Empty variables count as unset, as a shell `export NAME=` intends.
  const variable = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const problems: string[] = [];

  const parsed = settingsSchema.safeParse({
    WHM_MIGRATE_SERVE_HOST: variable('WHM_MIGRATE_SERVE_HOST') ?? DEFAULT_SERVE_HOST,
    WHM_MIGRATE_SERVE_PORT: variable('WHM_MIGRATE_SERVE_PORT') ?? String(DEFAULT_SERVE_PORT),
    WHM_MIGRATE_ALERT_SERVER_LABEL: variable('WHM_MIGRATE_ALERT_SERVER_LABEL') ?? DEFAULT_SERVER_LABEL,
    temporalCallTimeoutMs: options.temporalCallTimeoutMs ?? DEFAULT_TEMPORAL_CALL_TIMEOUT_MS,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${String(issue.path[0])}: ${issue.message}`);
  }

  const token = await readToken(variable('WHM_MIGRATE_SERVE_TOKEN'), variable('WHM_MIGRATE_SERVE_TOKEN_FILE'), problems);

  let temporal: MigrationClientConfig | undefined;
  try {
    temporal = resolveClientConfig({ env, address: options.address, namespace: options.namespace, taskQueue: options.taskQueue });
  } catch (error) {
    if (!(error instanceof InvalidClientConfigError)) throw error;
    problems.push(...error.problems);
  }

  if (problems.length > 0 || !parsed.success || temporal === undefined || token === undefined) throw new ServeConfigError(problems);
  const settings = parsed.data;
  return Object.freeze({
    host: settings.WHM_MIGRATE_SERVE_HOST,
    port: settings.WHM_MIGRATE_SERVE_PORT,
    tokenSha256: tokenDigest(token),
    serverLabel: settings.WHM_MIGRATE_ALERT_SERVER_LABEL,
    temporal,
    temporalCallTimeoutMs: settings.temporalCallTimeoutMs,
    maxBodyBytes: settings.maxBodyBytes,
  });
}

/**
 * Returns the valid bearer token from exactly one of its two variables, or records why there is none.
 * Problems name the variable, never the value.
 */
async function readToken(inline: string | undefined, file: string | undefined, problems: string[]): Promise<string | undefined> {
  if (inline !== undefined && file !== undefined) {
    problems.push('WHM_MIGRATE_SERVE_TOKEN and WHM_MIGRATE_SERVE_TOKEN_FILE: set only one of them');
    return undefined;
  }
  if (inline === undefined && file === undefined) {
    problems.push('WHM_MIGRATE_SERVE_TOKEN or WHM_MIGRATE_SERVE_TOKEN_FILE: missing; set one to the bearer token that alert senders present (or to a file that contains it)');
    return undefined;
  }

  let token = inline;
  const origin = inline === undefined ? 'WHM_MIGRATE_SERVE_TOKEN_FILE' : 'WHM_MIGRATE_SERVE_TOKEN';
  if (file !== undefined) {
    try {
      // Files written by `echo` or an editor end with a line break, which is not part of the token.
      token = (await readFile(file, 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      problems.push(`WHM_MIGRATE_SERVE_TOKEN_FILE: cannot read "${file}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return undefined;
    }
  }

  const parsed = tokenSchema.safeParse(token);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) problems.push(`${origin}: ${issue.message}`);
  return undefined;
}
