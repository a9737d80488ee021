import {
  DEMO_SOURCE_ROOT_PASSWORD, startSimulator, startSimulatorPair, type SimulatorPair, type WhmSimulator,
} from '../../src/simulator';
import {
  callData, callReason, callWhm, createRootSession, enqueueAccount, FAST_TIMING, masterControl, waitForState,
} from './helpers';

interface RootCreation {
  transfer_session_id: string;
  create_rawout: string;
  analyze_rawout: string;
}

interface Analysis {
  transfer_session_id: string;
  items: {
    accounts: Array<{ user: string; domain: string; bytesused: number; owner: string }>;
    packages: Array<{ name: string; featurelist: string }>;
  };
  local: { users: Record<string, number>; domains: Record<string, string>; host: string };
  remote: { hostname: string; host: string; version: string; server_type: string; conflicts: unknown };
}

let pair: SimulatorPair;
let destination: string;

beforeAll(async () => {
  pair = await startSimulatorPair({
    source: {
      accounts: [
        { user: 'alice', domain: 'alice.example', bytesUsed: 5000, plan: 'starter', password: 'alice-password' },
        { user: 'bob', domain: 'bob.example', bytesUsed: 1024 * 1024, owner: 'reseller1' },
      ],
    },
    destination: { ...FAST_TIMING, localUsers: ['bob'] },
  });
  destination = pair.destination.url;
});

afterAll(async () => {
  await pair.close();
});

const rootParams = (overrides: Record<string, string> = {}): Record<string, string> => ({
  host: 'source.sim.test', user: 'root', password: DEMO_SOURCE_ROOT_PASSWORD, comm_transport: 'whostmgr',
  transfer_threads: '2', restore_threads: '2', unrestricted_restore: '0', copy_reseller_privs: '1',
  compressed: '1', unencrypted: '0', use_backups: '0', low_priority: '0', enable_custom_pkgacct: '0',
  ...overrides,
});

describe('create_remote_root_transfer_session', () => {
  test('returns the session id and rawouts', async () => {
    const envelope = await callWhm<RootCreation>(destination, 'create_remote_root_transfer_session', rootParams());

    expect(envelope.metadata.result).toBe(1);
    expect(envelope.data?.transfer_session_id).toMatch(/^sourcesimtestcopya\d{14}[0-9A-Za-z]{4}$/);
    expect(envelope.data?.create_rawout).toContain('Basic credential check');
    expect(envelope.data?.analyze_rawout).toContain('Fetching information from remote host');
  });

  test('session id has 36 characters', async () => {
    const data = await callData<RootCreation>(destination, 'create_remote_root_transfer_session', rootParams());

    expect(data.transfer_session_id).toHaveLength(36);
  });

  test('ssh transport adds a warning', async () => {
    const envelope = await callWhm(destination, 'create_remote_root_transfer_session', rootParams({ comm_transport: 'ssh' }));

    expect(envelope.metadata.output?.warnings).toEqual([expect.stringContaining('whostmgr')]);
  });

  test('new session starts PENDING', async () => {
    const sessionId = await createRootSession(destination, 'source.sim.test', DEMO_SOURCE_ROOT_PASSWORD);

    expect(pair.destination.control.sessions().sessions.find((session) => session.id === sessionId)?.state).toBe('PENDING');
  });

  test('unknown host fails', async () => {
    const reason = await callReason(destination, 'create_remote_root_transfer_session', rootParams({ host: 'nowhere.sim.test' }));

    expect(reason).toBe('The system was unable to resolve the hostname, “nowhere.sim.test”, to an IP address.');
  });

  test('own hostname fails', async () => {
    const reason = await callReason(destination, 'create_remote_root_transfer_session', rootParams({ host: 'whm.sim.test' }));

    expect(reason).toContain('resolves to this server');
  });

  test('missing host fails', async () => {
    const reason = await callReason(destination, 'create_remote_root_transfer_session', rootParams({ host: '' }));

    expect(reason).toBe('You must specify a “host” argument.');
  });

  test('wrong password fails the credential check', async () => {
    const reason = await callReason(destination, 'create_remote_root_transfer_session', rootParams({ password: 'wrong' }));

    expect(reason).toMatch(/^The remote basic credential check failed due to an error \(HTTP 403\) and response: /);
    expect(reason).not.toContain('wrong');
  });

  test('missing password fails the credential check', async () => {
    const reason = await callReason(destination, 'create_remote_root_transfer_session', rootParams({ password: '' }));

    expect(reason).toMatch(/^The remote basic credential check failed due to an error/);
  });

  test('invalid transport fails', async () => {
    const reason = await callReason(destination, 'create_remote_root_transfer_session', rootParams({ comm_transport: 'ftp' }));

    expect(reason).toBe('Invalid “comm_transport” (ftp).');
  });

  test('stopped source fails the transport', async () => {
    const stopped = await startSimulator({ hostname: 'gone.sim.test' });
    const url = stopped.url;
    await stopped.close();
    const isolated = await startSimulator({ ...FAST_TIMING, peers: { 'gone.sim.test': url } });

    try {
      const reason = await callReason(isolated.url, 'create_remote_root_transfer_session', rootParams({ host: 'gone.sim.test' }));

      expect(reason).toMatch(/^The “whostmgr” transport failed \(.+\); no more transports to try\.$/);
    } finally {
      await isolated.close();
    }
  });

  test('counts only created sessions', async () => {
    const before = pair.destination.control.sessions().createCount;

    await callData(destination, 'create_remote_root_transfer_session', rootParams());
    await callReason(destination, 'create_remote_root_transfer_session', rootParams({ password: 'wrong' }));
    const after = pair.destination.control.sessions();

    expect(after.createCount).toBe(before + 1);
    expect(pair.destination.control.sessionCount()).toBe(after.sessions.length);
  });
});

