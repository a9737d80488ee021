import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { BODY_PATH, HttpError, problemsOf } from './errors';

/**
 * Reads the request body as JSON and validates it with `schema`.
 *
 * @throws HttpError 415 for a Content-Type other than JSON, 413 for a body over `maxBytes` bytes,
 *   400 for an empty body, malformed JSON or a value the schema rejects (every problem listed).
 */
export async function readJsonBody<T>(request: IncomingMessage, schema: z.ZodType<T>, maxBytes: number): Promise<T> {
  const type = mediaType(request);
  if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
    throw new HttpError(415, `Unsupported Content-Type "${type}": send the body as JSON with "Content-Type: application/json".`);
  }

  const text = await readBody(request, maxBytes);
  if (text.trim() === '') {
    throw new HttpError(400, 'The request body is empty: send a JSON object.', { problems: [{ path: BODY_PATH, message: 'must be a JSON object' }] });
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = `malformed JSON: ${(error as Error).message}`;
    throw new HttpError(400, `The request body is not valid JSON (${(error as Error).message}).`, { problems: [{ path: BODY_PATH, message }] });
  }

  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = problemsOf(parsed.error);
    throw new HttpError(400, `The request body is invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'}, listed in "problems".`, { problems });
  }
  return parsed.data;
}

/** Reads the body as UTF-8, stopping as soon as it passes `maxBytes`. */
async function readBody(request: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = (): HttpError =>
    // The unread rest of the body would otherwise keep the connection busy; closing it ends the upload.
    new HttpError(413, `The request body exceeds the limit of ${maxBytes} bytes.`, { headers: { connection: 'close' } });

  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();

  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Returns the media type of the request without parameters, lower-cased; '' when absent. */
function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}
