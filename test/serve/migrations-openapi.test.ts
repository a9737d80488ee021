/**
 * The OpenAPI document: the checked-in copy, the served one, its references, and that the routes and
 * the document name the same operations. migrations.test.ts checks each response against it.
 */
import { readFileSync } from 'node:fs';
import type { ServeService } from '../../src/serve';
import { buildOpenApiDocument, OPENAPI_FILE, openApiText } from '../../src/serve/openapi';
import { alertmanagerPayload, call, startStandInServers, startTestService, type StandInServers } from './helpers';
import { callApi, undocumentedParts } from './migrations-helpers';

type JsonObject = Record<string, unknown>;
type Operation = { security?: unknown[] };

let service: ServeService;
let servers: StandInServers;
const document = buildOpenApiDocument();
const paths = document.paths as Record<string, Record<string, Operation>>;

beforeAll(async () => {
  // Stand-in server workflows take the alert signals, so the alert routes answer 202.
  servers = await startStandInServers();
  service = (await startTestService(servers.taskQueue)).service;
});

afterAll(async () => {
  await service?.close();
  await servers?.stop();
});

/** Lists every `$ref` in `value` with the JSON pointer it names. */
function references(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((item) => references(item, found));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else references(child, found);
    }
  }
  return found;
}

function resolve(pointer: string): unknown {
  return pointer
    .slice(2)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, token) => (node as JsonObject | undefined)?.[token], document);
}

describe('OpenAPI document', () => {
  test('checked-in copy is up to date', () => {
    const text = readFileSync(OPENAPI_FILE, 'utf8');

    if (text !== openApiText()) throw new Error('contract/openapi.json differs from src/serve/openapi.ts. Run `npm run openapi` and commit the result.');
    expect(text).toBe(openApiText());
  });

  test('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  test('every reference resolves', () => {
    const unresolved = references(document).filter((pointer) => !pointer.startsWith('#/') || resolve(pointer) === undefined);

    expect(unresolved).toEqual([]);
  });

  test('served without a token', async () => {
    const response = await call(service, 'GET', '/openapi.json', { token: null });

    expect(response.status).toBe(200);
    expect(response.body).toEqual(JSON.parse(openApiText()));
    expect(response.headers['x-request-id']).toEqual(expect.any(String));
  });

  test('every operation has a route', async () => {
    const unrouted: string[] = [];
    for (const [template, operations] of Object.entries(paths)) {
      const path = template.replace('{id}', encodeURIComponent('whm-migrate/dest.example.com/wave-1'));
      for (const [method, operation] of Object.entries(operations)) {
        const response = await call(service, method.toUpperCase() as 'GET' | 'POST', path, { token: null });
        const expected = operation.security?.length === 0 ? response.status !== 404 && response.status !== 405 : response.status === 401;
        if (!expected) unrouted.push(`${method.toUpperCase()} ${template}: ${response.status}`);
      }
    }

    expect(unrouted).toEqual([]);
  });
});

describe('response check against the document', () => {
  test('undocumented field is reported', () => {
    const response = { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { status: 'ok', requestId: 'r-1', extra: 1 }, text: '' };

    expect(undocumentedParts('GET', '/healthz', response)).toEqual([expect.stringContaining('must NOT have additional properties')]);
  });

  test('undocumented status is reported', () => {
    const response = { status: 418, headers: { 'content-type': 'application/json' }, body: {}, text: '' };

    expect(undocumentedParts('GET', '/healthz', response)).toEqual(['GET /healthz documents no 418 response']);
  });

  test('probes match the document', async () => {
    const live = await callApi(service, 'GET', '/healthz', { token: null });
    const ready = await callApi(service, 'GET', '/readyz', { token: null });
    const metrics = await callApi(service, 'GET', '/metrics', { token: null });

    expect(live.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(metrics.status).toBe(200);
  });

  test('alert deliveries match the document', async () => {
    const host = servers.uniqueHost();
    const generic = await callApi(service, 'POST', '/alerts', { body: { server: host, healthy: false, reason: 'disk full' } });
    const alertmanager = await callApi(service, 'POST', '/alerts/alertmanager', {
      body: alertmanagerPayload([
        { status: 'firing', labels: { alertname: 'HighLoad', instance: `${host}:9100` }, fingerprint: '0123456789abcdef' },
        { status: 'firing', labels: { alertname: 'NoServer' }, fingerprint: 'fedcba9876543210' },
      ]),
    });

    expect(generic.status).toBe(202);
    expect(alertmanager.status).toBe(202);
    expect((alertmanager.body.unmapped as unknown[]).length).toBe(1);
  });

  test('problem documents match the document', async () => {
    const response = await callApi(service, 'GET', '/migrations?phase=sleeping');

    expect(response.status).toBe(400);
  });
});
