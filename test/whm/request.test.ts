import { WhmClient, WhmConfigurationError, WhmInvalidParameterError } from '../../src/whm';
import { rootSessionParams } from './support/calls';
import { envelope, functionOf, replyJson, startFakeWhm, type FakeWhm } from './support/fake-whm';

const TOKEN = 'TOKEN0123456789ABCDEF';

describe('WhmClient request', () => {
  let server: FakeWhm;
  let client: WhmClient;

  beforeAll(async () => {
    server = await startFakeWhm((request, response) => {
      const fn = functionOf(request);
      const data: Record<string, unknown> = {
        start_transfer_session: { pid: 90210 },
        create_remote_root_transfer_session: { transfer_session_id: 'remotecopya20240101000000abcdefghij' },
        version: { version: '11.120.0.16' },
      };
      replyJson(response, 200, envelope(fn, data[fn]));
    });
    client = new WhmClient({ baseUrl: server.url, auth: { kind: 'token', user: 'root', token: TOKEN } });
  });

  afterAll(async () => {
    await client.close();
    await server.close();
  });

  beforeEach(() => {
    server.requests.length = 0;
  });

  test('posts form to json-api path', async () => {
    await client.startTransferSession({ transfer_session_id: 'abc_123' });

    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/json-api/start_transfer_session');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.form.get('api.version')).toBe('1');
    expect(request?.form.get('transfer_session_id')).toBe('abc_123');
  });

  test('token auth header', async () => {
    await client.version();

    expect(server.requests[0]?.headers.authorization).toBe(`whm root:${TOKEN}`);
  });

  test('basic auth header', async () => {
    const basic = new WhmClient({ baseUrl: server.url, auth: { kind: 'basic', user: 'reseller', password: 'pa ss:wd' } });
    try {
      await basic.version();
    } finally {
      await basic.close();
    }

    const expected = `Basic ${Buffer.from('reseller:pa ss:wd').toString('base64')}`;
    expect(server.requests[0]?.headers.authorization).toBe(expected);
  });

  test('base URL path prefix kept', async () => {
    const prefixed = new WhmClient({ baseUrl: `${server.url}/proxy/whm/`, auth: { kind: 'token', user: 'root', token: TOKEN } });
    try {
      await prefixed.version();
    } finally {
      await prefixed.close();
    }

    expect(server.requests[0]?.url).toBe('/proxy/whm/json-api/version');
  });

  test('booleans sent as 1 and 0', async () => {
    await client.createRemoteRootTransferSession({
      host: 'source.example.com',
      user: 'root',
      password: 'remote secret',
      comm_transport: 'ssh',
      transfer_threads: 2,
      restore_threads: 3,
      unrestricted_restore: true,
      copy_reseller_privs: false,
      compressed: true,
      unencrypted: false,
      use_backups: false,
      low_priority: true,
      enable_custom_pkgacct: false,
      port: 2222,
    });

    const form = server.requests[0]?.form;
    expect(form?.get('unrestricted_restore')).toBe('1');
    expect(form?.get('copy_reseller_privs')).toBe('0');
    expect(form?.get('low_priority')).toBe('1');
    expect(form?.get('transfer_threads')).toBe('2');
    expect(form?.get('port')).toBe('2222');
    expect(form?.get('password')).toBe('remote secret');
    expect(form?.has('root_password')).toBe(false);
  });

  test('enqueue account item fields', async () => {
    await client.enqueueTransferItem({
      module: 'AccountRemoteRoot',
      transfer_session_id: 'sess_1',
      user: 'bob',
      localuser: 'bob2',
      size: 123456789,
      skiphomedir: false,
      replaceip: 'basic',
    });

    const form = server.requests[0]?.form;
    expect(form?.get('module')).toBe('AccountRemoteRoot');
    expect(form?.get('localuser')).toBe('bob2');
    expect(form?.get('size')).toBe('123456789');
    expect(form?.get('skiphomedir')).toBe('0');
    expect(form?.get('replaceip')).toBe('basic');
  });

  test('enqueue legacy backup database list joined', async () => {
    await client.enqueueTransferItem({
      module: 'LegacyAccountBackup',
      transfer_session_id: 'sess_1',
      user: 'bob',
      restoretype: 'daily',
      mysql_dbs_to_restore: ['bob_wp', 'bob_shop'],
    });

    expect(server.requests[0]?.form.get('mysql_dbs_to_restore')).toBe('bob_wp,bob_shop');
  });

  test('enqueue missing localuser not sent', async () => {
    const params = { module: 'AccountRemoteRoot', transfer_session_id: 'sess_1', user: 'bob' };

    const call = client.enqueueTransferItem(params as never);

    await expect(call).rejects.toThrow(WhmInvalidParameterError);
    await expect(call).rejects.toThrow(/localuser/);
    expect(server.requests).toHaveLength(0);
  });

  test('enqueue unknown key not sent', async () => {
    const params = { module: 'PackageRemoteRoot', transfer_session_id: 'sess_1', package: 'gold', pacakge_typo: 'x' };

    const call = client.enqueueTransferItem(params as never);

    await expect(call).rejects.toThrow(WhmInvalidParameterError);
    expect(server.requests).toHaveLength(0);
  });

  test('enqueue unknown module sent unchecked', async () => {
    const params = { module: 'RearrangeAccount', transfer_session_id: 'sess_1', user: 'bob', target_mount: '/home2' };

    await client.enqueueTransferItem(params as never);

    expect(server.requests[0]?.form.get('target_mount')).toBe('/home2');
  });

  test('config module item uses name', async () => {
    await client.enqueueTransferItem({ module: 'EximRemoteRoot', transfer_session_id: 'sess_1', name: 'exim' });

    expect(server.requests[0]?.form.get('name')).toBe('exim');
  });

  test('invalid thread count not sent', async () => {
    const call = client.createRemoteRootTransferSession(rootSessionParams('source.example.com', { transfer_threads: 0 }));

    await expect(call).rejects.toThrow(WhmInvalidParameterError);
    await expect(call).rejects.toThrow(/transfer_threads/);
  });

  test('invalid per-call timeout', async () => {
    await expect(client.version({}, { timeoutMs: 0 })).rejects.toThrow(WhmConfigurationError);
  });

  test('aborted signal not sent', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled before the call'));

    await expect(client.version({}, { signal: controller.signal })).rejects.toThrow('cancelled before the call');
    expect(server.requests).toHaveLength(0);
  });
});

