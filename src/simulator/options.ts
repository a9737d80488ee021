import { z } from 'zod';
import { silentLogger, type Logger } from '../log';

/** One cPanel account on a simulated server. */
export interface SimulatedAccount {
  user: string;
  domain: string;
  /** Disk usage in bytes. The remote analysis reports it rounded up to whole KiB, as cPanel's quota does. */
  bytesUsed: number;
  /** Owning reseller; default `root`. */
  owner?: string;
  /** Hosting package name; default `default`. */
  plan?: string;
  /**
   * The account's cPanel password. Only user-authenticated transfers (`AccountRemoteUser`) from this
   * server log in with it; an account without one rejects every cPanel login.
   */
  password?: string;
}

/** A hosting package on a simulated server. */
export interface SimulatedPackage {
  name: string;
  featurelist?: string;
}

/** A WHM login the simulator accepts: `Authorization: whm USER:TOKEN` and/or Basic `USER:PASSWORD`. */
export interface SimulatorCredential {
  user: string;
  token?: string;
  password?: string;
}

/**
 * `real`: `get_transfer_session_state` returns the session states of cPanel & WHM 11.120.
 * `doc-compat`: a running session reports `TRANSFER_INPROGRESS` or `RESTORE_INPROGRESS`, as the
 * published documentation shows.
 */
export type StateNameMode = 'real' | 'doc-compat';

export interface SimulatorOptions {
  /** Server hostname WHM reports. @default 'whm.sim.test' */
  hostname?: string;
  /** Bind address; only loopback addresses are accepted. @default '127.0.0.1' */
  host?: string;
  /** TCP port. @default 0 (a free port) */
  port?: number;
  /** `true` generates a self-signed certificate for 127.0.0.1, ::1, localhost and the hostname. @default false */
  tls?: boolean | { cert: string; key: string };
  /** Accepted logins. @default [{ user: 'root', token: 'sim-token' }] */
  credentials?: SimulatorCredential[];
  /** Accounts that live on this server, as a transfer source. */
  accounts?: SimulatedAccount[];
  packages?: SimulatedPackage[];
  featureLists?: string[];
  /** Extra system users that already exist here, so a transfer to these names conflicts. */
  localUsers?: string[];
  /** Remote hostname -> base URL of another simulator, on loopback. Replaces DNS for `create_remote_*_session`. */
  peers?: Record<string, string>;
  /** Transfer rate per worker thread, in bytes per second. @default 52428800 (50 MiB/s) */
  bytesPerSecond?: number;
  /** Restore rate per worker thread, in bytes per second. @default 2 x bytesPerSecond */
  restoreBytesPerSecond?: number;
  /** Shortest duration of one TRANSFER or RESTORE step, in milliseconds. @default 200 */
  minItemStepMs?: number;
  /** Extra time `create_remote_root_transfer_session` takes, in milliseconds. @default 500 */
  createDelayMs?: number;
  /** @default 'real' */
  stateNames?: StateNameMode;
  /** @default a logger that drops everything */
  logger?: Logger;
}

/** Options after validation, with every default applied. */
export interface ResolvedOptions {
  hostname: string;
  host: string;
  port: number;
  tls: boolean | { cert: string; key: string };
  credentials: SimulatorCredential[];
  accounts: SimulatedAccount[];
  packages: SimulatedPackage[];
  featureLists: string[];
  localUsers: string[];
  peers: Map<string, URL>;
  bytesPerSecond: number;
  restoreBytesPerSecond: number;
  minItemStepMs: number;
  createDelayMs: number;
  stateNames: StateNameMode;
  logger: Logger;
}

export const DEFAULT_HOSTNAME = 'whm.sim.test';
export const DEFAULT_CREDENTIALS: readonly SimulatorCredential[] = [{ user: 'root', token: 'sim-token' }];
const DEFAULT_BYTES_PER_SECOND = 50 * 1024 * 1024;

/** Reports whether `address` is a loopback address or `localhost`. */
export function isLoopbackHost(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

const hostnameSchema = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'must be a DNS hostname');
const userNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be a lowercase system user name');

const accountSchema = z.object({
  user: userNameSchema,
  domain: hostnameSchema,
  bytesUsed: z.number().int().nonnegative(),
  owner: userNameSchema.optional(),
  plan: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
});

const peerUrlSchema = z.url({ protocol: /^https?$/ }).refine(
  (value) => isLoopbackHost(new URL(value).hostname),
  'must point to a loopback address (127.0.0.1, ::1 or localhost)',
);

const optionsSchema = z.object({
  hostname: hostnameSchema.optional(),
  host: z.string().refine(isLoopbackHost, 'must be a loopback address (127.0.0.1, ::1 or localhost)').optional(),
  port: z.number().int().min(0).max(65535).optional(),
  tls: z.union([z.boolean(), z.object({ cert: z.string().min(1), key: z.string().min(1) })]).optional(),
  credentials: z.array(z.object({
    user: z.string().min(1).regex(/^[^:\s]+$/, 'must not contain a colon or whitespace'),
    token: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
  }).refine((credential) => credential.token !== undefined || credential.password !== undefined,
    'needs a token or a password')).min(1).optional(),
  accounts: z.array(accountSchema).optional(),
  packages: z.array(z.object({ name: z.string().min(1), featurelist: z.string().min(1).optional() })).optional(),
  featureLists: z.array(z.string().min(1)).optional(),
  localUsers: z.array(userNameSchema).optional(),
  peers: z.record(hostnameSchema, peerUrlSchema).optional(),
  bytesPerSecond: z.number().positive().optional(),
  restoreBytesPerSecond: z.number().positive().optional(),
  minItemStepMs: z.number().int().nonnegative().optional(),
  createDelayMs: z.number().int().nonnegative().optional(),
  stateNames: z.enum(['real', 'doc-compat']).optional(),
  logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
});

/**
 * Validates the options and applies the defaults. Throws an Error listing every invalid option; the
 * message never contains credential values.
 */
export function resolveOptions(options: SimulatorOptions = {}): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
    throw new Error(`Invalid WHM simulator options: ${problems.join('; ')}`);
  }

  const value = parsed.data;
  const bytesPerSecond = value.bytesPerSecond ?? DEFAULT_BYTES_PER_SECOND;
  const peers = new Map<string, URL>();
  for (const [name, url] of Object.entries(value.peers ?? {})) {
    peers.set(name.toLowerCase(), new URL(url));
  }

  return {
    hostname: value.hostname ?? DEFAULT_HOSTNAME,
    host: value.host ?? '127.0.0.1',
    port: value.port ?? 0,
    tls: value.tls ?? false,
    credentials: value.credentials ?? [...DEFAULT_CREDENTIALS],
    accounts: value.accounts ?? [],
    packages: value.packages ?? [],
    featureLists: value.featureLists ?? [],
    localUsers: value.localUsers ?? [],
    peers,
    bytesPerSecond,
    restoreBytesPerSecond: value.restoreBytesPerSecond ?? 2 * bytesPerSecond,
    minItemStepMs: value.minItemStepMs ?? 200,
    createDelayMs: value.createDelayMs ?? 500,
    stateNames: value.stateNames ?? 'real',
    logger: value.logger ?? silentLogger,
  };
}
