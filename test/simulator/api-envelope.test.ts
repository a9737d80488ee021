import { request } from 'undici';
import { startSimulator, type WhmSimulator } from '../../src/simulator';
import { callData, callWhm, createRootSession, FAST_TIMING, rawCall, ROOT_TOKEN } from './helpers';

const ACCESS_DENIED = {
  cpanelresult: {
    apiversion: '2',
    error: 'Access denied',
    data: { reason: 'Access denied', result: '0' },
    type: 'text',
  },
};

let source: WhmSimulator;
let simulator: WhmSimulator;

beforeAll(async () => {
  source = await startSimulator({ hostname: 'source.sim.test' });
  simulator = await startSimulator({
    ...FAST_TIMING,
    peers: { 'source.sim.test': source.url },
    credentials: [
      { user: 'root', token: 'sim-token', password: 'root-password' },
      { user: 'reseller1', token: 'reseller-token' },
    ],
  });
});

afterAll(async () => {
  await simulator.close();
  await source.close();
});

describe('WHM API envelope', () => {
  test('success carries data and metadata', async () => {
    const envelope = await callWhm(simulator.url, 'version');

    expect(envelope.data).toEqual({ version: '11.120.0.16' });
    expect(envelope.metadata).toEqual({ command: 'version', version: 1, result: 1, reason: 'OK' });
  });

  test('success is JSON', async () => {
    const response = await rawCall(simulator.url, 'version');

    expect(response.contentType).toMatch(/^application\/json/);
  });

  test('function failure is HTTP 200 with result 0 and no data', async () => {
    const response = await rawCall(simulator.url, 'get_transfer_session_state', { transfer_session_id: 'nosuchsession' });
    const envelope = JSON.parse(response.text) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(envelope).not.toHaveProperty('data');
    expect(envelope.metadata).toEqual({
      command: 'get_transfer_session_state',
      version: 1,
      result: 0,
      reason: 'The session ID “nosuchsession” does not exist.',
    });
  });

  test('unknown function names the app', async () => {
    const envelope = await callWhm(simulator.url, 'make_coffee');

    expect(envelope.data).toBeUndefined();
    expect(envelope.metadata.result).toBe(0);
    expect(envelope.metadata.command).toBe('make_coffee');
    expect(envelope.metadata.reason).toBe('Unknown app (make_coffee) requested for this version (1) of the API.');
  });

  test('missing api.version gets the legacy answer', async () => {
    const response = await rawCall(simulator.url, 'version', {}, { withoutApiVersion: true });
    const body = JSON.parse(response.text) as Record<string, unknown>;

    expect(response.status).toBe(200);
    expect(body).not.toHaveProperty('metadata');
    expect(body.status).toBe(0);
    expect(body.statusmsg).toContain('api.version=1');
  });

  test('metadata-only answer has no data', async () => {
    const sessionId = await createUserSession();
    const envelope = await callWhm(simulator.url, 'abort_transfer_session', { transfer_session_id: sessionId });

    expect(envelope.metadata.result).toBe(1);
    expect(envelope).not.toHaveProperty('data');
  });

  test('api keys are stripped before validation', async () => {
    const sessionId = await createUserSession();
    const envelope = await callWhm(simulator.url, 'enqueue_transfer_item', {
      transfer_session_id: sessionId,
      module: 'AccountRemoteUser',
      user: 'alice',
      localuser: 'alice',
      'api.filter': '1',
      'api.columns.enable': '1',
    });

    expect(envelope.metadata.reason).toBe('OK');
    expect(envelope.metadata.result).toBe(1);
  });
});

