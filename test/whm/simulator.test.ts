import { setTimeout as sleep } from 'node:timers/promises';

import { DEMO_SOURCE_ROOT_PASSWORD, startSimulator, startSimulatorPair, type SimulatorPair, type WhmSimulator } from '../../src/simulator';
import {
  WhmAuthenticationError,
  WhmClient,
  WhmConnectionError,
  WhmDuplicateItemError,
  WhmFunctionError,
  WhmInvalidParameterError,
  WhmModuleNotFoundError,
  WhmServerError,
  WhmSessionNotFoundError,
  WhmTimeoutError,
  WhmTlsError,
  isTerminal,
  summarizeTransferItems,
  type CreateRemoteRootTransferSessionParams,
  type TransferSessionPhase,
  type TransferSessionState,
  type WhmTlsOptions,
} from '../../src/whm';
import { rejection, rootSessionParams as baseRootSessionParams } from './support/calls';
import { captureLogger } from './support/fake-whm';

const SIM_TOKEN = 'sim-token';
const FAST_BYTES_PER_SECOND = 4 * 1024 * 1024 * 1024;
const POLL_INTERVAL_MS = 50;
/** Upper bound for one wait on a session state: 400 polls of 50 ms. */
const MAX_POLLS = 400;

/** Root session parameters for the demo source, logging in with its root password. */
function rootSessionParams(host: string, overrides: Partial<CreateRemoteRootTransferSessionParams> = {}): CreateRemoteRootTransferSessionParams {
  return baseRootSessionParams(host, { password: DEMO_SOURCE_ROOT_PASSWORD, ...overrides });
}

