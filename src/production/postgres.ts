/**
 * A PostgreSQL cluster of its own in a directory, on a loopback port, for the Temporal server's
 * persistence in tests and rehearsals. It uses the Debian packages' binaries
 * (/usr/lib/postgresql/<version>/bin) and runs as the `postgres` account when started by root,
 * because PostgreSQL refuses to run as root.
 */
import { randomBytes } from 'node:crypto';
import { access, chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../temporal/dev-server';
import { ManagedProcess, runCommand, waitForReady } from './child-process';

/** Thrown when PostgreSQL is missing, or the cluster cannot be created or started. */
export class PostgresUnavailableError extends Error {
  override readonly name = 'PostgresUnavailableError';
}

export interface PostgresClusterOptions {
  /**
   * Directory of the cluster: `data/` (the cluster itself), `socket/` (the Unix socket) and
   * `password` (the superuser's password, mode 0600). An existing cluster there is started as it is.
   * The `postgres` account must be able to reach it when root starts the cluster: a directory under
   * /tmp works, one under a mode-0700 directory of root does not.
   */
  directory: string;
  /** TCP port on 127.0.0.1. @default a free port */
  port?: number;
  /** Directory with initdb, postgres, pg_isready and psql. @default $WHM_MIGRATE_POSTGRES_BIN, else the newest /usr/lib/postgresql/<version>/bin */
  binDirectory?: string;
  /** Superuser the cluster is created with; the Temporal server and SQL tool log in as it. @default 'temporal' */
  user?: string;
  /** Largest number of client connections. The Temporal server alone opens up to about 100. @default 200 */
  maxConnections?: number;
  /** Receives every line PostgreSQL logs. */
  onLog?: (line: string) => void;
  /** How long to wait for PostgreSQL to accept connections. @default 60_000 ms */
  startTimeoutMs?: number;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** A running cluster. */
export interface PostgresCluster {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  /** Superuser password, random per cluster. Never log it. */
  readonly password: string;
  readonly directory: string;
  readonly binDirectory: string;
  readonly pid: number | undefined;
  /** Runs SQL with psql in `database` and returns the rows, one per line, columns separated by `|`. */
  query(sql: string, database?: string): Promise<string>;
  /** Stops PostgreSQL with a fast shutdown (SIGINT), then SIGKILL after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/** Returns the newest `/usr/lib/postgresql/<version>/bin` (Debian's layout), or `$WHM_MIGRATE_POSTGRES_BIN`. */
export async function findPostgresBinDirectory(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.WHM_MIGRATE_POSTGRES_BIN) return env.WHM_MIGRATE_POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = (await readdir(root)).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  } catch {
    // No Debian PostgreSQL package: reported below.
  }
  for (const version of versions) {
    const directory = join(root, version, 'bin');
    try {
      await access(join(directory, 'initdb'));
      return directory;
    } catch {
      // A client-only package; try an older version.
    }
  }
  throw new PostgresUnavailableError(
    `No PostgreSQL server binaries found under ${root}/<version>/bin. ` +
      'Install them with `apt-get install postgresql`, or set WHM_MIGRATE_POSTGRES_BIN to the directory that contains initdb.',
  );
}

/** uid and gid of the `postgres` account when this process runs as root; PostgreSQL refuses root. */
async function serverAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number((await runCommand('id', ['-u', 'postgres'], { timeoutMs: 10_000 })).trim());
    const gid = Number((await runCommand('id', ['-g', 'postgres'], { timeoutMs: 10_000 })).trim());
    return { uid, gid };
  } catch {
    throw new PostgresUnavailableError(
      'PostgreSQL cannot run as root and there is no `postgres` account to run it as. ' +
        'Install the postgresql package (it creates the account) or start the cluster as another user.',
    );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Creates the cluster with initdb and a random superuser password, unless `data/` holds one already. */
async function initialise(
  options: PostgresClusterOptions,
  binDirectory: string,
  user: string,
  account: { uid: number; gid: number } | undefined,
): Promise<string> {
  const dataDirectory = join(options.directory, 'data');
  const passwordFile = join(options.directory, 'password');
  if (await exists(join(dataDirectory, 'PG_VERSION'))) return (await readFile(passwordFile, 'utf8')).trim();

  await mkdir(join(options.directory, 'socket'), { recursive: true });
  const password = randomBytes(24).toString('hex');
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) {
    for (const path of [options.directory, join(options.directory, 'socket'), passwordFile]) await chown(path, account.uid, account.gid);
  }

  // scram-sha-256 on every connection, as on a production cluster. --no-sync skips flushing the new
  // cluster's files, which only matters if the machine crashes during initdb.
  await runCommand(
    join(binDirectory, 'initdb'),
    ['-D', dataDirectory, '-U', user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-locale', '--no-sync'],
    { uid: account?.uid, gid: account?.gid, timeoutMs: 120_000, env: { ...process.env, ...options.env, LC_ALL: 'C' } },
  );
  return password;
}

/**
 * Creates (first time) and starts a PostgreSQL cluster on 127.0.0.1, and resolves once it accepts
 * connections.
 *
 * @throws PostgresUnavailableError when the binaries are missing, initdb fails, or the server does not
 *   accept connections within `startTimeoutMs`; the message includes PostgreSQL's last log lines.
 */
export async function startPostgresCluster(options: PostgresClusterOptions): Promise<PostgresCluster> {
  const env = options.env ?? process.env;
  const binDirectory = options.binDirectory ?? (await findPostgresBinDirectory(env));
  const user = options.user ?? 'temporal';
  const host = '127.0.0.1';
  const account = await serverAccount();
  await mkdir(options.directory, { recursive: true });

  let password: string;
  try {
    password = await initialise(options, binDirectory, user, account);
  } catch (error) {
    throw new PostgresUnavailableError(`Creating the PostgreSQL cluster in ${options.directory} failed: ${(error as Error).message}`, { cause: error });
  }

  const port = options.port ?? (await freePort(host));
  const server = ManagedProcess.start({
    label: 'postgres',
    command: join(binDirectory, 'postgres'),
    args: [
      '-D', join(options.directory, 'data'),
      '-p', String(port),
      '-c', `listen_addresses=${host}`,
      '-c', `unix_socket_directories=${join(options.directory, 'socket')}`,
      '-c', `max_connections=${options.maxConnections ?? 200}`,
    ],
    env: { ...env, LC_ALL: 'C' },
    uid: account?.uid,
    gid: account?.gid,
    onLog: options.onLog,
  });

  const psqlEnv = { ...env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5' };
  const query = (sql: string, database = 'postgres'): Promise<string> =>
    runCommand(
      join(binDirectory, 'psql'),
      ['-h', host, '-p', String(port), '-U', user, '-d', database, '-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql],
      { env: psqlEnv, timeoutMs: 60_000, redact: [password] },
    );
  const stop = (graceMs = 15_000): Promise<void> => server.stop('SIGINT', graceMs);

  try {
    await waitForReady(`PostgreSQL on ${host}:${port}`, () => query('SELECT 1'), {
      timeoutMs: options.startTimeoutMs ?? 60_000,
      intervalMs: 200,
      process: server,
    });
  } catch (error) {
    await stop(2_000);
    throw new PostgresUnavailableError((error as Error).message, { cause: error });
  }

  return { host, port, user, password, directory: options.directory, binDirectory, pid: server.pid, query, stop };
}
