import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors';

/** SHA-256 of a bearer token; comparing digests keeps the comparison constant-time whatever the lengths. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Checks the request's `Authorization: Bearer <token>` header against the expected token's digest.
 *
 * @throws HttpError 401 with a `WWW-Authenticate` challenge (RFC 6750) when the header is missing,
 *   malformed or carries another token.
 */
export function requireBearerToken(request: IncomingMessage, expectedSha256: Buffer): void {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw new HttpError(401, 'Missing bearer token: send the header "Authorization: Bearer <token>" with the token the service was started with.', {
      headers: { 'www-authenticate': 'Bearer realm="whm-migrate"' },
    });
  }

  const match = /^Bearer +(\S+) *$/i.exec(header);
  const presented = match?.[1];
  if (presented === undefined || !timingSafeEqual(tokenDigest(presented), expectedSha256)) {
    throw new HttpError(401, 'Invalid bearer token: the Authorization header does not carry the token the service was started with.', {
      headers: { 'www-authenticate': 'Bearer realm="whm-migrate", error="invalid_token"' },
    });
  }
}
