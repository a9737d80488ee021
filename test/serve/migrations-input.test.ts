/**
 * Requests the migration routes reject: invalid plans and parameters, unknown ids, bad tokens and
 * bodies. The service talks to the shared Temporal server, but no worker polls its task queue, so
 * nothing these tests send can run.
 */
import { Client, Connection } from '@temporalio/client';
import type { ServeService } from '../../src/serve';
import { sharedTemporalAddress, uniqueId } from '../helpers/temporal';
import { call as callUnchecked, startTestService, type HttpResult } from './helpers';
import { callApi as call, migrationPath } from './migrations-helpers';

let service: ServeService;
let taskQueue: string;

beforeAll(async () => {
  taskQueue = uniqueId('serve-migrations-input');
  service = (await startTestService(taskQueue)).service;
});

afterAll(async () => {
  await service?.close();
});

const UNKNOWN_ID = `whm-migrate/dest.example.com/${uniqueId('absent')}`;

/** Builds a valid plan for servers that do not exist; no worker polls the task queue, so it could never run. */
function validPlan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    name: uniqueId('wave').toLowerCase(),
    destination: { host: 'dest.example.com', token: { env: 'DEST_TOKEN' } },
    source: { host: 'source.example.com', password: { env: 'SOURCE_PASSWORD' } },
    items: { accounts: [{ user: 'alice' }] },
    ...overrides,
  };
}

function problemPaths(response: HttpResult): string[] {
  return (response.body.problems as Array<{ path: string }>).map((problem) => problem.path);
}

describe('POST /migrations with an invalid plan', () => {
  test('lists every problem', async () => {
    const plan = validPlan({ destination: { host: 'dest.example.com', port: 70000, token: { env: 'DEST_TOKEN' } }, items: { accounts: [{ user: 'Alice!' }] } });
    const response = await call(service, 'POST', '/migrations', { body: plan });

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body.detail).toBe('The migration plan is invalid (2 problems, listed in "problems"); nothing was started.');
    expect(problemPaths(response)).toEqual(['destination.port', 'items.accounts[0].user']);
  });

  test('starts nothing', async () => {
    const plan = validPlan({ version: 2 });
    const rejected = await call(service, 'POST', '/migrations', { body: plan });
    const status = await call(service, 'GET', migrationPath(`whm-migrate/dest.example.com/${plan.name as string}`));

    expect(rejected.status).toBe(400);
    expect(status.status).toBe(404);
  });

  test('relative file paths are problems', async () => {
    const plan = validPlan({
      destination: { host: 'dest.example.com', token: { file: 'secrets/token' }, tls: { caFile: 'ca.pem' } },
      source: { host: 'source.example.com', password: { file: '/etc/whm-migrate/source-password' } },
    });
    const response = await call(service, 'POST', '/migrations', { body: plan });

    expect(response.status).toBe(400);
    expect(problemPaths(response)).toEqual(['destination.token.file', 'destination.tls.caFile']);
    expect(JSON.stringify(response.body)).not.toContain('secrets/token');
  });

  test('plan that is not an object gets 400', async () => {
    const response = await call(service, 'POST', '/migrations', { body: '[1, 2]' });

    expect(response.status).toBe(400);
    expect(problemPaths(response)).toEqual(['(body)']);
  });

  test('malformed JSON gets 400', async () => {
    const response = await call(service, 'POST', '/migrations', { body: '{"version": 1,' });

    expect(response.status).toBe(400);
    expect((response.body.problems as Array<{ message: string }>)[0]?.message).toMatch(/^malformed JSON: /);
  });

  test('oversized body gets 413', async () => {
    const plan = validPlan({ $schema: 'x'.repeat(1024 * 1024) });
    const response = await call(service, 'POST', '/migrations', { body: plan });

    expect(response.status).toBe(413);
    expect(response.body.detail).toBe('The request body exceeds the limit of 1048576 bytes.');
  });

  test('plan over the Temporal payload limit gets 413', async () => {
    // About 0.8 MB of JSON, which the defaults of every account make larger than Temporal's 2 MB input limit.
    const plan = validPlan({ items: { accounts: Array.from({ length: 40_000 }, (_, index) => ({ user: `user${index}` })) } });
    const response = await call(service, 'POST', '/migrations', { body: plan });

    expect(response.status).toBe(413);
    expect(response.body.detail).toContain('The plan is too large for one migration');
  });
});

describe('migration routes with a bad token', () => {
  test.each([
    ['POST', '/migrations'],
    ['GET', '/migrations'],
    ['GET', migrationPath(UNKNOWN_ID)],
    ['POST', migrationPath(UNKNOWN_ID, '/pause')],
    ['POST', '/migrations/pause'],
  ] as const)('%s %s gets 401', async (method, path) => {
    const response = await call(service, method, path, { token: 'wrong-token-0123456789', body: {} });

    expect(response.status).toBe(401);
  });
});