describe('retrieve_transfer_session_remote_analysis', () => {
  let analysis: Analysis;

  beforeAll(async () => {
    const sessionId = await createRootSession(destination, 'source.sim.test', DEMO_SOURCE_ROOT_PASSWORD);
    analysis = await callData<Analysis>(destination, 'retrieve_transfer_session_remote_analysis', { transfer_session_id: sessionId });
  });

  test('lists source accounts with bytesused', () => {
    expect(analysis.items.accounts).toEqual([
      expect.objectContaining({ user: 'alice', domain: 'alice.example', bytesused: 5120, owner: 'root' }),
      expect.objectContaining({ user: 'bob', domain: 'bob.example', bytesused: 1024 * 1024, owner: 'reseller1' }),
    ]);
  });

  test('lists source packages', () => {
    expect(analysis.items.packages).toContainEqual({ name: 'business', featurelist: 'business-features' });
  });

  test('lists local users for conflicts', () => {
    expect(analysis.local.users.bob).toBe(1);
    expect(analysis.local.host).toBe('whm.sim.test');
  });

  test('describes the remote server', () => {
    expect(analysis.remote).toMatchObject({
      hostname: 'source.sim.test', host: 'source.sim.test', version: '11.120.0.16', server_type: 'WHM11120',
    });
  });

  test('user session refused', async () => {
    const { transfer_session_id: sessionId } = await callData<{ transfer_session_id: string }>(destination,
      'create_remote_user_transfer_session', { host: 'source.sim.test', password: 'alice-password', unrestricted_restore: '1' });

    const reason = await callReason(destination, 'retrieve_transfer_session_remote_analysis', { transfer_session_id: sessionId });

    expect(reason).toBe('The supplied session ID has an invalid session type. You must provide a session ID with a '
      + 'session type of “RemoteRoot”.');
  });
});

describe('analyze_transfer_session_remote', () => {
  test('refreshes the analysis with metadata only', async () => {
    const sessionId = await createRootSession(destination, 'source.sim.test', DEMO_SOURCE_ROOT_PASSWORD);

    const envelope = await callWhm(destination, 'analyze_transfer_session_remote', { transfer_session_id: sessionId });

    expect(envelope.metadata.result).toBe(1);
    expect(envelope).not.toHaveProperty('data');
  });

  test('fails once the session forgot the password', async () => {
    const sessionId = await createRootSession(destination, 'source.sim.test', DEMO_SOURCE_ROOT_PASSWORD);
    await callData(destination, 'abort_transfer_session', { transfer_session_id: sessionId });

    const reason = await callReason(destination, 'analyze_transfer_session_remote', { transfer_session_id: sessionId });

    expect(reason).toContain('no longer contains the password');
  });
});

