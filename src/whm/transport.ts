/**
 * HTTP transport of the WHM client: one undici `Agent` per client, POST of form-encoded parameters,
 * a time budget per call, a response size limit, and undici/Node errors mapped to WHM error classes.
 *
 * Calls use POST with an `application/x-www-form-urlencoded` body (`api.version=1` included), not
 * GET with a query string. WHM accepts both, and cPanel's own API client library POSTs. A body keeps
 * parameters, including the remote root password of `create_remote_root_transfer_session`, out of
 * URLs, which end up in access logs and error messages.
 *
 * The transport never retries: a retried call could run a non-idempotent function twice, and
 * retries belong to the Temporal activities that call the client.
 */
import { Agent } from 'undici';
import type { Logger } from 'pino';

import type { CallContext, RawWhmResponse } from './envelope';
import { callName } from './envelope';
import {
  WhmConfigurationError,
  WhmConnectionError,
  WhmError,
  WhmResponseTooLargeError,
  WhmTimeoutError,
  WhmTlsError,
  type WhmErrorDetails,
} from './errors';
import { redactError, redactSecrets } from './redact';
import { TlsVerificationFailure, createConnector, type TlsPolicy } from './tls';

/** Settings of a {@link WhmTransport}. */
export interface TransportSettings {
  baseUrl: URL;
  /** Value of the `Authorization` header. */
  authorization: string;
  tls: TlsPolicy;
  /** Budget for TCP connect plus TLS handshake, in milliseconds. */
  connectTimeoutMs: number;
  /** Largest response body accepted, in bytes. */
  maxResponseBytes: number;
  logger: Logger;
}

/** One call to send. */
export interface TransportRequest {
  /** Form-encoded body, `api.version=1` included. */
  body: string;
  /** Budget for the whole call, in milliseconds. */
  timeoutMs: number;
  signal: AbortSignal | undefined;
  context: CallContext;
}

/** Errors that mean the request itself was invalid, e.g. a header value with a line break. */
const INVALID_REQUEST_CODES = new Set(['UND_ERR_INVALID_ARG', 'ERR_INVALID_CHAR', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE']);
/** undici's own inactivity timers; the transport sets them to the call's budget. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Sends WHM API 1 calls over one undici `Agent`. */
export class WhmTransport {
  private readonly agent: Agent;
  private readonly pathPrefix: string;

  constructor(private readonly settings: TransportSettings) {
    this.agent = new Agent({
      connect: createConnector(settings.tls, { connectTimeoutMs: settings.connectTimeoutMs, logger: settings.logger }),
    });
    this.pathPrefix = settings.baseUrl.pathname.replace(/\/+$/, '');
  }

  /**
   * POSTs the body to `/json-api/<function>` and returns the status and the whole body as text.
   * Throws `WhmTimeoutError` when the budget runs out, `WhmConnectionError`, `WhmTlsError` or
   * `WhmResponseTooLargeError` for transport failures, and rethrows `signal.reason` when the
   * caller's signal aborts (Temporal passes a `CancelledFailure`, which marks the activity cancelled).
   */
  async post(request: TransportRequest): Promise<RawWhmResponse> {
    const { context, signal: callerSignal, timeoutMs } = request;
    callerSignal?.throwIfAborted();

    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const signal = callerSignal === undefined ? deadline.signal : AbortSignal.any([callerSignal, deadline.signal]);

    try {
      const response = await this.agent.request({
        origin: this.settings.baseUrl.origin,
        path: `${this.pathPrefix}/json-api/${context.functionName}`,
        method: 'POST',
        headers: {
          authorization: this.settings.authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: request.body,
        signal,
        // undici's own defaults (300 s) would cut a longer budget short.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = await readBody(response, this.settings.maxResponseBytes, context);
      return { status: response.statusCode, body };
    } catch (error) {
      if (callerSignal?.aborted === true) {
        throw callerSignal.reason;
      }
      if (deadline.signal.aborted) {
        throw timeoutError(timeoutMs, context, error);
      }
      throw toWhmError(error, context, timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes idle connections and waits for calls in flight to finish. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

type UndiciResponse = Awaited<ReturnType<Agent['request']>>;

async function readBody(response: UndiciResponse, limitBytes: number, context: CallContext): Promise<string> {
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) {
    // Nothing reads the body, so its abort error needs a listener to stay handled.
    response.body.on('error', () => undefined);
    response.body.destroy();
    throw tooLargeError(limitBytes, context, `it declares ${declared} bytes`);
  }

  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of response.body) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > limitBytes) {
      response.body.destroy();
      throw tooLargeError(limitBytes, context, `more than ${limitBytes} bytes arrived`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function baseDetails(context: CallContext, cause: unknown): WhmErrorDetails {
  return { functionName: context.functionName, host: context.host, cause: redactError(cause, context.secrets) };
}

function tooLargeError(limitBytes: number, context: CallContext, detail: string): WhmResponseTooLargeError {
  return new WhmResponseTooLargeError(
    `${callName(context)} returned a response larger than the limit of ${limitBytes} bytes (${detail}). Raise maxResponseBytes if this is expected.`,
    { functionName: context.functionName, host: context.host, limitBytes },
  );
}

function timeoutError(timeoutMs: number, context: CallContext, cause: unknown): WhmTimeoutError {
  return new WhmTimeoutError(
    `${callName(context)} timed out after ${timeoutMs} ms. Whether WHM ran the function is unknown; ` +
      'check its state before repeating a call that changes state, or raise the timeout for this function.',
    { ...baseDetails(context, cause), timeoutMs },
  );
}

/** Maps an undici or Node error to the matching WHM error class. */
function toWhmError(error: unknown, context: CallContext, timeoutMs: number): WhmError {
  if (error instanceof WhmError) {
    return error;
  }

  const code = errorCode(error);
  const detail = redactSecrets(error instanceof Error ? error.message : String(error), context.secrets);
  if (error instanceof TlsVerificationFailure) {
    return new WhmTlsError(`${callName(context)} was not sent: ${detail}`, {
      ...baseDetails(context, error),
      expectedFingerprint256: error.expectedFingerprint256,
      actualFingerprint256: error.actualFingerprint256,
    });
  }
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return timeoutError(timeoutMs, context, error);
  }
  if (code !== undefined && INVALID_REQUEST_CODES.has(code)) {
    return new WhmConfigurationError(
      `${callName(context)} could not be sent: ${detail} (${code}). Check the client options, e.g. for a line break in the token.`,
      baseDetails(context, error),
    );
  }
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE') {
    return new WhmConnectionError(
      `${callName(context)}: the connection closed before the response was complete (${code}: ${detail}). ` +
        'Whether WHM ran the function is unknown; check its state before repeating a call that changes state.',
      { ...baseDetails(context, error), code },
    );
  }
  return new WhmConnectionError(
    `${callName(context)} could not reach the server (${code ?? 'no error code'}: ${detail}). Check the host, the port (2087) and firewalls.`,
    { ...baseDetails(context, error), code },
  );
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
