import { createServer } from 'node:net';

import {
  NON_RETRYABLE_WHM_ERROR_TYPES,
  WhmAuthenticationError,
  WhmClient,
  WhmConnectionError,
  WhmDuplicateItemError,
  WhmError,
  WhmFunctionError,
  WhmInvalidParameterError,
  WhmModuleNotFoundError,
  WhmResponseFormatError,
  WhmResponseTooLargeError,
  WhmServerError,
  WhmSessionNotFoundError,
  WhmTimeoutError,
  WhmTlsError,
  WhmConfigurationError,
} from '../../src/whm';
import {
  LEGACY_ACCESS_DENIED,
  captureLogger,
  envelope,
  functionOf,
  replyJson,
  startFakeWhm,
  type FakeHandler,
  type FakeWhm,
} from './support/fake-whm';
import { rejection, rootSessionParams } from './support/calls';

const TOKEN = 'Q1W2E3R4T5Y6U7I8O9P0ASDFGHJKLZXC';
const REMOTE_PASSWORD = 'remote-Pass word+1';
const REMOTE_ROOT_PASSWORD = 'r00t"secret&x=1';

const CREATE_PARAMS = rootSessionParams('source.example.com', {
  user: 'admin',
  password: REMOTE_PASSWORD,
  root_escalation_method: 'su',
  root_password: REMOTE_ROOT_PASSWORD,
});