describe('migration routes with an unknown id', () => {
  test.each([
    ['GET', '(status)', ''],
    ['GET', '/report', '/report'],
    ['GET', '/report with wait', '/report?wait=true&timeout=1'],
    ['POST', '/pause', '/pause'],
    ['POST', '/resume with wait', '/resume?wait=true'],
    ['POST', '/abort', '/abort'],
  ] as const)('%s %s gets 404', async (method, _label, suffix) => {
    const response = await call(service, method, migrationPath(UNKNOWN_ID, suffix));

    expect(response.status).toBe(404);
    expect(response.body.detail).toContain(`No migration with id "${UNKNOWN_ID}"`);
  });

  test('unencoded slashes get 404 without a route', async () => {
    const response = await callUnchecked(service, 'GET', `/migrations/${UNKNOWN_ID}`);

    expect(response.status).toBe(404);
    expect(response.body.detail).toBe(`No route for /migrations/${UNKNOWN_ID}.`);
  });
});

describe('GET /migrations with invalid filters', () => {
  test('every invalid parameter is a problem', async () => {
    const response = await call(service, 'GET', '/migrations?phase=sleeping&paused=yes&server=not_a_host!&limit=0&all=1');

    expect(response.status).toBe(400);
    expect(problemPaths(response).sort()).toEqual(['all', 'limit', 'paused', 'phase', 'server']);
  });

  test('unknown parameter is a problem', async () => {
    const response = await call(service, 'GET', '/migrations?pause=true');

    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([{ path: 'pause', message: 'is not a query parameter of this route' }]);
  });

  test('repeated parameter is a problem', async () => {
    const response = await call(service, 'GET', '/migrations?phase=paused&phase=transferring');

    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([{ path: 'phase', message: 'is given 2 times; give it once' }]);
  });
});

describe('control routes with invalid input', () => {
  test('invalid pause body gets 400', async () => {
    const response = await call(service, 'POST', migrationPath(UNKNOWN_ID, '/pause'), { body: { source: 'two words', reason: '' } });

    expect(response.status).toBe(400);
    expect(problemPaths(response).sort()).toEqual(['reason', 'source']);
  });

  test('resume field on pause gets 400', async () => {
    const response = await call(service, 'POST', migrationPath(UNKNOWN_ID, '/pause'), { body: { all: true } });

    expect(response.status).toBe(400);
  });

  test('timeout without wait gets 400', async () => {
    const response = await call(service, 'POST', migrationPath(UNKNOWN_ID, '/abort?timeout=5'));

    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([{ path: 'timeout', message: 'is allowed only together with wait=true' }]);
  });

  test('timeout over the maximum gets 400', async () => {
    const response = await call(service, 'GET', migrationPath(UNKNOWN_ID, '/report?wait=true&timeout=301'));

    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([{ path: 'timeout', message: 'must be at most 300 seconds' }]);
  });
});

describe('bulk routes with invalid input', () => {
  test('neither server nor all gets 400', async () => {
    const response = await call(service, 'POST', '/migrations/pause', { body: { reason: 'overload' } });

    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('give a server');
  });

  test('server and all together get 400', async () => {
    const response = await call(service, 'POST', '/migrations/resume', { body: { server: 'dest.example.com', all: true } });

    expect(response.status).toBe(400);
    expect(response.body.detail).toContain('not both');
  });

  test('invalid server gets 400', async () => {
    const response = await call(service, 'POST', '/migrations/pause', { body: { server: 'not a host' } });

    expect(response.status).toBe(400);
    expect(problemPaths(response)).toEqual(['server']);
  });

  test('missing body gets 400', async () => {
    const response = await call(service, 'POST', '/migrations/pause');

    expect(response.status).toBe(400);
  });
});

describe('migration without a worker', () => {
  let connection: Connection;
  let workflowId: string;

  beforeAll(async () => {
    connection = await Connection.connect({ address: sharedTemporalAddress() });
    const started = await call(service, 'POST', '/migrations', { body: validPlan() });
    workflowId = started.body.workflowId as string;
  });

  afterAll(async () => {
    await new Client({ connection }).workflow.getHandle(workflowId).terminate('test finished');
    await connection.close();
  });

  test('update not accepted gets 504', async () => {
    const response = await call(service, 'POST', migrationPath(workflowId, '/pause?wait=true&timeout=2'));

    expect(response.status).toBe(504);
    expect(response.body.detail).toContain(`did not accept the pause within 2 s. Check that a worker polls task queue "${taskQueue}"`);
  });

  test('report gets 409 at once', async () => {
    const response = await call(service, 'GET', migrationPath(workflowId, '/report'));

    expect(response.status).toBe(409);
  });
});
