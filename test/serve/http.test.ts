import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { request } from 'undici';
import type { ServeService } from '../../src/serve';
import { uniqueId } from '../helpers/temporal';
import { call, startTestService, TEST_TOKEN, type LogLine } from './helpers';

let service: ServeService;
let logLines: () => LogLine[];
let logText: () => string;

beforeAll(async () => {
  // No test here gets as far as Temporal, so no worker polls this task queue.
  const started = await startTestService(uniqueId('serve-http'));
  service = started.service;
  logLines = started.logs.lines;
  logText = started.logs.text;
});

afterAll(async () => {
  await service?.close();
});

describe('serve HTTP pipeline', () => {
  test('missing token gets 401 with a challenge', async () => {
    const response = await call(service, 'POST', '/alerts', { token: null, body: { server: 'dest.example.com', healthy: false } });

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="whm-migrate"');
    expect(response.body.detail).toMatch(/^Missing bearer token/);
  });

  test('wrong token gets 401 invalid_token', async () => {
    const response = await call(service, 'POST', '/alerts/alertmanager', { token: 'wrong-token-0123456789', body: { alerts: [] } });

    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="whm-migrate", error="invalid_token"');
  });

  test('token of another scheme gets 401', async () => {
    const response = await call(service, 'POST', '/alerts', { token: null, headers: { authorization: `Basic ${TEST_TOKEN}` }, body: {} });

    expect(response.status).toBe(401);
  });

  test('tokens never reach the log', async () => {
    await call(service, 'POST', '/alerts', { token: 'guessed-token-0123456789', body: {} });
    await call(service, 'POST', '/alerts', { body: {} });

    expect(logText()).not.toContain('guessed-token-0123456789');
    expect(logText()).not.toContain(TEST_TOKEN);
  });

  test('malformed JSON gets 400', async () => {
    const response = await call(service, 'POST', '/alerts/alertmanager', { body: '{"alerts": [' });

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    const problems = response.body.problems as Array<{ path: string; message: string }>;
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('(body)');
    expect(problems[0]?.message).toMatch(/^malformed JSON: /);
  });

  test('empty body gets 400', async () => {
    const response = await call(service, 'POST', '/alerts', { body: '' });

    expect(response.status).toBe(400);
    expect(response.body.detail).toBe('The request body is empty: send a JSON object.');
  });

  test('form body gets 415', async () => {
    const response = await call(service, 'POST', '/alerts', { body: 'server=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

    expect(response.status).toBe(415);
  });

  test('oversized body gets 413', async () => {
    const body = JSON.stringify({ server: 'dest.example.com', healthy: false, reason: 'x'.repeat(1024 * 1024) });
    const response = await call(service, 'POST', '/alerts', { body });

    expect(response.status).toBe(413);
    expect(response.body.detail).toBe('The request body exceeds the limit of 1048576 bytes.');
  });

  test('oversized chunked body gets 413', async () => {
    // A stream of unknown length is sent chunked, with no Content-Length to reject it early.
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const body = Readable.from([Buffer.from('{"server": "dest.example.com", "healthy": false'), chunk, chunk, chunk, chunk, chunk, Buffer.from('}')]);
    const response = await request(`${service.url}/alerts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body,
    });

    expect(response.statusCode).toBe(413);
    await response.body.dump();
  });

  test('unknown path gets 404', async () => {
    const response = await call(service, 'GET', '/nowhere');

    expect(response.status).toBe(404);
    expect(response.body.detail).toBe('No route for /nowhere.');
  });

  test('unparsable request target gets 400', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const outgoing = httpRequest(`${service.url}/`, { method: 'GET', path: '//' }, (incoming) => {
        let text = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (text += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text }));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });

    expect(status).toBe(400);
    expect((JSON.parse(body) as { detail: string }).detail).toBe('Invalid request target "//": send a path such as /alerts.');
  });

  test('wrong method gets 405 with Allow', async () => {
    const response = await call(service, 'GET', '/alerts');

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });

  test('responses carry a request id', async () => {
    const response = await call(service, 'GET', '/healthz');

    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
  });

  test('client request id is kept and logged', async () => {
    const response = await call(service, 'GET', '/nowhere', { headers: { 'x-request-id': 'am-retry-42' } });

    expect(response.headers['x-request-id']).toBe('am-retry-42');
    const line = logLines().find((entry) => entry.requestId === 'am-retry-42');
    expect(line).toMatchObject({ msg: 'request rejected', method: 'GET', path: '/nowhere', status: 404 });
  });

  test('unusable client request id is replaced', async () => {
    const response = await call(service, 'GET', '/healthz', { headers: { 'x-request-id': 'has spaces' } });

    expect(response.headers['x-request-id']).not.toBe('has spaces');
  });

  test('healthz answers without a token', async () => {
    const response = await call(service, 'GET', '/healthz', { token: null });

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
  });

  test('HEAD healthz answers without a body', async () => {
    const response = await request(`${service.url}/healthz`, { method: 'HEAD' });

    expect(response.statusCode).toBe(200);
    expect(await response.body.text()).toBe('');
  });

  test('readyz answers 200 with Temporal up', async () => {
    const response = await call(service, 'GET', '/readyz', { token: null });

    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ready');
    expect(response.body.checks).toEqual({ temporal: { ok: true } });
  });
});