describe('WhmClient options', () => {
  test('rejects non-http base URL', () => {
    expect(() => new WhmClient({ baseUrl: 'ftp://127.0.0.1:2087', auth: { kind: 'token', user: 'root', token: TOKEN } })).toThrow(
      WhmConfigurationError,
    );
  });

  test('rejects timeout for unknown function', () => {
    const timeoutsMs = { versoin: 1000 } as never;

    expect(() => new WhmClient({ baseUrl: 'https://127.0.0.1:2087', auth: { kind: 'token', user: 'root', token: TOKEN }, timeoutsMs })).toThrow(
      /timeoutsMs/,
    );
  });

  test('rejects user with colon', () => {
    expect(() => new WhmClient({ baseUrl: 'https://127.0.0.1:2087', auth: { kind: 'token', user: 'ro:ot', token: TOKEN } })).toThrow(
      /must not contain “:”/,
    );
  });

  test('rejects token with line break without echoing it', () => {
    const secret = 'SECRET-TOKEN-VALUE';
    let caught: unknown;
    try {
      new WhmClient({ baseUrl: 'https://127.0.0.1:2087', auth: { kind: 'token', user: 'root', token: `${secret}\r\nX-Evil: 1` } });
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(WhmConfigurationError);
    expect(String((caught as Error).message)).not.toContain(secret);
  });

  test('rejects insecure with pin', () => {
    expect(
      () =>
        new WhmClient({
          baseUrl: 'https://127.0.0.1:2087',
          auth: { kind: 'token', user: 'root', token: TOKEN },
          tls: { insecure: true, fingerprint256: 'AB'.repeat(32) },
        }),
    ).toThrow(/tls.insecure cannot be combined/);
  });

  test('rejects malformed fingerprint', () => {
    expect(
      () =>
        new WhmClient({
          baseUrl: 'https://127.0.0.1:2087',
          auth: { kind: 'token', user: 'root', token: TOKEN },
          tls: { fingerprint256: 'AB:CD' },
        }),
    ).toThrow(/64 hex digits/);
  });

  test('rejects unreadable CA file', () => {
    expect(
      () =>
        new WhmClient({
          baseUrl: 'https://127.0.0.1:2087',
          auth: { kind: 'token', user: 'root', token: TOKEN },
          tls: { caFile: '/nonexistent/whm-ca.pem' },
        }),
    ).toThrow(/tls.caFile “\/nonexistent\/whm-ca.pem” cannot be read/);
  });
});