describe('WHM API paths and methods', () => {
  test('cpsess path form', async () => {
    const data = await callWhm(simulator.url, 'version', {}, { pathPrefix: '/cpsess0123456789' });

    expect(data.metadata.result).toBe(1);
  });

  test('POST form body', async () => {
    const envelope = await callWhm(simulator.url, 'servicestatus', { service: 'httpd' }, { method: 'POST' });

    expect(envelope.metadata.result).toBe(1);
    expect(envelope.data).toEqual({ service: [expect.objectContaining({ name: 'httpd' })] });
  });

  test('POST body field wins over query', async () => {
    const response = await request(`${simulator.url}/json-api/servicestatus?api.version=1&service=nosuch`, {
      method: 'POST',
      headers: { authorization: ROOT_TOKEN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'service=sshd',
    });
    const envelope = await response.body.json() as { data: { service: Array<{ name: string }> } };

    expect(envelope.data.service[0]?.name).toBe('sshd');
  });

  test('POST JSON body is rejected', async () => {
    const response = await request(`${simulator.url}/json-api/version`, {
      method: 'POST',
      headers: { authorization: ROOT_TOKEN, 'content-type': 'application/json' },
      body: '{"api.version":1}',
    });
    await response.body.dump();

    expect(response.statusCode).toBe(415);
  });

  test('other path is 404', async () => {
    const response = await request(`${simulator.url}/xml-api/version?api.version=1`, { headers: { authorization: ROOT_TOKEN } });
    await response.body.dump();

    expect(response.statusCode).toBe(404);
  });

  test('bad cpsess form is 404', async () => {
    const response = await rawCall(simulator.url, 'version', {}, { pathPrefix: '/cpsess12' });

    expect(response.status).toBe(404);
  });
});

describe('WHM API authentication', () => {
  test.each([
    ['missing header', null],
    ['wrong token', 'whm root:wrong-token'],
    ['unknown user', 'whm nobody:sim-token'],
    ['wrong Basic password', `Basic ${Buffer.from('root:wrong').toString('base64')}`],
    ['token as Basic password', `Basic ${Buffer.from('root:sim-token').toString('base64')}`],
    ['unknown scheme', 'Bearer sim-token'],
  ])('%s gets 403 with the legacy body', async (_case, authorization) => {
    const response = await rawCall(simulator.url, 'version', {}, { authorization });

    expect(response.status).toBe(403);
    expect(response.contentType).toMatch(/^text\/plain/);
    expect(JSON.parse(response.text)).toEqual(ACCESS_DENIED);
  });

  test('Basic password accepted', async () => {
    const authorization = `Basic ${Buffer.from('root:root-password').toString('base64')}`;
    const envelope = await callWhm(simulator.url, 'version', {}, { authorization });

    expect(envelope.metadata.result).toBe(1);
  });

  test('scheme word is case-insensitive', async () => {
    const envelope = await callWhm(simulator.url, 'version', {}, { authorization: 'WHM root:sim-token' });

    expect(envelope.metadata.result).toBe(1);
  });

  test('reseller token accepted', async () => {
    const envelope = await callWhm(simulator.url, 'version', {}, { authorization: 'whm reseller1:reseller-token' });

    expect(envelope.metadata.result).toBe(1);
  });

  test('reseller cannot enqueue account items', async () => {
    const sessionId = await createUserSession();
    const envelope = await callWhm(simulator.url, 'enqueue_transfer_item', {
      transfer_session_id: sessionId, module: 'AccountRemoteUser', user: 'bob', localuser: 'bob',
    }, { authorization: 'whm reseller1:reseller-token' });

    expect(envelope.metadata.reason).toBe('The transfer session module “AccountRemoteUser” can not be enqueued as a non-root user.');
  });

  test('missing credentials checked before the function', async () => {
    const response = await rawCall(simulator.url, 'make_coffee', {}, { authorization: null });

    expect(response.status).toBe(403);
  });

  test('root session needs a known peer', async () => {
    await expect(createRootSession(simulator.url, 'elsewhere.sim.test', 'x')).rejects.toThrow(
      'The system was unable to resolve the hostname, “elsewhere.sim.test”, to an IP address.');
  });
});

async function createUserSession(): Promise<string> {
  const data = await callData<{ transfer_session_id: string }>(simulator.url, 'create_remote_user_transfer_session', {
    host: 'source.sim.test', password: 'anything', unrestricted_restore: '1',
  });
  return data.transfer_session_id;
}
