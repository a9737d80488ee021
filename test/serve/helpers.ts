import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import { request } from 'undici';
import type { Logger } from '../../src/log';
import { parsePrometheusText, type PrometheusSample } from '../../src/metrics';
import { startServeService, type ServeService, type ServeServiceOptions } from '../../src/serve';
import { serverWorkflowId } from '../../src/server-messages';
import { standInStateQuery, type StandInServerState } from './fixtures/stand-in-server-workflow';
import { sharedTemporalAddress, uniqueId } from '../helpers/temporal';

export const TEST_TOKEN = 'test-token-0123456789abcdef';

/** Log lines a test logger wrote, parsed. */
export type LogLine = Record<string, unknown> & { level: number; msg: string };

/** Creates a debug-level pino logger that keeps its output in memory, so tests can read what was logged. */
export function captureLogger(): { logger: Logger; lines: () => LogLine[]; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const text = (): string => chunks.join('');
  const lines = (): LogLine[] =>
    text()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);
  return { logger: pino({ level: 'debug' }, stream), lines, text };
}

/** Environment of a service on an ephemeral loopback port that signals workflows on `taskQueue`. */
export function serviceEnv(taskQueue: string, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    WHM_MIGRATE_SERVE_HOST: '127.0.0.1',
    WHM_MIGRATE_SERVE_PORT: '0',
    WHM_MIGRATE_SERVE_TOKEN: TEST_TOKEN,
    TEMPORAL_ADDRESS: sharedTemporalAddress(),
    WHM_MIGRATE_TASK_QUEUE: taskQueue,
    ...overrides,
  };
}

export async function startTestService(taskQueue: string, options: Omit<ServeServiceOptions, 'env'> & { env?: NodeJS.ProcessEnv } = {}) {
  const logs = captureLogger();
  const service: ServeService = await startServeService({ logger: logs.logger, ...options, env: serviceEnv(taskQueue, options.env) });
  return { service, logs };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body parsed as JSON; {} when empty or of another media type. */
  body: Record<string, unknown>;
  /** The body as received. */
  text: string;
}

/** Sends a request to the service; `body` is sent as is when a string or buffer, else as JSON. */
export async function call(
  service: ServeService,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD',
  path: string,
  options: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TEST_TOKEN : options.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let body: string | Buffer | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' || Buffer.isBuffer(options.body) ? options.body : JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }

  const response = await request(`${service.url}${path}`, { method, headers, body });
  const text = await response.body.text();
  const json = /[/+]json\b/.test(String(response.headers['content-type'])) && text !== '';
  return { status: response.statusCode, headers: response.headers, body: json ? (JSON.parse(text) as Record<string, unknown>) : {}, text };
}

/** Scrapes `GET /metrics` without a token and parses the samples. */
export async function scrape(service: ServeService): Promise<PrometheusSample[]> {
  const response = await call(service, 'GET', '/metrics', { token: null });
  if (response.status !== 200) throw new Error(`GET /metrics returned ${response.status}: ${response.text.slice(0, 500)}`);
  return parsePrometheusText(response.text);
}

/** Value of the sample with exactly these labels; undefined when the scrape has none. */
export function sampleValue(samples: PrometheusSample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  return samples.find((sample) => sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted)?.value;
}

/** Builds an Alertmanager webhook payload (version 4) with the given alerts. */
export function alertmanagerPayload(alerts: Array<Record<string, unknown>>, status: 'firing' | 'resolved' = 'firing') {
  return {
    version: '4',
    status,
    receiver: 'whm-migrate',
    groupKey: '{}:{alertname="HighLoad"}',
    truncatedAlerts: 0,
    groupLabels: { alertname: 'HighLoad' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.invalid',
    alerts: alerts.map((alert) => ({
      startsAt: '2026-01-01T00:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus.invalid/graph',
      annotations: {},
      ...alert,
    })),
  };
}

/** A worker that runs the stand-in server workflow on its own task queue, and a client to read it. */
export interface StandInServers {
  taskQueue: string;
  client: Client;
  /** A host name no other test uses, so its server workflow id is unique on the shared dev server. */
  uniqueHost(prefix?: string): string;
  /** The stand-in's state for `host`, read through its query. */
  state(host: string): Promise<StandInServerState>;
  /** Terminates the server workflows the tests started, stops the worker and closes connections. */
  stop(): Promise<void>;
}

export async function startStandInServers(): Promise<StandInServers> {
  const address = sharedTemporalAddress();
  const taskQueue = uniqueId('serve');
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('./fixtures/stand-in-server-workflow'),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const hosts: string[] = [];

  return {
    taskQueue,
    client,
    uniqueHost(prefix = 'dest') {
      const host = `${uniqueId(prefix).toLowerCase()}.example.com`;
      hosts.push(host);
      return host;
    },
    state: (host) => client.workflow.getHandle(serverWorkflowId(host)).query(standInStateQuery),
    async stop() {
      for (const host of hosts) {
        await client.workflow
          .getHandle(serverWorkflowId(host))
          .terminate('test finished')
          .catch((error: unknown) => {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          });
      }
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
    },
  };
}

/** Returns a loopback port with no listener: the OS picks it for a moment, then it is released. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
