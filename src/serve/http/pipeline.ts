import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type { Logger } from '../../log';
import { requireBearerToken } from './auth';
import { HttpError } from './errors';
import type { Reply, Route, Router } from './router';

export interface PipelineOptions {
  router: Router;
  tokenSha256: Buffer;
  logger: Logger;
  /** Turns errors of the service's own kinds into HTTP errors; others become 500. */
  mapError?: (error: unknown) => HttpError | undefined;
  /** Called once per response sent, with the pattern of the route that served it (undefined when none matched). */
  onResponse?: (response: { route?: string; method: string; status: number }) => void;
}

/** Request ids a client may choose: the id then joins its logs with ours. Anything else is replaced. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the listener that runs every request through the same steps: request id, route lookup
 * (404, 405), bearer token (401), handler, and one JSON response with `X-Request-Id`. Errors
 * become RFC 9457 problem documents. Each request is logged once, when its response is sent.
 */
export function createRequestListener(options: PipelineOptions): RequestListener {
  return (request, response) => {
    handleRequest(options, request, response).catch((error: unknown) => {
      // A failure outside the handler (for example while writing the response) must not end the process.
      options.logger.error({ err: error, method: request.method, url: request.url }, 'request pipeline failed');
      response.destroy();
    });
  };
}

async function handleRequest(options: PipelineOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const offered = request.headers['x-request-id'];
  const requestId = typeof offered === 'string' && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
  const logger = options.logger.child({ requestId });
  const method = request.method ?? 'GET';
  const target = request.url ?? '/';
  // Path for the log: the raw target's until it parses, then the parsed URL's.
  let path = target.split('?')[0] ?? target;
  // Read now: the socket is gone by the time a response with `Connection: close` has finished.
  const remoteAddress = request.socket.remoteAddress;
  let route: Route | undefined;
  let clientGone = false;
  response.on('close', () => {
    clientGone = !response.writableFinished;
  });

  response.on('finish', () => {
    options.onResponse?.({ route: route?.pattern, method, status: response.statusCode });
    const durationMs = Number((process.hrtime.bigint() - startedAt) / 1_000_000n);
    const fields = { method, path, status: response.statusCode, durationMs, remoteAddress };
    if (response.statusCode >= 500) logger.error(fields, 'request failed');
    else if (response.statusCode >= 400) logger.warn(fields, 'request rejected');
    else if (route?.auth === false) logger.debug(fields, 'request completed');
    else logger.info(fields, 'request completed');
  });

  let reply: Reply;
  try {
    const url = parseTarget(target);
    path = url.pathname;
    const match = options.router.match(method, path);
    if (match.kind === 'not-found') throw new HttpError(404, `No route for ${path}.`);
    if (match.kind === 'method-not-allowed') {
      throw new HttpError(405, `${method} is not allowed on ${path}; use ${match.allowed.join(', ')}.`, {
        headers: { allow: match.allowed.join(', ') },
      });
    }

    route = match.route;
    if (route.auth) requireBearerToken(request, options.tokenSha256);
    reply = await route.handler({ request, url, params: match.params, requestId, logger });
  } catch (error) {
    if (clientGone) {
      logger.info({ method, path, err: error }, 'client closed the connection before the response');
      return;
    }
    reply = errorReply(options.mapError?.(error) ?? error, logger);
  }
  send(response, requestId, reply);
}

/** Parses the request target (origin form `/path?query`, or absolute form) against a placeholder origin. */
function parseTarget(target: string): URL {
  try {
    return new URL(target, 'http://service.invalid');
  } catch {
    throw new HttpError(400, `Invalid request target "${target.slice(0, 200)}": send a path such as /alerts.`);
  }
}

function errorReply(error: unknown, logger: Logger): Reply {
  if (error instanceof HttpError) {
    if (error.status >= 500) logger.error({ err: error.cause ?? error }, error.detail);
    return {
      status: error.status,
      headers: { 'content-type': 'application/problem+json', ...error.extra.headers },
      body: problemDocument(error.status, error.detail, error.extra.problems === undefined ? {} : { problems: error.extra.problems }),
    };
  }

  logger.error({ err: error }, 'request handler failed');
  return {
    status: 500,
    headers: { 'content-type': 'application/problem+json' },
    body: problemDocument(500, 'The service failed to handle the request; its log has the error under this request id.'),
  };
}

function problemDocument(status: number, detail: string, extensions: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, ...extensions };
}

function send(response: ServerResponse, requestId: string, reply: Reply): void {
  if (response.headersSent || response.destroyed) return;
  let body = reply.body;
  if (body !== undefined && reply.requestIdInBody !== false) body = { ...body, requestId };
  const text = reply.text ?? (body === undefined ? '' : JSON.stringify(body));
  response.writeHead(reply.status, {
    'content-type': 'application/json; charset=utf-8',
    ...reply.headers,
    'content-length': String(Buffer.byteLength(text)),
    'x-request-id': requestId,
    'cache-control': 'no-store',
  });
  response.end(text);
}