describe('WhmClient errors', () => {
  let server: FakeWhm;
  let respond: FakeHandler;
  let client: WhmClient;
  let logs: ReturnType<typeof captureLogger>;

  beforeAll(async () => {
    server = await startFakeWhm((request, response) => respond(request, response));
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    logs = captureLogger();
    client = new WhmClient({
      baseUrl: server.url,
      auth: { kind: 'token', user: 'root', token: TOKEN },
      logger: logs.logger,
      timeoutsMs: { version: 300 },
    });
    respond = (request, response) => replyJson(response, 200, envelope(functionOf(request), { version: '11.120.0.16' }));
  });

  afterEach(async () => {
    await client.close();
  });

  test('403 legacy body is authentication error', async () => {
    respond = (_request, response) => replyJson(response, 403, LEGACY_ACCESS_DENIED);

    const error = await rejection(client.getTransferSessionState({ transfer_session_id: 'abc' }));

    expect(error).toBeInstanceOf(WhmAuthenticationError);
    expect(error.httpStatus).toBe(403);
    expect(error.reason).toBe('Access denied');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('“get_transfer_session_state”');
    expect(error.message).toContain(`127.0.0.1:${server.port}`);
    expect(error.message).toContain('user “root”');
  });

  test('401 is authentication error', async () => {
    respond = (_request, response) => {
      response.writeHead(401, { 'content-type': 'text/plain' });
      response.end('Unauthorized');
    };

    const error = await rejection(client.version());

    expect(error).toBeInstanceOf(WhmAuthenticationError);
    expect(error.httpStatus).toBe(401);
  });

  test('200 legacy access denied is authentication error', async () => {
    respond = (_request, response) => replyJson(response, 200, LEGACY_ACCESS_DENIED);

    await expect(client.version()).rejects.toThrow(WhmAuthenticationError);
  });

  test.each([500, 502, 503])('HTTP %i is server error', async (status) => {
    respond = (_request, response) => {
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end('<html>cpsrvd is restarting</html>');
    };

    const error = await rejection(client.version());

    expect(error).toBeInstanceOf(WhmServerError);
    expect(error.httpStatus).toBe(status);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('cpsrvd is restarting');
  });

  test('HTTP 404 is response format error', async () => {
    respond = (_request, response) => {
      response.writeHead(404);
      response.end('Not Found');
    };

    const error = await rejection(client.version());

    expect(error).toBeInstanceOf(WhmResponseFormatError);
    expect(error.message).toContain('HTTP 404');
  });

  test('dropped connection is connection error', async () => {
    respond = (_request, response) => {
      response.socket?.destroy();
    };

    const error = await rejection(client.startTransferSession({ transfer_session_id: 'abc' }));

    expect(error).toBeInstanceOf(WhmConnectionError);
    expect(error.retryable).toBe(true);
    expect((error as WhmConnectionError).code).toBe('UND_ERR_SOCKET');
    expect(error.message).toContain('Whether WHM ran the function is unknown');
  });

  test('truncated body is connection error', async () => {
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      response.write('{"metadata":{"result":1');
      setTimeout(() => response.socket?.destroy(), 20);
    };

    await expect(client.version()).rejects.toThrow(WhmConnectionError);
  });

  test('refused connection is connection error', async () => {
    const closedPort = await freePort();
    const offline = new WhmClient({ baseUrl: `http://127.0.0.1:${closedPort}`, auth: { kind: 'token', user: 'root', token: TOKEN } });

    try {
      const error = await rejection(offline.version());

      expect(error).toBeInstanceOf(WhmConnectionError);
      expect((error as WhmConnectionError).code).toBe('ECONNREFUSED');
      expect(error.message).toContain(`127.0.0.1:${closedPort}`);
    } finally {
      await offline.close();
    }
  });

  test('client timeout for function', async () => {
    respond = () => undefined;

    const error = await rejection(client.version());

    expect(error).toBeInstanceOf(WhmTimeoutError);
    expect((error as WhmTimeoutError).timeoutMs).toBe(300);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('timed out after 300 ms');
  });

  test('per-call timeout overrides client', async () => {
    respond = () => undefined;

    const error = await rejection(client.getTransferSessionState({ transfer_session_id: 'abc' }, { timeoutMs: 150 }));

    expect(error).toBeInstanceOf(WhmTimeoutError);
    expect((error as WhmTimeoutError).timeoutMs).toBe(150);
  });

  test('timeout while body streams', async () => {
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"metadata":');
    };

    await expect(client.version()).rejects.toThrow(WhmTimeoutError);
  });

  test('abort signal rejects with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('activity cancelled');
    respond = () => {
      controller.abort(reason);
    };

    const error = await rejection(client.startTransferSession({ transfer_session_id: 'abc' }, { signal: controller.signal, timeoutMs: 5000 }));

    expect(error).toBe(reason);
  });

  test('malformed JSON is response format error', async () => {
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"metadata": {"result": 1,');
    };

    const error = await rejection(client.version());

    expect(error).toBeInstanceOf(WhmResponseFormatError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('not JSON');
  });

  test('missing metadata is response format error', async () => {
    respond = (_request, response) => replyJson(response, 200, { data: { version: '11.120.0.16' } });

    const error = await rejection(client.version());

    expect(error).toBeInstanceOf(WhmResponseFormatError);
    expect(error.message).toContain('missing “metadata”');
  });

  test('invalid result is response format error', async () => {
    respond = (_request, response) => replyJson(response, 200, envelope('version', { version: '1' }, { result: 2 }));

    const error = await rejection(client.version());

    expect(error).toBeInstanceOf(WhmResponseFormatError);
    expect(error.message).toContain('invalid “metadata”');
  });

  test('data of wrong shape is response format error', async () => {
    respond = (_request, response) => replyJson(response, 200, envelope('start_transfer_session', { pid: 'not-a-pid' }));

    const error = await rejection(client.startTransferSession({ transfer_session_id: 'abc' }));

    expect(error).toBeInstanceOf(WhmResponseFormatError);
    expect(error.message).toContain('pid');
  });

  test('string result 1 accepted', async () => {
    respond = (_request, response) => replyJson(response, 200, envelope('start_transfer_session', { pid: '4242' }, { result: '1' }));

    const started = await client.startTransferSession({ transfer_session_id: 'abc' });

    expect(started.pid).toBe(4242);
  });

  test('string result 0 is function error', async () => {
    respond = (_request, response) =>
      replyJson(response, 200, envelope('pause_transfer_session', undefined, { result: '0', reason: 'The system failed to “pause” the transfer session.' }));

    const error = await rejection(client.pauseTransferSession({ transfer_session_id: 'abc' }));

    expect(error).toBeInstanceOf(WhmFunctionError);
    expect(error.reason).toBe('The system failed to “pause” the transfer session.');
  });

  test('result 0 without reason', async () => {
    respond = (_request, response) => replyJson(response, 200, envelope('version', undefined, { result: 0, reason: '' }));

    const error = await rejection(client.version());

    expect(error).toBeInstanceOf(WhmFunctionError);
    expect(error.message).toContain('no failure reason given');
  });

  const reasonCases: Array<[string, string, new (...args: never[]) => WhmError, Record<string, string>]> = [
    ['unknown session', 'The session ID “abc” does not exist.', WhmSessionNotFoundError, { sessionId: 'abc' }],
    [
      'unknown session wrapped by start',
      'The system failed to start the transfer session “abc” because of an error: The session ID “abc” does not exist.',
      WhmSessionNotFoundError,
      { sessionId: 'abc' },
    ],
    [
      'malformed session id',
      'The session ID “a-b” may only contain alphanumeric characters and underscores.',
      WhmInvalidParameterError,
      { parameter: 'transfer_session_id' },
    ],
    ['unknown module', 'The transfer session module “NoSuchModule” does not exist.', WhmModuleNotFoundError, { moduleName: 'NoSuchModule' }],
    [
      'missing required key',
      'The “localuser” parameter is required for the “AccountRemoteRoot” module.',
      WhmInvalidParameterError,
      { parameter: 'localuser' },
    ],
    ['invalid key', 'The “forse” parameter is not valid for the “AccountRemoteRoot” module.', WhmInvalidParameterError, { parameter: 'forse' }],
    ['invalid value', 'Invalid “comm_transport” (ftp).', WhmInvalidParameterError, { parameter: 'comm_transport' }],
    ['missing parameter', 'API failure: (XID abc123) Provide the “id” parameter.', WhmInvalidParameterError, { parameter: 'id' }],
    [
      'wrong session type',
      'API failure: Root-authenticated transfer sessions cannot enqueue items of this type. Try again from a user-authenticated transfer session.',
      WhmInvalidParameterError,
      { parameter: 'transfer_session_id' },
    ],
    [
      'duplicate item',
      'An item with a “user” key value of “bob” and a type of “AccountRemoteRoot” already exists in the queue.',
      WhmDuplicateItemError,
      { key: 'user', value: 'bob', moduleName: 'AccountRemoteRoot' },
    ],
    ['unknown function', 'Unknown app (nosuchfn) requested for this version (1) of the API.', WhmFunctionError, {}],
    ['plain access denied', 'Access denied', WhmAuthenticationError, {}],
  ];

  test.each(reasonCases)('result 0 %s', async (_name, reason, errorClass, fields) => {
    respond = (request, response) => replyJson(response, 200, envelope(functionOf(request), undefined, { result: 0, reason }));

    const error = await rejection(client.getTransferSessionState({ transfer_session_id: 'abc' }));

    expect(error).toBeInstanceOf(errorClass);
    expect(error.constructor).toBe(errorClass);
    expect(error.retryable).toBe(false);
    expect(error.reason).toBe(reason);
    expect(error.message).toContain(reason);
    expect(error.message).toContain('“get_transfer_session_state”');
    for (const [field, value] of Object.entries(fields)) {
      expect(error).toHaveProperty(field, value);
    }
  });

  test('declared size over limit', async () => {
    const small = new WhmClient({ baseUrl: server.url, auth: { kind: 'token', user: 'root', token: TOKEN }, maxResponseBytes: 1024 });
    respond = (request, response) => replyJson(response, 200, envelope(functionOf(request), { log: 'x'.repeat(4096) }));

    try {
      const error = await rejection(small.fetchTransferSessionLog({ transfer_session_id: 'abc', logfile: 'master.log' }));

      expect(error).toBeInstanceOf(WhmResponseTooLargeError);
      expect((error as WhmResponseTooLargeError).limitBytes).toBe(1024);
      expect(error.message).toContain('declares');
    } finally {
      await small.close();
    }
  });

  test('streamed size over limit', async () => {
    const small = new WhmClient({ baseUrl: server.url, auth: { kind: 'token', user: 'root', token: TOKEN }, maxResponseBytes: 1024 });
    respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(envelope('fetch_transfer_session_log', { log: 'x'.repeat(4096) })));
    };

    try {
      const error = await rejection(small.fetchTransferSessionLog({ transfer_session_id: 'abc', logfile: 'master.log' }));

      expect(error).toBeInstanceOf(WhmResponseTooLargeError);
      expect(error.message).toContain('more than 1024 bytes arrived');
    } finally {
      await small.close();
    }
  });

  test('metadata warnings returned and logged', async () => {
    const warning = 'ssh transport failed (timeout); trying whostmgr';
    respond = (_request, response) =>
      replyJson(response, 200, envelope('create_remote_root_transfer_session', { transfer_session_id: 'sourcecopya20240101000000abcdefghi' }, { warnings: [warning] }));

    const session = await client.createRemoteRootTransferSession(CREATE_PARAMS);

    expect(session.warnings).toEqual([warning]);
    expect(logs.lines.some((line) => line.warning === warning)).toBe(true);
  });

  test('log line fields', async () => {
    respond = (_request, response) => replyJson(response, 200, envelope('start_transfer_session', { pid: 7 }));

    await client.startTransferSession({ transfer_session_id: 'abc' });

    const line = logs.lines.find((entry) => entry.msg === 'WHM call succeeded');
    expect(line?.function).toBe('start_transfer_session');
    expect(line?.host).toBe(`127.0.0.1:${server.port}`);
    expect(line?.transferSessionId).toBe('abc');
    expect(line?.httpStatus).toBe(200);
    expect(typeof line?.durationMs).toBe('number');
  });
});

