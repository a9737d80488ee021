import type { SimulatorPair } from '../../src/simulator';
import { uniqueId } from '../helpers/temporal';

/** Builds a plan for the simulator pair as a client sends it, before defaults; `overrides` replace top-level sections. */
export function planInput(pair: SimulatorPair, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    name: uniqueId('wave').toLowerCase(),
    destination: { host: '127.0.0.1', port: pair.destination.port, scheme: 'http', token: { env: 'TEST_DEST_TOKEN' } },
    source: { host: pair.source.hostname, password: { env: 'TEST_SOURCE_PASSWORD' } },
    items: { packages: ['starter'], accounts: [{ user: 'alice' }, { user: 'carol' }] },
    monitor: { pollIntervalSeconds: 1 },
    ...overrides,
  };
}

/** Returns the path of a migration route: the workflow id URL-encoded into one segment, then `suffix`. */
export function migrationPath(workflowId: string, suffix = ''): string {
  return `/migrations/${encodeURIComponent(workflowId)}${suffix}`;
}
