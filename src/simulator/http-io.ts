import type { IncomingMessage, ServerResponse } from 'node:http';

/** Largest request body the simulator reads, in bytes; WHM calls carry a few form fields. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** Raised for a request that gets an HTTP error status instead of a WHM envelope. */
export class HttpRequestError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpRequestError';
  }
}

/** Reads the request body as UTF-8; throws {@link HttpRequestError} 413 beyond the size limit. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_REQUEST_BODY_BYTES) {
      throw new HttpRequestError(413, `The request body exceeds ${MAX_REQUEST_BODY_BYTES} bytes.`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Returns the media type of the request without parameters, lower-cased; '' when absent. */
export function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function canWrite(response: ServerResponse): boolean {
  return !response.destroyed && !response.writableEnded;
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (!canWrite(response)) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  options: { statusMessage?: string; headers?: Record<string, string> } = {},
): void {
  if (!canWrite(response)) return;
  const headers = { 'content-type': 'text/plain', 'content-length': String(Buffer.byteLength(text)), ...options.headers };
  if (options.statusMessage === undefined) response.writeHead(status, headers);
  else response.writeHead(status, options.statusMessage, headers);
  response.end(text);
}
