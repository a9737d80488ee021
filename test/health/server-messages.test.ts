import { parseRequest } from '../../src/messages';
import {
  alertHoldSource,
  alertRequestSchema,
  healthHoldSource,
  ownsSource,
  serverOwnedSourcePrefixes,
  serverWorkflowId,
} from '../../src/server-messages';

// The pattern a migration's `pause` accepts for a hold source.
const SOURCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,63}$/;

describe('server messages', () => {
  test('workflow id lower-cases the host', () => {
    expect(serverWorkflowId('Dest.Example.COM')).toBe('whm-migrate-server/dest.example.com');
  });

  test('hold sources keep short names', () => {
    expect(healthHoldSource('Dest.example.com')).toBe('health:dest.example.com');
    expect(alertHoldSource('dest.example.com', '5b1f3c2a9d8e7f60')).toBe('alert:dest.example.com:5b1f3c2a9d8e7f60');
    expect(alertHoldSource('dest.example.com', 'generic')).toBe('alert:dest.example.com:generic');
  });

  test('long host shortened to a valid source', () => {
    const host = `${'a'.repeat(60)}.example.com`;
    const health = healthHoldSource(host);
    const alert = alertHoldSource(host, '5b1f3c2a9d8e7f60');
    expect(health).toMatch(SOURCE_PATTERN);
    expect(alert).toMatch(SOURCE_PATTERN);
    expect(alert.endsWith(':5b1f3c2a9d8e7f60')).toBe(true);
    expect(healthHoldSource(`${'a'.repeat(60)}.example.org`)).not.toBe(health);
  });

  test('unusual alert key made valid', () => {
    const source = alertHoldSource('dest.example.com', 'High load on web tier');
    expect(source).toMatch(SOURCE_PATTERN);
    expect(source.startsWith('alert:dest.example.com:High-load')).toBe(true);
    expect(alertHoldSource('dest.example.com', 'High load on web tier!')).not.toBe(source);
  });

  test('owned sources stop at a colon', () => {
    const prefixes = serverOwnedSourcePrefixes('dest.example.com');
    expect(ownsSource(prefixes, 'health:dest.example.com')).toBe(true);
    expect(ownsSource(prefixes, 'alert:dest.example.com:abc')).toBe(true);
    expect(ownsSource(prefixes, 'health:dest.example.community')).toBe(false);
    expect(ownsSource(prefixes, 'alert:dest.example.com.au:abc')).toBe(false);
    expect(ownsSource(prefixes, 'operator')).toBe(false);
  });

  test('alert payload validated', () => {
    expect(parseRequest(alertRequestSchema, { key: 'HighLoad', status: 'firing', reason: 'load 30' })).toEqual({
      ok: true,
      request: { key: 'HighLoad', status: 'firing', reason: 'load 30' },
    });
    const rejected = parseRequest(alertRequestSchema, { key: '', status: 'burning', extra: 1 });
    expect(rejected.ok).toBe(false);
    const error = rejected.ok ? '' : rejected.error;
    expect(error).toContain('key: must not be empty');
    expect(error).toContain('status:');
    expect(error).toContain('extra');
  });
});
