import { z } from 'zod';

/** A label value read as a server's host name, or why it cannot name one. */
export type ServerHostResult = { ok: true; host: string } | { ok: false; problem: string };

/**
 * Reads the host name of a WHM server from an alert label or a request field: `host`, `host:port`,
 * `[ipv6]:port` or a URL (the blackbox exporter's `instance`), lower-cased, without port or trailing
 * dot, as the migration workflow stores host names. Accepts the hosts a migration plan accepts.
 */
export function parseServerHost(value: string): ServerHostResult {
  const trimmed = value.trim();
  if (trimmed === '') return { ok: false, problem: 'is empty' };

  let host = trimmed;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(trimmed)) {
    try {
      host = new URL(trimmed).hostname;
    } catch {
      return { ok: false, problem: `"${trimmed}" is not a valid URL` };
    }
  }

  host = stripPort(host).toLowerCase().replace(/\.$/, '');
  if (z.regexes.hostname.test(host) || z.regexes.ipv4.test(host) || z.regexes.ipv6.test(host)) return { ok: true, host };
  return { ok: false, problem: `"${trimmed}" is not a host name, host:port or IP address` };
}

function stripPort(value: string): string {
  const bracketed = /^\[([^\]]+)\](:\d+)?$/.exec(value);
  if (bracketed) return bracketed[1]!;
  // More than one colon without brackets is a bare IPv6 address, which has no port.
  const colons = value.split(':').length - 1;
  if (colons === 1 && /:\d+$/.test(value)) return value.slice(0, value.lastIndexOf(':'));
  return value;
}
