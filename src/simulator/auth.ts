import { createHash, timingSafeEqual } from 'node:crypto';
import type { SimulatorCredential } from './options';

/** A login as parsed from an `Authorization` header; the secret is never logged. */
export interface PresentedLogin {
  method: 'token' | 'basic';
  user: string;
  secret: string;
}

/**
 * Parses `Authorization: whm USER:TOKEN` (the scheme word matched case-insensitively, which also covers
 * the deprecated `WHM root:HASH` access-hash form, whose line breaks are removed) and
 * `Authorization: Basic base64(USER:PASSWORD)`. Returns undefined for anything else.
 */
export function parseAuthorization(header: string | undefined): PresentedLogin | undefined {
  if (header === undefined) return undefined;

  const token = /^whm\s+([^:\s]+):([\s\S]+)$/i.exec(header.trim());
  if (token !== null) {
    return { method: 'token', user: token[1] ?? '', secret: (token[2] ?? '').replace(/[\r\n]/g, '') };
  }

  const basic = /^basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  if (basic === null) return undefined;
  const decoded = Buffer.from(basic[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  return { method: 'basic', user: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

/** Compares two secrets in constant time, whatever their lengths. */
export function secretsMatch(presented: string, expected: string): boolean {
  const left = createHash('sha256').update(presented).digest();
  const right = createHash('sha256').update(expected).digest();
  return timingSafeEqual(left, right);
}

/** Returns the WHM user name the header authenticates, or undefined when the login is missing or wrong. */
export function authenticateWhmUser(
  header: string | undefined,
  credentials: readonly SimulatorCredential[],
): string | undefined {
  const login = parseAuthorization(header);
  if (login === undefined) return undefined;

  const accepted = credentials.some((credential) => {
    if (credential.user !== login.user) return false;
    const expected = login.method === 'token' ? credential.token : credential.password;
    return expected !== undefined && secretsMatch(login.secret, expected);
  });
  return accepted ? login.user : undefined;
}
