import { WhmFunctionFailure } from './envelope';
import { randomAlphanumeric } from './random';

export type SessionType = 'RemoteRoot' | 'RemoteUser';

/** Initiator that cPanel records for each session type; its first 5 characters mark the session id. */
export const SESSION_INITIATORS: Record<SessionType, string> = {
  RemoteRoot: 'copyacct',
  RemoteUser: 'norootcopy',
};

const SESSION_ID_LENGTH = 36;
/** Two random characters give 3844 ids per host and second; collisions beyond that are not expected. */
const MAX_ID_ATTEMPTS = 1000;

function timestamp(now: Date): string {
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`
    + `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
}

/**
 * Builds a session id the way cPanel does: the first 15 characters of the remote host, the first 5
 * of the initiator and a YYYYMMDDhhmmss timestamp, stripped to [0-9A-Za-z_], then padded with random
 * alphanumerics to 36 characters (for example `sourcesimtestcopya20250101120000AbCd`).
 */
export function generateSessionId(remoteHost: string, type: SessionType, now: Date, taken: (id: string) => boolean): string {
  const stem = `${remoteHost.slice(0, 15)}${SESSION_INITIATORS[type].slice(0, 5)}${timestamp(now)}`
    .replace(/[^0-9A-Za-z_]/g, '');

  for (let attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt += 1) {
    const id = stem + randomAlphanumeric(SESSION_ID_LENGTH - stem.length);
    if (!taken(id)) return id;
  }
  throw new Error(`No free transfer session id for the host “${remoteHost}” after ${MAX_ID_ATTEMPTS} attempts.`);
}

/** Fails with cPanel's text when the id contains characters other than [0-9A-Za-z_]. */
export function checkSessionIdCharacters(id: string): void {
  if (!/^[0-9A-Za-z_]+$/.test(id)) {
    throw new WhmFunctionFailure(`The session ID “${id}” may only contain alphanumeric characters and underscores.`);
  }
}
