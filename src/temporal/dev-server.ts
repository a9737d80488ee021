import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from './cli-binary';
import { killOnExit } from './kill-on-exit';
import { ensureSearchAttributes } from './search-attributes-setup';

/** Custom search attribute types as `temporal server start-dev --search-attribute` spells them. */
export type SearchAttributeTypeName = 'Text' | 'Keyword' | 'Int' | 'Double' | 'Bool' | 'Datetime' | 'KeywordList';

export interface DevServerOptions {
  /** Path to the Temporal CLI. @default resolved (and built if needed) by resolveTemporalCli */
  cliPath?: string;
  /**
   * SQLite file that keeps workflows across restarts. Its directory is created if missing.
   * @default none: state lives in memory and is lost when the server stops
   */
  dbFilename?: string;
  /** Loopback address to bind. @default '127.0.0.1' */
  ip?: string;
  /** Frontend gRPC port. @default a free port */
  port?: number;
  /** Serve the Web UI. @default false */
  ui?: boolean;
  /** Web UI port. @default a free port when ui is true */
  uiPort?: number;
  /** Extra namespaces besides `default`. */
  namespaces?: string[];
  /** Custom search attributes, registered in the `default` namespace (also on an existing SQLite file). */
  searchAttributes?: Record<string, SearchAttributeTypeName>;
  /** Dynamic config values, for example `{ 'limit.historyCount.suggestContinueAsNew': 50 }`. */
  dynamicConfig?: Record<string, unknown>;
  /** Server log level. @default 'warn' */
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'never';
  /** Receives every line the server prints. @default lines are kept only for error messages */
  onLog?: (line: string) => void;
  /** How long to wait for the frontend to accept connections. @default 60_000 ms */
  startTimeoutMs?: number;
}

export interface DevServer {
  /** `host:port` of the frontend, for Connection.connect and NativeConnection.connect. */
  readonly address: string;
  readonly port: number;
  readonly uiUrl?: string;
  readonly dbFilename?: string;
  readonly pid: number;
  /** Stops the server: SIGTERM, then SIGKILL after `graceMs` (default 10 s). Safe to call twice. */
  stop(graceMs?: number): Promise<void>;
}

/** Thrown when the dev server exits early or does not accept connections in time. */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}

/** Returns a TCP port that was free on the loopback interface a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe listener'));
      });
    });
  });
}

async function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * Starts `temporal server start-dev` on loopback and resolves once its frontend accepts gRPC calls.
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cliPath = options.cliPath ?? (await resolveTemporalCli());
  const ip = options.ip ?? '127.0.0.1';
  // A taken port must fail here: the readiness check below would otherwise talk to whatever server
  // already listens there and report success.
  if (options.port !== undefined && !(await isPortFree(options.port, ip))) {
    throw new DevServerStartError(`Port ${options.port} on ${ip} is already in use: stop what listens there or choose another port.`);
  }
  const port = options.port ?? (await freePort(ip));
  const ui = options.ui ?? false;
  const uiPort = ui ? (options.uiPort ?? (await freePort(ip))) : undefined;

  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--log-level', options.logLevel ?? 'warn'];
  args.push(...(ui ? ['--ui-ip', ip, '--ui-port', String(uiPort)] : ['--headless']));
  if (options.dbFilename) {
    await mkdir(dirname(options.dbFilename), { recursive: true });
    args.push('--db-filename', options.dbFilename);
  }
  for (const namespace of options.namespaces ?? []) args.push('--namespace', namespace);
  for (const [name, type] of Object.entries(options.searchAttributes ?? {})) args.push('--search-attribute', `${name}=${type}`);
  for (const [key, value] of Object.entries(options.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }

  const child = spawn(cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  const recentLines: string[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      recentLines.push(line);
      if (recentLines.length > 30) recentLines.shift();
      options.onLog?.(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      resolve(code);
    });
  });
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });

  const address = `${ip}:${port}`;
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitUntilServing(address, options.startTimeoutMs ?? 60_000, exited, () => spawnError, options.searchAttributes);
  } catch (error) {
    await stop(2_000);
    const output = recentLines.length > 0 ? `\nLast server output:\n${recentLines.join('\n')}` : '';
    throw new DevServerStartError(`${(error as Error).message}${output}`, { cause: error });
  }

  return {
    address,
    port,
    uiUrl: uiPort === undefined ? undefined : `http://${ip}:${uiPort}`,
    dbFilename: options.dbFilename,
    pid: child.pid!,
    stop,
  };
}

async function waitUntilServing(
  address: string,
  timeoutMs: number,
  exited: Promise<number | null>,
  spawnError: () => Error | undefined,
  searchAttributes: Record<string, SearchAttributeTypeName> | undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  let lastError: unknown;
  while (Date.now() < deadline) {
    const error = spawnError();
    if (error) throw new Error(`Could not run the Temporal CLI: ${error.message}`);
    if (exitCode !== undefined) throw new Error(`temporal server start-dev exited with code ${exitCode} before serving ${address}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        // The frontend can answer before the default namespace is registered, so wait for that too.
        await connection.workflowService.describeNamespace({ namespace: 'default' });
        if (searchAttributes) await ensureSearchAttributes(connection, 'default', searchAttributes);
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(
    `The Temporal dev server did not accept connections on ${address} within ${timeoutMs} ms ` +
      `(last error: ${(lastError as Error | undefined)?.message ?? 'none'})`,
  );
}
