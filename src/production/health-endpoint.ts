/**
 * A small HTTP server with the liveness and readiness endpoints that orchestrators probe (Docker
 * healthchecks, Kubernetes probes, load balancers):
 *
 * - `GET /healthz`: 200 while the process responds to HTTP at all (liveness: restart it when this fails).
 * - `GET /readyz`: 200 when every readiness check passes, else 503, with a JSON body naming each
 *   check's result (readiness: send it no work while this fails).
 *
 * `HEAD` works on both. Bodies never contain secrets: checks report states and error messages.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../metrics';

/** Result of one readiness check. */
export interface CheckResult {
  ok: boolean;
  /** A short reason, for example `worker state DRAINING`. */
  detail?: string;
}

/** A named readiness check; a check that throws or takes longer than the timeout counts as failed. */
export type ReadinessCheck = () => Promise<CheckResult> | CheckResult;

export interface HealthEndpointOptions {
  address: ListenAddress;
  /** Checks that /readyz runs, by name. */
  checks: Record<string, ReadinessCheck>;
  /** How long one check may take, in milliseconds. @default 2_000 */
  checkTimeoutMs?: number;
}

export interface HealthEndpoint {
  /** Base URL, for example `http://127.0.0.1:9465`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Body of /readyz. */
export interface ReadinessReport {
  status: 'ready' | 'not ready';
  checks: Record<string, CheckResult>;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (error) {
    return { ok: false, detail: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once and reports whether all passed. */
export async function evaluateReadiness(checks: Record<string, ReadinessCheck>, timeoutMs = 2_000): Promise<ReadinessReport> {
  const names = Object.keys(checks);
  const results = await Promise.all(names.map((name) => runCheck(checks[name]!, timeoutMs)));
  const report = Object.fromEntries(names.map((name, index) => [name, results[index]!]));
  return { status: results.every((result) => result.ok) ? 'ready' : 'not ready', checks: report };
}

function send(request: IncomingMessage, response: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(request.method === 'HEAD' ? undefined : text);
}

/** Starts the endpoint and resolves once it listens. */
export async function startHealthEndpoint(options: HealthEndpointOptions): Promise<HealthEndpoint> {
  const timeoutMs = options.checkTimeoutMs ?? 2_000;
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/healthz' && path !== '/readyz') {
      send(request, response, 404, { error: `not found: use /healthz or /readyz` });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      send(request, response, 405, { error: `method ${request.method} not allowed: use GET or HEAD` });
      return;
    }
    if (path === '/healthz') {
      send(request, response, 200, { status: 'ok' });
      return;
    }
    void evaluateReadiness(options.checks, timeoutMs).then((report) => send(request, response, report.status === 'ready' ? 200 : 503, report));
  });
  // Probes come from the orchestrator on each interval; idle keep-alive sockets must not hold close().
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.address.port, options.address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.address.host.includes(':') ? `[${options.address.host}]` : options.address.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
