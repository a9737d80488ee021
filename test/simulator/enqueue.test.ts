import { DEMO_SOURCE_ROOT_PASSWORD, startSimulatorPair, type SimulatorPair } from '../../src/simulator';
import { callData, callReason, callWhm, createRootSession, FAST_TIMING } from './helpers';

let pair: SimulatorPair;
let destination: string;
let rootSession: string;
let userSession: string;

beforeAll(async () => {
  pair = await startSimulatorPair({ destination: FAST_TIMING });
  destination = pair.destination.url;
  rootSession = await createRootSession(destination, 'source.sim.test', DEMO_SOURCE_ROOT_PASSWORD);
  userSession = await createUserSession();
});

afterAll(async () => {
  await pair.close();
});

async function createUserSession(): Promise<string> {
  const data = await callData<{ transfer_session_id: string }>(destination, 'create_remote_user_transfer_session', {
    host: 'source.sim.test', password: 'alice-demo-password', unrestricted_restore: '1',
  });
  return data.transfer_session_id;
}

function enqueue(params: Record<string, string>) {
  return callWhm(destination, 'enqueue_transfer_item', params);
}

describe('available_transfer_modules', () => {
  test('lists module numbers as strings', async () => {
    const data = await callData<{ modules: Record<string, unknown> }>(destination, 'available_transfer_modules');

    expect(data.modules).toMatchObject({
      FeatureListRemoteRoot: '1000',
      PackageRemoteRoot: '2000',
      AccountRemoteRoot: '3000',
      AccountRemoteUser: '4000',
      AccountLocal: '5000',
      LegacyAccountBackup: '6000',
    });
    expect(Object.keys(data.modules)).toHaveLength(19);
  });
});

describe('transfer_module_schema', () => {
  test('describes the account schema', async () => {
    const data = await callData<{ schema: { keys: Record<string, { def: string }>; required: string[]; primary: string[] } }>(
      destination, 'transfer_module_schema', { module: 'AccountRemoteRoot' });

    expect(data.schema.required).toEqual(['user', 'localuser']);
    expect(data.schema.primary).toEqual(['user']);
    expect(Object.keys(data.schema.keys)).toEqual(expect.arrayContaining(['user', 'localuser', 'size', 'force', 'xferpoint']));
    expect(data.schema.keys.user?.def).toEqual(expect.any(String));
  });

  test('unknown module fails', async () => {
    const reason = await callReason(destination, 'transfer_module_schema', { module: 'FeaturesListRemoteRoot' });

    expect(reason).toBe('The transfer session module “FeaturesListRemoteRoot” does not exist.');
  });
});