/** Polls the session state until its phase is one of `phases`; fails after {@link MAX_POLLS} polls. */
async function waitForPhase(client: WhmClient, sessionId: string, phases: TransferSessionPhase[]): Promise<TransferSessionState> {
  let state: TransferSessionState | undefined;
  for (let poll = 0; poll < MAX_POLLS; poll += 1) {
    state = await client.getTransferSessionState({ transfer_session_id: sessionId });
    if (phases.includes(state.phase)) {
      return state;
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(`session ${sessionId} did not reach ${phases.join('/')} (last state ${state?.raw ?? 'none'})`);
}

describe('WhmClient against the simulator', () => {
  let pair: SimulatorPair;
  let client: WhmClient;
  let logs: ReturnType<typeof captureLogger>;

  beforeAll(async () => {
    pair = await startSimulatorPair({ destination: { bytesPerSecond: FAST_BYTES_PER_SECOND, createDelayMs: 10, minItemStepMs: 20 } });
  });

  afterAll(async () => {
    await pair.close();
  });

  beforeEach(() => {
    logs = captureLogger();
    client = new WhmClient({ baseUrl: pair.destination.url, auth: { kind: 'token', user: 'root', token: SIM_TOKEN }, logger: logs.logger });
  });

  afterEach(async () => {
    pair.destination.control.clearFaults();
    pair.destination.control.setRates({ bytesPerSecond: FAST_BYTES_PER_SECOND, restoreBytesPerSecond: 2 * FAST_BYTES_PER_SECOND });
    await client.close();
  });

  async function createRootSession(): Promise<string> {
    const session = await client.createRemoteRootTransferSession(rootSessionParams(pair.source.hostname));
    return session.transfer_session_id;
  }

  describe('server health', () => {
    test('version', async () => {
      const { version } = await client.version();

      expect(version).toMatch(/^11\.\d+\.\d+\.\d+$/);
    });

    test('load average', async () => {
      pair.destination.control.setHealth({ loadAverage: { one: 3.5, five: 2.25, fifteen: 1 } });

      const load = await client.systemLoadAverage();

      expect(load).toMatchObject({ one: 3.5, five: 2.25, fifteen: 1 });
    });

    test('disk usage', async () => {
      const { partition } = await client.getDiskUsage();
      const home = partition.find((entry) => entry.mount === '/home');

      expect(typeof home?.available).toBe('number');
      expect(typeof home?.percentage).toBe('number');
    });

    test('all services', async () => {
      const { service } = await client.serviceStatus();
      const httpd = service.find((entry) => entry.name === 'httpd');

      expect(httpd?.running).toBe(true);
      expect(httpd?.installed).toBe(true);
    });

    test('one stopped service', async () => {
      pair.destination.control.setHealth({ services: { exim: { running: false } } });

      const { service } = await client.serviceStatus({ service: 'exim' });

      expect(service).toHaveLength(1);
      expect(service[0]?.running).toBe(false);
    });

    test('unknown service', async () => {
      const error = await rejection(client.serviceStatus({ service: 'nosuchd' }));

      expect(error).toBeInstanceOf(WhmFunctionError);
      expect(error.reason).toBe('Specified service does not exist.');
    });
  });

  describe('planning', () => {
    test('available modules as numbers', async () => {
      const { modules } = await client.availableTransferModules();

      expect(modules.AccountRemoteRoot).toBe(3000);
      expect(modules.FeatureListRemoteRoot).toBe(1000);
    });

    test('module schema', async () => {
      const { schema } = await client.transferModuleSchema({ module: 'AccountRemoteRoot' });

      expect(Object.keys(schema.keys)).toEqual(expect.arrayContaining(['user', 'localuser', 'size']));
      expect(schema.primary).toEqual(['user']);
    });

    test('unknown module schema', async () => {
      const error = await rejection(client.transferModuleSchema({ module: 'NoSuchModule' }));

      expect(error).toBeInstanceOf(WhmModuleNotFoundError);
      expect((error as WhmModuleNotFoundError).moduleName).toBe('NoSuchModule');
    });

    test('validate free and existing users', async () => {
      const free = await client.validateSystemUser({ user: 'zed' });
      const root = await client.validateSystemUser({ user: 'root' });

      expect(free).toMatchObject({ exists: false, valid_for_transfer: true });
      expect(root.exists).toBe(true);
      expect(root.valid_for_transfer).toBe(false);
    });
  });

  describe('root session', () => {
    test('create returns id and logs', async () => {
      const session = await client.createRemoteRootTransferSession(rootSessionParams(pair.source.hostname));

      expect(session.transfer_session_id).toHaveLength(36);
      expect(session.transfer_session_id).toContain('copya');
      expect(typeof session.create_rawout).toBe('string');
      expect(Array.isArray(session.warnings)).toBe(true);
    });

    test('remote analysis', async () => {
      const sessionId = await createRootSession();

      const analysis = await client.retrieveTransferSessionRemoteAnalysis({ transfer_session_id: sessionId });
      const alice = analysis.items.accounts.find((account) => account.user === 'alice');

      expect(alice?.domain).toBe('alice-bakery.example');
      expect(alice?.bytesused).toBe(48 * 1024 * 1024);
      expect(analysis.items.packages.map((entry) => entry.name)).toContain('starter');
      expect(analysis.local.users.root).toBeDefined();
      expect(analysis.remote.hostname).toBe(pair.source.hostname);
      expect(analysis.modules.AccountRemoteRoot).toBeDefined();
    });

    test('analyze remote again', async () => {
      const sessionId = await createRootSession();

      await expect(client.analyzeTransferSessionRemote({ transfer_session_id: sessionId })).resolves.toBeUndefined();
    });

    test('new session is pending', async () => {
      const sessionId = await createRootSession();

      const state = await client.getTransferSessionState({ transfer_session_id: sessionId });

      expect(state).toMatchObject({ kind: 'known', name: 'PENDING', phase: 'PENDING' });
    });

    test('wrong source password', async () => {
      const wrongPassword = 'wrong-Source-Pass-42';

      const error = await rejection(client.createRemoteRootTransferSession(rootSessionParams(pair.source.hostname, { password: wrongPassword })));

      expect(error).toBeInstanceOf(WhmFunctionError);
      expect(error.message).not.toContain(wrongPassword);
      expect(logs.text()).not.toContain(wrongPassword);
    });

    test('unresolvable source host', async () => {
      const error = await rejection(client.createRemoteRootTransferSession(rootSessionParams('nowhere.invalid')));

      expect(error).toBeInstanceOf(WhmFunctionError);
      expect(error.reason).toContain('unable to resolve the hostname');
    });

    test('transfer with failed item', async () => {
      const sessionId = await createRootSession();
      const analysis = await client.retrieveTransferSessionRemoteAnalysis({ transfer_session_id: sessionId });
      pair.destination.control.failItem('bob', 'rsync exited with status 23');

      for (const account of analysis.items.accounts.filter((entry) => ['alice', 'bob'].includes(entry.user))) {
        await client.enqueueTransferItem({
          module: 'AccountRemoteRoot',
          transfer_session_id: sessionId,
          user: account.user,
          localuser: account.user,
          size: account.bytesused,
        });
      }
      await client.enqueueTransferItem({ module: 'PackageRemoteRoot', transfer_session_id: sessionId, package: 'starter' });
      await client.enqueueTransferItem({ module: 'FeatureListRemoteRoot', transfer_session_id: sessionId, featurelist: 'business-features' });
      const { pid } = await client.startTransferSession({ transfer_session_id: sessionId });
      const finalState = await waitForPhase(client, sessionId, ['COMPLETED', 'ABORTED', 'FAILED']);
      const log = await client.fetchTransferSessionLog({ transfer_session_id: sessionId, logfile: 'master.log' });
      const outcomes = summarizeTransferItems(log.events);
      const outcome = (item: string) => outcomes.find((entry) => entry.item === item);

      expect(pid).toBeGreaterThan(0);
      expect(finalState.phase).toBe('COMPLETED');
      expect(isTerminal(finalState)).toBe(true);
      expect(log.malformed).toEqual([]);
      expect(outcome('alice')?.status).toBe('succeeded');
      expect(outcome('alice')?.sizeBytes).toBe(48 * 1024 * 1024);
      expect(outcome('bob')?.status).toBe('failed');
      expect(outcome('bob')?.failureReason).toContain('rsync exited with status 23');
      expect(outcome('starter')).toMatchObject({ itemType: 'PackageRemoteRoot', status: 'succeeded' });
      expect(outcome('business-features')?.status).toBe('succeeded');
      expect(log.events.some((event) => event.kind === 'control' && event.action === 'complete')).toBe(true);
    });

    test('item log readable', async () => {
      const sessionId = await createRootSession();
      await client.enqueueTransferItem({ module: 'AccountRemoteRoot', transfer_session_id: sessionId, user: 'carol', localuser: 'carol2' });
      await client.startTransferSession({ transfer_session_id: sessionId });
      await waitForPhase(client, sessionId, ['COMPLETED', 'ABORTED', 'FAILED']);
      const master = await client.fetchTransferSessionLog({ transfer_session_id: sessionId, logfile: 'master.log' });
      const [carol] = summarizeTransferItems(master.events);

      const itemLog = await client.fetchTransferSessionLog({ transfer_session_id: sessionId, logfile: carol?.logfiles[0] ?? '' });

      expect(carol?.localItem).toBe('carol2');
      expect(itemLog.text.length).toBeGreaterThan(0);
      expect(itemLog.malformed).toEqual([]);
    });

    test('pause, resume and abort', async () => {
      // alice takes about 1 s to transfer at this rate and bob about 4 s, on one worker thread.
      pair.destination.control.setRates({ bytesPerSecond: 48 * 1024 * 1024, restoreBytesPerSecond: 96 * 1024 * 1024 });
      const session = await client.createRemoteRootTransferSession(
        rootSessionParams(pair.source.hostname, { transfer_threads: 1, restore_threads: 1 }),
      );
      const sessionId = session.transfer_session_id;
      for (const user of ['alice', 'bob', 'carol']) {
        await client.enqueueTransferItem({ module: 'AccountRemoteRoot', transfer_session_id: sessionId, user, localuser: user });
      }
      await client.startTransferSession({ transfer_session_id: sessionId });

      await client.pauseTransferSession({ transfer_session_id: sessionId });
      const paused = await waitForPhase(client, sessionId, ['PAUSED', 'COMPLETED']);
      await client.startTransferSession({ transfer_session_id: sessionId });
      const resumed = await client.getTransferSessionState({ transfer_session_id: sessionId });
      await client.abortTransferSession({ transfer_session_id: sessionId });
      const aborted = await waitForPhase(client, sessionId, ['ABORTED', 'COMPLETED', 'FAILED']);
      const log = await client.fetchTransferSessionLog({ transfer_session_id: sessionId, logfile: 'master.log' });
      const actions = log.events.flatMap((event) => (event.kind === 'control' ? [event.action] : []));

      expect(paused.phase).toBe('PAUSED');
      expect(resumed.phase).toBe('RUNNING');
      expect(aborted.phase).toBe('ABORTED');
      expect(actions).toEqual(expect.arrayContaining(['pausing', 'pause', 'resume', 'aborting', 'abort']));
    });

    test('pause of pending session rejected', async () => {
      const sessionId = await createRootSession();

      const error = await rejection(client.pauseTransferSession({ transfer_session_id: sessionId }));

      expect(error).toBeInstanceOf(WhmFunctionError);
      expect(error.reason).toBe('The system failed to “pause” the transfer session.');
    });

    test('abort of pending session fails it', async () => {
      const sessionId = await createRootSession();

      await client.abortTransferSession({ transfer_session_id: sessionId });
      const state = await client.getTransferSessionState({ transfer_session_id: sessionId });

      expect(state.phase).toBe('FAILED');
    });

    test('log before start', async () => {
      const sessionId = await createRootSession();

      const error = await rejection(client.fetchTransferSessionLog({ transfer_session_id: sessionId, logfile: 'master.log' }));

      expect(error).toBeInstanceOf(WhmFunctionError);
      expect(error.reason).toContain('failed to locate');
    });
  });

  describe('bad input', () => {
    test('duplicate item', async () => {
      const sessionId = await createRootSession();
      const item = { module: 'AccountRemoteRoot', transfer_session_id: sessionId, user: 'alice', localuser: 'alice' } as const;
      await client.enqueueTransferItem(item);

      const error = await rejection(client.enqueueTransferItem(item));

      expect(error).toBeInstanceOf(WhmDuplicateItemError);
      expect(error).toMatchObject({ key: 'user', value: 'alice', moduleName: 'AccountRemoteRoot' });
    });

    test('unknown module rejected by server', async () => {
      const sessionId = await createRootSession();
      const params = { module: 'NoSuchModule', transfer_session_id: sessionId, user: 'alice' };

      const error = await rejection(client.enqueueTransferItem(params as never));

      expect(error).toBeInstanceOf(WhmModuleNotFoundError);
      expect(error.httpStatus).toBe(200);
    });

    test('missing localuser', async () => {
      const sessionId = await createRootSession();
      const params = { module: 'AccountRemoteRoot', transfer_session_id: sessionId, user: 'alice' };

      const error = await rejection(client.enqueueTransferItem(params as never));

      expect(error).toBeInstanceOf(WhmInvalidParameterError);
      expect(error.message).toContain('localuser');
    });

    test('user item into root session', async () => {
      const sessionId = await createRootSession();

      const error = await rejection(
        client.enqueueTransferItem({ module: 'AccountRemoteUser', transfer_session_id: sessionId, user: 'alice', localuser: 'alice' }),
      );

      expect(error).toBeInstanceOf(WhmInvalidParameterError);
      expect(error.reason).toContain('Root-authenticated transfer sessions cannot enqueue');
    });

    test('malformed session id', async () => {
      const error = await rejection(client.getTransferSessionState({ transfer_session_id: 'bad-id!' }));

      expect(error).toBeInstanceOf(WhmInvalidParameterError);
      expect((error as WhmInvalidParameterError).parameter).toBe('transfer_session_id');
    });

    test('unknown session id', async () => {
      const missing = 'sourcesimtestcopya20240101000000zzzz';

      const error = await rejection(client.getTransferSessionState({ transfer_session_id: missing }));

      expect(error).toBeInstanceOf(WhmSessionNotFoundError);
      expect((error as WhmSessionNotFoundError).sessionId).toBe(missing);
    });

    test('start of unknown session', async () => {
      const error = await rejection(client.startTransferSession({ transfer_session_id: 'sourcesimtestcopya20240101000000zzzz' }));

      expect(error).toBeInstanceOf(WhmSessionNotFoundError);
    });

    test('wrong token', async () => {
      const wrongToken = 'WRONGTOKEN1234567890';
      const wrong = new WhmClient({ baseUrl: pair.destination.url, auth: { kind: 'token', user: 'root', token: wrongToken }, logger: logs.logger });

      try {
        const error = await rejection(wrong.version());

        expect(error).toBeInstanceOf(WhmAuthenticationError);
        expect(error.httpStatus).toBe(403);
        expect(error.message).not.toContain(wrongToken);
        expect(logs.text()).not.toContain(wrongToken);
      } finally {
        await wrong.close();
      }
    });
  });

  describe('injected faults', () => {
    test.each([
      ['http-500', WhmServerError],
      ['http-503', WhmServerError],
      ['drop', WhmConnectionError],
      ['http-403', WhmAuthenticationError],
      ['result-0', WhmFunctionError],
    ] as const)('%s fault', async (kind, errorClass) => {
      pair.destination.control.injectFault({ function: 'get_transfer_session_state', kind });

      const error = await rejection(client.getTransferSessionState({ transfer_session_id: 'abc' }));

      expect(error).toBeInstanceOf(errorClass);
    });

    test('delay beyond timeout', async () => {
      pair.destination.control.injectFault({ function: 'version', kind: 'delay', delayMs: 2000 });

      const error = await rejection(client.version({}, { timeoutMs: 200 }));

      expect(error).toBeInstanceOf(WhmTimeoutError);
    });

    test('abort during delayed call', async () => {
      pair.destination.control.injectFault({ function: 'start_transfer_session', kind: 'delay', delayMs: 2000 });
      const controller = new AbortController();
      const reason = new Error('workflow cancelled the activity');
      setTimeout(() => controller.abort(reason), 100);

      const error = await rejection(client.startTransferSession({ transfer_session_id: 'abc' }, { signal: controller.signal }));

      expect(error).toBe(reason);
    });
  });

  describe('secrets', () => {
    test('create logs no password or token', async () => {
      await createRootSession();

      const created = logs.lines.find((line) => line.function === 'create_remote_root_transfer_session');
      expect(created?.params).toMatchObject({ password: '[REDACTED]' });
      expect(logs.text()).not.toContain(DEMO_SOURCE_ROOT_PASSWORD);
      expect(logs.text()).not.toContain(SIM_TOKEN);
    });
  });
});

describe('WhmClient user session against the simulator', () => {
  let pair: SimulatorPair;
  let client: WhmClient;

  beforeAll(async () => {
    pair = await startSimulatorPair({ destination: { bytesPerSecond: FAST_BYTES_PER_SECOND, createDelayMs: 10, minItemStepMs: 20 } });
    client = new WhmClient({ baseUrl: pair.destination.url, auth: { kind: 'token', user: 'root', token: SIM_TOKEN } });
  });

  afterAll(async () => {
    await client.close();
    await pair.close();
  });

  test('user transfer completes', async () => {
    const { transfer_session_id: sessionId } = await client.createRemoteUserTransferSession({
      host: pair.source.hostname,
      password: 'alice-demo-password',
      unrestricted_restore: true,
    });
    await client.enqueueTransferItem({ module: 'AccountRemoteUser', transfer_session_id: sessionId, user: 'alice', localuser: 'alice' });
    await client.startTransferSession({ transfer_session_id: sessionId });
    const state = await waitForPhase(client, sessionId, ['COMPLETED', 'ABORTED', 'FAILED']);
    const log = await client.fetchTransferSessionLog({ transfer_session_id: sessionId, logfile: 'master.log' });

    expect(sessionId).toContain('noroo');
    expect(state.phase).toBe('COMPLETED');
    expect(summarizeTransferItems(log.events)[0]).toMatchObject({ item: 'alice', itemType: 'AccountRemoteUser', status: 'succeeded' });
  });

  test('analysis of user session rejected', async () => {
    const { transfer_session_id: sessionId } = await client.createRemoteUserTransferSession({
      host: pair.source.hostname,
      password: 'alice-demo-password',
      unrestricted_restore: true,
    });

    const error = await rejection(client.retrieveTransferSessionRemoteAnalysis({ transfer_session_id: sessionId }));

    expect(error).toBeInstanceOf(WhmInvalidParameterError);
    expect(error.reason).toContain('invalid session type');
  });
});

describe('WhmClient doc-compat state names', () => {
  let pair: SimulatorPair;
  let client: WhmClient;

  beforeAll(async () => {
    // Slow enough that the session is still running when the state is read.
    pair = await startSimulatorPair({ destination: { stateNames: 'doc-compat', bytesPerSecond: 16 * 1024 * 1024, createDelayMs: 10 } });
    client = new WhmClient({ baseUrl: pair.destination.url, auth: { kind: 'token', user: 'root', token: SIM_TOKEN } });
  });

  afterAll(async () => {
    await client.close();
    await pair.close();
  });

  test('running session reports item-style name', async () => {
    const { transfer_session_id: sessionId } = await client.createRemoteRootTransferSession(rootSessionParams(pair.source.hostname));
    await client.enqueueTransferItem({ module: 'AccountRemoteRoot', transfer_session_id: sessionId, user: 'bob', localuser: 'bob' });
    await client.startTransferSession({ transfer_session_id: sessionId });

    const state = await client.getTransferSessionState({ transfer_session_id: sessionId });
    await client.abortTransferSession({ transfer_session_id: sessionId });

    expect(state.kind).toBe('known');
    expect(['TRANSFER_INPROGRESS', 'RESTORE_INPROGRESS']).toContain(state.raw);
    expect(state.phase).toBe('RUNNING');
    expect(isTerminal(state)).toBe(false);
  });
});

describe('WhmClient TLS against the simulator', () => {
  let simulator: WhmSimulator;

  beforeAll(async () => {
    simulator = await startSimulator({ tls: true });
  });

  afterAll(async () => {
    await simulator.close();
  });

  async function version(tls: WhmTlsOptions | undefined): Promise<string> {
    const client = new WhmClient({ baseUrl: simulator.url, auth: { kind: 'token', user: 'root', token: SIM_TOKEN }, tls });
    try {
      return (await client.version()).version;
    } finally {
      await client.close();
    }
  }

  test('pinned fingerprint', async () => {
    await expect(version({ fingerprint256: simulator.fingerprint256 })).resolves.toMatch(/^11\./);
  });

  test('certificate as CA', async () => {
    await expect(version({ ca: simulator.certificatePem })).resolves.toMatch(/^11\./);
  });

  test('untrusted by default', async () => {
    await expect(version(undefined)).rejects.toThrow(WhmTlsError);
  });

  test('wrong pin', async () => {
    await expect(version({ fingerprint256: '00'.repeat(32) })).rejects.toThrow(simulator.fingerprint256 ?? 'fingerprint');
  });
});
