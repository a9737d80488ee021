import type { ServeService } from '../../src/serve';
import { startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { uniqueId } from '../helpers/temporal';
import { startTestService, unusedPort } from './helpers';
import { callApi as call, migrationPath } from './migrations-helpers';

let service: ServeService;
let temporalAddress: string;
let temporalPort: number;
let laterServer: DevServer | undefined;

beforeAll(async () => {
  temporalPort = await unusedPort();
  temporalAddress = `127.0.0.1:${temporalPort}`;
  const started = await startTestService(uniqueId('serve-migrations-down'), { env: { TEMPORAL_ADDRESS: temporalAddress }, temporalCallTimeoutMs: 1_500 });
  service = started.service;
});

afterAll(async () => {
  await service?.close();
  await laterServer?.stop();
});

const PLAN = {
  version: 1,
  name: 'wave-1',
  destination: { host: 'dest.example.com', token: { env: 'DEST_TOKEN' } },
  source: { host: 'source.example.com', password: { env: 'SOURCE_PASSWORD' } },
  items: { accounts: [{ user: 'alice' }] },
};

describe('migration routes with Temporal unreachable', () => {
  test.each([
    ['POST', '/migrations', PLAN],
    ['GET', '/migrations', undefined],
    ['GET', migrationPath('whm-migrate/dest.example.com/wave-1'), undefined],
    ['POST', migrationPath('whm-migrate/dest.example.com/wave-1', '/pause'), undefined],
    ['POST', '/migrations/pause', { server: 'dest.example.com' }],
  ] as const)('%s %s gets 503 with Retry-After', async (method, path, body) => {
    const response = await call(service, method, path, { body });

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('10');
    expect(response.body.detail).toContain(`Cannot reach Temporal at ${temporalAddress}`);
  });

  test('invalid plan still gets 400', async () => {
    const response = await call(service, 'POST', '/migrations', { body: { ...PLAN, version: 2 } });

    expect(response.status).toBe(400);
  });
});

describe('migration routes once Temporal is up', () => {
  // Runs after the tests above, which need the port to be unused.
  test('later request connects and gets 200', async () => {
    laterServer = await startDevServer({ port: temporalPort });
    const response = await call(service, 'GET', '/migrations');

    expect(response.status).toBe(200);
    expect(response.body.migrations).toEqual([]);
  });

  test('Temporal gone again gets 503', async () => {
    await laterServer?.stop();
    const response = await call(service, 'GET', '/migrations');

    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('10');
  });
});