describe('enqueue_transfer_item', () => {
  test('accepts an account with metadata only', async () => {
    const envelope = await enqueue({
      transfer_session_id: rootSession, module: 'AccountRemoteRoot', user: 'alice', localuser: 'alice', size: '1024',
    });

    expect(envelope.metadata).toEqual({ command: 'enqueue_transfer_item', version: 1, result: 1, reason: 'OK' });
    expect(envelope).not.toHaveProperty('data');
  });

  test('accepts packages and feature lists', async () => {
    const packageEnvelope = await enqueue({ transfer_session_id: rootSession, module: 'PackageRemoteRoot', package: 'starter' });
    const featureListEnvelope = await enqueue({
      transfer_session_id: rootSession, module: 'FeatureListRemoteRoot', featurelist: 'business-features',
    });

    expect(packageEnvelope.metadata.result).toBe(1);
    expect(featureListEnvelope.metadata.result).toBe(1);
  });

  test('unknown module fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'AccountRemote', user: 'bob', localuser: 'bob',
    });

    expect(reason).toBe('The transfer session module “AccountRemote” does not exist.');
  });

  test('missing localuser fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'AccountRemoteRoot', user: 'bob',
    });

    expect(reason).toBe('The “localuser” parameter is required for the “AccountRemoteRoot” module.');
  });

  test('missing package fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', { transfer_session_id: rootSession, module: 'PackageRemoteRoot' });

    expect(reason).toBe('The “package” parameter is required for the “PackageRemoteRoot” module.');
  });

  test('unknown key fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'AccountRemoteRoot', user: 'bob', localuser: 'bob', skiphome: '1',
    });

    expect(reason).toBe('The “skiphome” parameter is not valid for the “AccountRemoteRoot” module.');
  });

  test('key of another module fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'PackageRemoteRoot', package: 'business', force: '1',
    });

    expect(reason).toBe('The “force” parameter is not valid for the “PackageRemoteRoot” module.');
  });

  test('duplicate primary key fails', async () => {
    await callData(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'AccountRemoteRoot', user: 'carol', localuser: 'carol',
    });

    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'AccountRemoteRoot', user: 'carol', localuser: 'carol2',
    });

    expect(reason).toBe('An item with a “user” key value of “carol” and a type of “AccountRemoteRoot” already exists in the queue.');
  });

  test('AccountRemoteUser in root session fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'AccountRemoteUser', user: 'dave', localuser: 'dave',
    });

    expect(reason).toBe('API failure: Root-authenticated transfer sessions cannot enqueue items of this type. '
      + 'Try again from a user-authenticated transfer session.');
  });

  test.each(['AccountRemoteRoot', 'PackageRemoteRoot'])('%s in user session fails', async (module) => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: userSession, module, user: 'dave', localuser: 'dave', package: 'starter',
    });

    expect(reason).toBe('API failure: User-authenticated transfer sessions cannot enqueue items of this type. '
      + 'Try again from a root-authenticated transfer session.');
  });

  test('AccountRemoteUser in user session accepted', async () => {
    const envelope = await enqueue({ transfer_session_id: userSession, module: 'AccountRemoteUser', user: 'alice', localuser: 'alice' });

    expect(envelope.metadata.result).toBe(1);
  });

  test('malformed session id fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: 'bad-id!', module: 'AccountRemoteRoot', user: 'bob', localuser: 'bob',
    });

    expect(reason).toBe('The session ID “bad-id!” may only contain alphanumeric characters and underscores.');
  });

  test('unknown session id fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: 'sourcesimtestcopya20250101000000abcd', module: 'AccountRemoteRoot', user: 'bob', localuser: 'bob',
    });

    expect(reason).toBe('The session ID “sourcesimtestcopya20250101000000abcd” does not exist.');
  });

  test('missing session id fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', { module: 'AccountRemoteRoot', user: 'bob', localuser: 'bob' });

    expect(reason).toMatch(/^API failure: \(XID [a-z0-9]{6}\) .*“transfer_session_id”/);
  });

  test('missing module fails', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', { transfer_session_id: rootSession, user: 'bob' });

    expect(reason).toMatch(/^API failure: \(XID [a-z0-9]{6}\) .*“module”/);
  });

  test.each(['0', '-5', 'big'])('size %s fails', async (size) => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'AccountRemoteRoot', user: 'bob', localuser: 'bob', size,
    });

    expect(reason).toContain('“size”');
  });

  test('force needs the same local name', async () => {
    const reason = await callReason(destination, 'enqueue_transfer_item', {
      transfer_session_id: rootSession, module: 'AccountRemoteRoot', user: 'bob', localuser: 'bobby', force: '1',
    });

    expect(reason).toContain('“force”');
  });

  test('items show in the session snapshot', () => {
    const session = pair.destination.control.sessions().sessions.find((candidate) => candidate.id === rootSession);

    expect(session?.items.map((item) => `${item.module}:${item.item}`)).toEqual([
      'FeatureListRemoteRoot:business-features', 'PackageRemoteRoot:starter',
      'AccountRemoteRoot:alice', 'AccountRemoteRoot:carol',
    ]);
  });
});

describe('validate_system_user', () => {
  test('free name is valid', async () => {
    const data = await callData(destination, 'validate_system_user', { user: 'newname' });

    expect(data).toEqual({ exists: 0, reserved: 0, valid_for_new: 1, valid_for_transfer: 1 });
  });

  test('root exists and is reserved', async () => {
    const data = await callData(destination, 'validate_system_user', { user: 'root' });

    expect(data).toEqual({ exists: 1, reserved: 1, valid_for_new: 0, valid_for_transfer: 0 });
  });

  test('missing user fails', async () => {
    const reason = await callReason(destination, 'validate_system_user');

    expect(reason).toMatch(/^API failure: .*“user”/);
  });
});
