/**
 * A scriptable HTTP(S) server on 127.0.0.1 standing in for WHM in client tests, plus helpers for
 * envelopes, certificates and captured logs.
 */
import { X509Certificate } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';

import pino, { type Logger } from 'pino';
import { generate } from 'selfsigned';

/** One request as the fake server received it. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The form body decoded. */
  form: URLSearchParams;
}

/** Handler that writes the response to one request; it may also destroy the socket or never respond. */
export type FakeHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

/** A running fake server. */
export interface FakeWhm {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Number of TCP connections accepted. */
  connections(): number;
  close(): Promise<void>;
}

/** Starts a fake WHM on 127.0.0.1, over TLS when `tls` is given. */
export async function startFakeWhm(handler: FakeHandler, tls?: { cert: string; key: string }): Promise<FakeWhm> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let connectionCount = 0;

  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
        form: new URLSearchParams(body),
      };
      requests.push(recorded);
      Promise.resolve(handler(recorded, response)).catch((error: unknown) => {
        response.destroy(error as Error);
      });
    });
  };

  const server: Server = tls === undefined ? createHttpServer(listener) : createHttpsServer(tls, listener);
  const connectionEvent = tls === undefined ? 'connection' : 'secureConnection';
  server.on(connectionEvent, (socket: Socket) => {
    connectionCount += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Count sockets that never finish the TLS handshake too, so close() can destroy them.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') {
    throw new Error('fake WHM did not get a TCP port');
  }
  const scheme = tls === undefined ? 'http' : 'https';

  return {
    url: `${scheme}://127.0.0.1:${address.port}`,
    port: address.port,
    requests,
    connections: () => connectionCount,
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Builds a WHM API 1 envelope. */
export function envelope(
  command: string,
  data: unknown,
  metadata: { result?: number | string; reason?: string; warnings?: string[] } = {},
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    metadata: {
      command,
      version: 1,
      result: metadata.result ?? 1,
      reason: metadata.reason ?? 'OK',
      ...(metadata.warnings === undefined ? {} : { output: { warnings: metadata.warnings } }),
    },
  };
  if (data !== undefined) {
    body.data = data;
  }
  return body;
}

/** Sends a JSON body with the given status. */
export function replyJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** The body WHM sends with HTTP 403 for wrong credentials. */
export const LEGACY_ACCESS_DENIED = {
  cpanelresult: { apiversion: '2', error: 'Access denied', data: { reason: 'Access denied', result: '0' }, type: 'text' },
};

/** The function name of a request path `/json-api/<name>`. */
export function functionOf(request: RecordedRequest): string {
  return request.url.replace(/^.*\/json-api\//, '').replace(/\?.*$/, '');
}

/** A self-signed certificate with its SHA-256 fingerprint in Node's `AB:CD:…` form. */
export interface TestCertificate {
  cert: string;
  key: string;
  fingerprint256: string;
}

/** Generates a self-signed EC certificate valid for the given DNS names and IP addresses. */
export async function selfSignedCertificate(commonName: string, dnsNames: string[], ips: string[]): Promise<TestCertificate> {
  const generated = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))],
      },
    ],
  });
  return { cert: generated.cert, key: generated.private, fingerprint256: new X509Certificate(generated.cert).fingerprint256 };
}

/** Creates a pino logger that keeps every line, parsed, in `lines`; `text()` returns the raw output. */
export function captureLogger(): { logger: Logger; lines: Array<Record<string, unknown>>; text: () => string } {
  const raw: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level: 'debug' },
    {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { logger, lines, text: () => raw.join('') };
}