describe('create_remote_user_transfer_session', () => {
  const userParams = (overrides: Record<string, string> = {}): Record<string, string> => ({
    host: 'source.sim.test', password: 'alice-password', unrestricted_restore: '1', ...overrides,
  });

  test('returns a noroo session id', async () => {
    const envelope = await callWhm<{ transfer_session_id: string }>(destination, 'create_remote_user_transfer_session', userParams());

    expect(envelope.data?.transfer_session_id).toMatch(/^sourcesimtestnoroo\d{14}[0-9A-Za-z]{4}$/);
  });

  test('missing password fails', async () => {
    const reason = await callReason(destination, 'create_remote_user_transfer_session', userParams({ password: '' }));

    expect(reason).toBe('You must specify a “password” argument.');
  });

  test('missing host fails', async () => {
    const reason = await callReason(destination, 'create_remote_user_transfer_session', userParams({ host: '' }));

    expect(reason).toBe('You must specify a “host” argument.');
  });

  test('unknown host fails', async () => {
    const reason = await callReason(destination, 'create_remote_user_transfer_session', userParams({ host: 'nowhere.test' }));

    expect(reason).toBe('The system was unable to resolve the hostname, “nowhere.test”, to an IP address.');
  });

  test('restricted restore refused', async () => {
    const reason = await callReason(destination, 'create_remote_user_transfer_session', userParams({ unrestricted_restore: '0' }));

    expect(reason).toBe('Restricted Restore is not available in this version of cPanel.');
  });

  test('wrong password is accepted at creation', async () => {
    const envelope = await callWhm(destination, 'create_remote_user_transfer_session', userParams({ password: 'wrong' }));

    expect(envelope.metadata.result).toBe(1);
  });

  test('account password transfers the account', async () => {
    const { transfer_session_id: sessionId } = await callData<{ transfer_session_id: string }>(destination,
      'create_remote_user_transfer_session', userParams());
    await enqueueAccount(destination, sessionId, 'alice', 'alice', 10, 'AccountRemoteUser');

    await callData(destination, 'start_transfer_session', { transfer_session_id: sessionId });
    await waitForState(destination, sessionId, 'COMPLETED');
    const lines = await masterControl(destination, sessionId);

    expect(lines.find((line) => line.action === 'initiator')?.msg).toBe('norootcopy');
    expect(lines.some((line) => line.action === 'failed-item')).toBe(false);
    expect((await callData(destination, 'validate_system_user', { user: 'alice' })).exists).toBe(1);
  });

  test('wrong account password fails the item', async () => {
    const { transfer_session_id: sessionId } = await callData<{ transfer_session_id: string }>(destination,
      'create_remote_user_transfer_session', userParams({ password: 'wrong' }));
    await enqueueAccount(destination, sessionId, 'alice', 'alice9', 10, 'AccountRemoteUser');

    await callData(destination, 'start_transfer_session', { transfer_session_id: sessionId });
    await waitForState(destination, sessionId, 'COMPLETED');
    const failed = (await masterControl(destination, sessionId)).find((line) => line.action === 'failed-item');

    expect(failed).toMatchObject({ item: 'alice', queue: 'TRANSFER' });
    expect(failed?.msg).toMatchObject({
      failure: 'The remote server “source.sim.test” rejected the password for the cPanel account “alice”.',
    });
  });
});

describe('simulators side by side', () => {
  let https: WhmSimulator;
  let peering: WhmSimulator;

  beforeAll(async () => {
    https = await startSimulator({
      hostname: 'secure-source.sim.test',
      tls: true,
      credentials: [{ user: 'root', password: 'secure-password' }],
      accounts: [{ user: 'erin', domain: 'erin.example', bytesUsed: 2048 }],
    });
    peering = await startSimulator({ ...FAST_TIMING, peers: { 'secure-source.sim.test': https.url, 'source.sim.test': pair.source.url } });
  });

  afterAll(async () => {
    await peering.close();
    await https.close();
  });

  test('each listens on its own port', () => {
    const ports = new Set([pair.source.port, pair.destination.port, https.port, peering.port]);

    expect(ports.size).toBe(4);
  });

  test('destination reads a TLS source', async () => {
    const sessionId = await createRootSession(peering.url, 'secure-source.sim.test', 'secure-password');
    const analysis = await callData<Analysis>(peering.url, 'retrieve_transfer_session_remote_analysis', { transfer_session_id: sessionId });

    expect(analysis.items.accounts.map((account) => account.user)).toEqual(['erin']);
  });

  test('destinations share one source', async () => {
    const first = await createRootSession(peering.url, 'source.sim.test', DEMO_SOURCE_ROOT_PASSWORD);
    const second = await createRootSession(destination, 'source.sim.test', DEMO_SOURCE_ROOT_PASSWORD);

    expect(first).not.toBe(second);
    expect(peering.control.sessions().sessions.map((session) => session.id)).toContain(first);
    expect(pair.destination.control.sessions().sessions.map((session) => session.id)).not.toContain(first);
  });
});
