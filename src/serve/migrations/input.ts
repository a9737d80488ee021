import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { readJsonBody } from '../http/body';
import { HttpError, type Problem } from '../http/errors';

/**
 * Validates the query parameters of `url` with `schema`, a strict object of optional parameters.
 *
 * @throws HttpError 400 that lists every unknown, repeated or invalid parameter by name.
 */
export function parseQuery<T>(url: URL, schema: z.ZodType<T>): T {
  const values: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const name of new Set(url.searchParams.keys())) {
    const given = url.searchParams.getAll(name);
    if (given.length > 1) problems.push({ path: name, message: `is given ${given.length} times; give it once` });
    values[name] = given[0]!;
  }

  const parsed = schema.safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        problems.push(...issue.keys.map((key) => ({ path: key, message: 'is not a query parameter of this route' })));
      } else {
        problems.push({ path: issue.path.map(String).join('.'), message: issue.message });
      }
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new HttpError(400, `The query parameters are invalid: ${problems.length} problem${problems.length === 1 ? '' : 's'}, listed in "problems".`, { problems });
  }
  return parsed.data;
}

/**
 * Reads an optional JSON body: a request without one (no Content-Length and no Transfer-Encoding,
 * or Content-Length 0) counts as `{}`.
 *
 * @throws HttpError as {@link readJsonBody} for a body that is present.
 */
export async function readOptionalJsonBody<T>(request: IncomingMessage, schema: z.ZodType<T>, maxBytes: number): Promise<T> {
  const length = request.headers['content-length'];
  const hasBody = request.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
  return hasBody ? readJsonBody(request, schema, maxBytes) : schema.parse({});
}