describe('WhmClient secrets', () => {
  let server: FakeWhm;
  let respond: FakeHandler;

  beforeAll(async () => {
    server = await startFakeWhm((request, response) => respond(request, response));
  });

  afterAll(async () => {
    await server.close();
  });

  /** Runs one create call whose response echoes the request, and returns its error and log output. */
  async function failingCreate(echo: FakeHandler): Promise<{ error: WhmError; logText: string }> {
    const logs = captureLogger();
    const client = new WhmClient({ baseUrl: server.url, auth: { kind: 'token', user: 'root', token: TOKEN }, logger: logs.logger });
    respond = echo;
    try {
      const error = await rejection(client.createRemoteRootTransferSession(CREATE_PARAMS));
      return { error, logText: logs.text() };
    } finally {
      await client.close();
    }
  }

  function expectNoSecrets(text: string): void {
    for (const secret of [TOKEN, REMOTE_PASSWORD, REMOTE_ROOT_PASSWORD, encodeURIComponent(REMOTE_ROOT_PASSWORD), 'remote-Pass+word%2B1']) {
      expect(text).not.toContain(secret);
    }
  }

  test('server error echoing body redacted', async () => {
    const { error, logText } = await failingCreate((request, response) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`internal error; request was ${request.body}; auth ${String(request.headers.authorization)}`);
    });

    expect(error).toBeInstanceOf(WhmServerError);
    expect(error.message).toContain('[REDACTED]');
    expectNoSecrets(error.message);
    expectNoSecrets(logText);
  });

  test('function error reason redacted', async () => {
    const { error, logText } = await failingCreate((request, response) => {
      const reason = `The remote basic credential check failed for password ${request.form.get('password') ?? ''} and root password ${request.form.get('root_password') ?? ''}.`;
      replyJson(response, 200, envelope('create_remote_root_transfer_session', undefined, { result: 0, reason }));
    });

    expect(error).toBeInstanceOf(WhmFunctionError);
    expectNoSecrets(error.message);
    expectNoSecrets(error.reason ?? '');
    expectNoSecrets(logText);
  });

  test('response format error redacted', async () => {
    const { error, logText } = await failingCreate((request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`not json ${request.body}`);
    });

    expect(error).toBeInstanceOf(WhmResponseFormatError);
    expectNoSecrets(error.message);
    expectNoSecrets(logText);
  });

  test('cause chain serializes without secrets', async () => {
    const { error } = await failingCreate((_request, response) => {
      response.socket?.destroy();
    });
    const chain: string[] = [];
    for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
      chain.push(cause.name, cause.message, cause.stack ?? '');
    }

    expect(error).toBeInstanceOf(WhmConnectionError);
    expect(error.cause).toBeInstanceOf(Error);
    expectNoSecrets(chain.join('\n'));
  });

  test('successful create logs params redacted', async () => {
    const logs = captureLogger();
    const client = new WhmClient({ baseUrl: server.url, auth: { kind: 'token', user: 'root', token: TOKEN }, logger: logs.logger });
    respond = (_request, response) =>
      replyJson(response, 200, envelope('create_remote_root_transfer_session', { transfer_session_id: 'sourcecopya20240101000000abcdefghi' }));

    try {
      await client.createRemoteRootTransferSession(CREATE_PARAMS);
    } finally {
      await client.close();
    }

    const line = logs.lines.find((entry) => entry.msg === 'WHM call succeeded');
    expect(line?.params).toMatchObject({ host: 'source.example.com', password: '[REDACTED]', root_password: '[REDACTED]' });
    expectNoSecrets(logs.text());
  });

  test('403 echoing token redacted', async () => {
    const { error, logText } = await failingCreate((request, response) => {
      response.writeHead(403, { 'content-type': 'text/plain' });
      response.end(`Access denied for ${String(request.headers.authorization)}`);
    });

    expect(error).toBeInstanceOf(WhmAuthenticationError);
    expectNoSecrets(error.message);
    expectNoSecrets(logText);
  });
});

describe('WHM error classes', () => {
  const classes = [
    WhmAuthenticationError,
    WhmFunctionError,
    WhmSessionNotFoundError,
    WhmModuleNotFoundError,
    WhmInvalidParameterError,
    WhmDuplicateItemError,
    WhmConnectionError,
    WhmTimeoutError,
    WhmServerError,
    WhmResponseFormatError,
    WhmResponseTooLargeError,
    WhmTlsError,
    WhmConfigurationError,
  ];

  test.each(classes.map((errorClass) => [errorClass.name, errorClass] as const))('%s name and retry list agree', (_name, errorClass) => {
    const error = new (errorClass as new (message: string, details: object) => WhmError)('message', {
      functionName: 'version',
      host: '127.0.0.1:2087',
      timeoutMs: 1,
      limitBytes: 1,
    });

    expect(error.name).toBe(errorClass.name);
    expect(error).toBeInstanceOf(WhmError);
    expect(NON_RETRYABLE_WHM_ERROR_TYPES.includes(error.name)).toBe(!error.retryable);
  });
});

/** Returns a TCP port on 127.0.0.1 that nothing listens on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no TCP port');
  }
  return address.port;
}
