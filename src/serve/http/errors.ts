import { STATUS_CODES } from 'node:http';
import type { z } from 'zod';

/** One invalid value in a request: where it is (for example `alerts.0.status`) and what is wrong. */
export interface Problem {
  path: string;
  message: string;
}

/** Path of a problem with the request body as a whole rather than one field. */
export const BODY_PATH = '(body)';

/**
 * Thrown by request handlers to end the request with an error status. The pipeline sends it as an
 * RFC 9457 problem document (`application/problem+json`).
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: number,
    /** Explanation for the client: what failed and what to do. */
    readonly detail: string,
    readonly extra: { problems?: Problem[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(`${status} ${STATUS_CODES[status] ?? 'Error'}: ${detail}`, { cause: extra.cause });
  }
}

/** Lists every issue of a failed zod validation with its path. */
export function problemsOf(error: z.ZodError): Problem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : BODY_PATH,
    message: issue.message,
  }));
}
