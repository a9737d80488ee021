import { startSimulatorPair, type SimulatorPair } from '../../src/simulator';
import {
  callData, callReason, callWhm, createRootSession, enqueueAccount, FAST_TIMING, fetchLog, masterControl, rawCall,
  stateOf, waitFor, waitForState,
} from './helpers';

/** Bytes of an item whose TRANSFER step takes 500 ms and RESTORE step 1 s at {@link FAST_TIMING}. */
const SLOW_ITEM = 100_000;

let pair: SimulatorPair;
let destination: string;

beforeEach(async () => {
  pair = await startSimulatorPair({ destination: { ...FAST_TIMING, localUsers: ['taken'] } });
  destination = pair.destination.url;
});

afterEach(async () => {
  await pair.close();
});

function newSession(extra: Record<string, string> = {}): Promise<string> {
  return createRootSession(destination, 'source.sim.test', pair.sourceRootLogin.password, extra);
}

function start(sessionId: string): Promise<{ pid: number }> {
  return callData<{ pid: number }>(destination, 'start_transfer_session', { transfer_session_id: sessionId });
}

function itemsOf(sessionId: string) {
  const session = pair.destination.control.sessions().sessions.find((candidate) => candidate.id === sessionId);
  if (session === undefined) throw new Error(`No session ${sessionId}`);
  return session.items;
}

function itemState(sessionId: string, item: string): string | undefined {
  return itemsOf(sessionId).find((candidate) => candidate.item === item)?.queueState;
}

describe('session lifecycle', () => {
  test('new session is PENDING', async () => {
    const sessionId = await newSession();

    expect(await stateOf(destination, sessionId)).toBe('PENDING');
  });

  test('start runs items to COMPLETED', async () => {
    const sessionId = await newSession();
    await callData(destination, 'enqueue_transfer_item', { transfer_session_id: sessionId, module: 'PackageRemoteRoot', package: 'starter' });
    await enqueueAccount(destination, sessionId, 'alice', 'alice', 1);
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);

    const { pid } = await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const actions = (await masterControl(destination, sessionId)).map((line) => line.action);

    expect(pid).toBeGreaterThan(0);
    expect(actions.slice(0, 6)).toEqual(['start', 'initiator', 'version', 'queue_count', 'queue_size', 'remotehost']);
    expect(actions.at(-1)).toBe('complete');
    expect(actions).not.toContain('failed-item');
    expect(itemsOf(sessionId).map((item) => item.outcome)).toEqual(['success', 'success', 'success']);
  });

  test('master log control fields', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice2', 1000);

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const lines = await masterControl(destination, sessionId);
    const message = (action: string) => lines.find((line) => line.action === action)?.msg;
    const processItem = lines.find((line) => line.action === 'process-item');

    expect(message('initiator')).toBe('copyacct');
    expect(message('version')).toBe('11.120.0.16');
    expect(message('queue_count')).toEqual({ TRANSFER: 1, RESTORE: 1 });
    expect(message('queue_size')).toEqual({ TRANSFER: 1000, RESTORE: 1000 });
    expect(message('remotehost')).toBe('source.sim.test');
    expect(processItem).toMatchObject({
      child_number: 1, queue: 'TRANSFER', item: 'alice', logfile: 'item-TRANSFER_AccountRemoteRoot_alice',
    });
    expect(lines.find((line) => line.action === 'start-item')?.msg).toEqual({ size: 1000 });
  });

  test('log lines are JSON Lines records', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const lines = await fetchLog(destination, sessionId, 'master.log');

    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['contents', 'indent', 'partial', 'pid', 'type']);
    }
  });

  test('packages and feature lists run before accounts', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'bob', 'bob', 1);
    await callData(destination, 'enqueue_transfer_item', { transfer_session_id: sessionId, module: 'PackageRemoteRoot', package: 'business' });
    await callData(destination, 'enqueue_transfer_item', {
      transfer_session_id: sessionId, module: 'FeatureListRemoteRoot', featurelist: 'business-features',
    });

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const order = (await masterControl(destination, sessionId))
      .filter((line) => line.action === 'process-item' && line.queue === 'TRANSFER')
      .map((line) => line.item);

    expect(order).toEqual(['business-features', 'business', 'bob']);
  });

  test('restored account becomes a local user', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'dave', 'dave', 1);

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const validation = await callData(destination, 'validate_system_user', { user: 'dave' });
    const listed = await callData<{ acct: Array<{ user: string; domain: string }> }>(destination, 'listaccts');

    expect(validation.exists).toBe(1);
    expect(listed.acct).toContainEqual(expect.objectContaining({ user: 'dave', domain: 'dave-books.example' }));
  });

  test('second transfer of an account conflicts', async () => {
    const first = await newSession();
    await enqueueAccount(destination, first, 'carol', 'carol', 1);
    await start(first);
    await waitForState(destination, first, 'COMPLETED');

    const second = await newSession();
    await enqueueAccount(destination, second, 'carol', 'carol', 1);
    await start(second);
    await waitForState(destination, second, 'COMPLETED');
    const failed = (await masterControl(destination, second)).find((line) => line.action === 'failed-item');

    expect(failed?.item).toBe('carol');
    expect(failed?.msg).toMatchObject({ failure: 'The account “carol” already exists on this server.' });
  });

  test('COMPLETED with a failed item', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'taken', 1);
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const lines = await masterControl(destination, sessionId);
    const failed = lines.filter((line) => line.action === 'failed-item');
    const errors = await fetchLog(destination, sessionId, 'master.error_log');

    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ item: 'alice', queue: 'RESTORE' });
    expect(failed[0]?.msg).toMatchObject({ failure: 'The account “taken” already exists on this server.', size: 1 });
    expect(itemsOf(sessionId).find((item) => item.item === 'carol')?.queueState).toBe('COMPLETED');
    expect(errors).toContainEqual(expect.objectContaining({ type: 'failure' }));
    expect(lines.at(-1)?.action).toBe('complete');
  });

  test('missing package gives warning-item', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'bob', 'bob', 1);

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const warning = (await masterControl(destination, sessionId)).find((line) => line.action === 'warning-item');

    expect(warning).toMatchObject({ item: 'bob', queue: 'RESTORE' });
    expect(warning?.msg).toMatchObject({ warnings: 1 });
    expect(itemsOf(sessionId)[0]?.outcome).toBe('warning');
  });

  test('failItem fails the transfer step', async () => {
    pair.destination.control.failItem('bob', 'The simulated disk is full.');
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'bob', 'bob', 1);

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const failed = (await masterControl(destination, sessionId)).find((line) => line.action === 'failed-item');

    expect(failed).toMatchObject({ item: 'bob', queue: 'TRANSFER' });
    expect(failed?.msg).toMatchObject({ failure: 'The simulated disk is full.' });
  });

  test('unknown source account fails', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'zed', 'zed', 1);

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');

    expect(itemsOf(sessionId)[0]?.failure).toBe('The account “zed” does not exist on the remote server “source.sim.test”.');
  });

  test('item log records the step', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);

    await start(sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const lines = await fetchLog(destination, sessionId, 'item-TRANSFER_AccountRemoteRoot_carol');

    expect(lines.map((line) => line.type)).toEqual(['out', 'success']);
  });

  test('log before start fails', async () => {
    const sessionId = await newSession();

    const reason = await callReason(destination, 'fetch_transfer_session_log', { transfer_session_id: sessionId, logfile: 'master.log' });

    expect(reason).toMatch(/^API failure: \(XID [a-z0-9]+\) The system failed to locate either the file/);
  });

  test('log path with slash rejected', async () => {
    const sessionId = await newSession();

    const reason = await callReason(destination, 'fetch_transfer_session_log', {
      transfer_session_id: sessionId, logfile: '../master.log',
    });

    expect(reason).toContain('only accepts relative file paths');
  });

  test('item enqueued while RUNNING runs', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);
    await start(sessionId);

    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);
    await waitForState(destination, sessionId, 'COMPLETED');

    expect(itemState(sessionId, 'carol')).toBe('COMPLETED');
  });

  test('close stops a running simulator', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);
    await start(sessionId);
    pair.destination.control.injectFault({ function: 'version', kind: 'delay', delayMs: 60_000 });
    const delayed = rawCall(destination, 'version').then(() => 'answered', () => 'connection closed');
    await waitFor(() => pair.destination.control.faults(), (faults) => faults.length === 0);

    await pair.close();

    expect(await delayed).toBe('connection closed');
    expect(itemState(sessionId, 'alice')).toBe('TRANSFER_INPROGRESS');
  });

  test('start of a started session keeps the pid', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);

    const first = await start(sessionId);
    const second = await start(sessionId);

    expect(second.pid).toBe(first.pid);
  });
});

describe('session pause', () => {
  test('PAUSING lasts until the in-flight item ends', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);
    await start(sessionId);

    const pause = await callWhm(destination, 'pause_transfer_session', { transfer_session_id: sessionId });
    const stateAfterPause = await stateOf(destination, sessionId);
    const aliceWhilePausing = itemState(sessionId, 'alice');
    await waitForState(destination, sessionId, 'PAUSED');
    const actions = (await masterControl(destination, sessionId)).map((line) => `${line.action}:${line.item ?? ''}`);

    expect(pause.metadata).toMatchObject({ result: 1, reason: 'OK' });
    expect(pause).not.toHaveProperty('data');
    expect(stateAfterPause).toBe('PAUSING');
    expect(aliceWhilePausing).toBe('TRANSFER_INPROGRESS');
    expect(itemState(sessionId, 'alice')).toBe('RESTORE_PENDING');
    expect(itemState(sessionId, 'carol')).toBe('TRANSFER_PENDING');
    expect(actions.indexOf('success-item:alice')).toBeLessThan(actions.indexOf('pause:'));
    expect(actions.indexOf('pausing:')).toBeLessThan(actions.indexOf('success-item:alice'));
    expect(actions).not.toContain('process-item:carol');
  });

  test('start resumes a PAUSED session', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', 1);
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);
    await start(sessionId);
    await callData(destination, 'pause_transfer_session', { transfer_session_id: sessionId });
    await waitForState(destination, sessionId, 'PAUSED');

    const resumed = await start(sessionId);
    const stateAfterStart = await stateOf(destination, sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const actions = (await masterControl(destination, sessionId)).map((line) => line.action);

    expect(resumed.pid).toBeGreaterThan(0);
    expect(stateAfterStart).toBe('RUNNING');
    expect(actions.filter((action) => action === 'resume')).toHaveLength(1);
    expect(actions.indexOf('resume')).toBeGreaterThan(actions.indexOf('pause'));
    expect(itemsOf(sessionId).every((item) => item.queueState === 'COMPLETED')).toBe(true);
  });

  test('pause with nothing queued completes', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);
    await start(sessionId);
    await waitFor(() => itemState(sessionId, 'alice'), (state) => state === 'RESTORE_INPROGRESS');

    await callData(destination, 'pause_transfer_session', { transfer_session_id: sessionId });
    const stateAfterPause = await stateOf(destination, sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');
    const actions = (await masterControl(destination, sessionId)).map((line) => line.action);

    expect(stateAfterPause).toBe('PAUSING');
    expect(actions).toContain('pausing');
    expect(actions).not.toContain('pause');
    expect(actions.at(-1)).toBe('complete');
  });

  test('start during PAUSING returns the old pid', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);
    const { pid } = await start(sessionId);
    await callData(destination, 'pause_transfer_session', { transfer_session_id: sessionId });

    const again = await callWhm<{ pid: number }>(destination, 'start_transfer_session', { transfer_session_id: sessionId });
    const stateAfterStart = await stateOf(destination, sessionId);
    await waitForState(destination, sessionId, 'PAUSED');

    expect(again.metadata.result).toBe(1);
    expect(again.data?.pid).toBe(pid);
    expect(stateAfterStart).toBe('PAUSING');
  });

  test.each(['PENDING', 'PAUSED', 'COMPLETED', 'ABORTED'])('pause of %s refused', async (state) => {
    const sessionId = await sessionIn(state);

    const envelope = await callWhm(destination, 'pause_transfer_session', { transfer_session_id: sessionId });

    expect(envelope.metadata.result).toBe(0);
    expect(envelope.metadata.reason).toBe('The system failed to “pause” the transfer session.');
    expect(await stateOf(destination, sessionId)).toBe(state);
  });
});

describe('session abort', () => {
  test('abort of PENDING fails the session', async () => {
    const sessionId = await newSession();

    const envelope = await callWhm(destination, 'abort_transfer_session', { transfer_session_id: sessionId });

    expect(envelope.metadata).toMatchObject({ result: 1 });
    expect(await stateOf(destination, sessionId)).toBe('FAILED');
  });

  test('abort of RUNNING fails in-flight items', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);
    await start(sessionId);

    await callData(destination, 'abort_transfer_session', { transfer_session_id: sessionId });
    const stateAfterAbort = await stateOf(destination, sessionId);
    await waitForState(destination, sessionId, 'ABORTED');
    const lines = await masterControl(destination, sessionId);
    const actions = lines.map((line) => line.action);
    const failed = lines.find((line) => line.action === 'failed-item');

    expect(stateAfterAbort).toBe('ABORTING');
    expect(failed).toMatchObject({ item: 'alice', queue: 'TRANSFER' });
    expect(failed?.msg).toMatchObject({ failure: 'Aborted.' });
    expect(actions.indexOf('aborting')).toBeLessThan(actions.indexOf('failed-item'));
    expect(actions.at(-1)).toBe('abort');
    expect(itemState(sessionId, 'carol')).toBe('TRANSFER_PENDING');
  });

  test('abort of PAUSED aborts', async () => {
    const sessionId = await sessionIn('PAUSED');

    await callData(destination, 'abort_transfer_session', { transfer_session_id: sessionId });
    await waitForState(destination, sessionId, 'ABORTED');
    const actions = (await masterControl(destination, sessionId)).map((line) => line.action);

    expect(actions.slice(-2)).toEqual(['aborting', 'abort']);
  });

  test('abort of PAUSING aborts', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);
    await enqueueAccount(destination, sessionId, 'carol', 'carol', 1);
    await start(sessionId);
    await callData(destination, 'pause_transfer_session', { transfer_session_id: sessionId });

    await callData(destination, 'abort_transfer_session', { transfer_session_id: sessionId });
    const stateAfterAbort = await stateOf(destination, sessionId);
    await waitForState(destination, sessionId, 'ABORTED');
    const actions = (await masterControl(destination, sessionId)).map((line) => line.action);

    expect(stateAfterAbort).toBe('ABORTING');
    expect(actions).toEqual(expect.arrayContaining(['pausing', 'aborting', 'failed-item', 'abort']));
    expect(actions).not.toContain('pause');
  });

  test('abort stops an in-flight restore', async () => {
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);
    await start(sessionId);
    await waitFor(() => itemState(sessionId, 'alice'), (state) => state === 'RESTORE_INPROGRESS');

    await callData(destination, 'abort_transfer_session', { transfer_session_id: sessionId });
    await waitForState(destination, sessionId, 'ABORTED');
    const validation = await callData(destination, 'validate_system_user', { user: 'alice' });

    expect(itemsOf(sessionId)[0]).toMatchObject({ queueState: 'FAILED', failure: 'Aborted.' });
    expect(validation.exists).toBe(0);
  });

  test.each(['COMPLETED', 'ABORTED', 'FAILED'])('abort of %s refused', async (state) => {
    const sessionId = await sessionIn(state);

    const reason = await callReason(destination, 'abort_transfer_session', { transfer_session_id: sessionId });

    expect(reason).toBe('The system failed to “abort” the transfer session.');
  });

  test('start of ABORTED refused', async () => {
    const sessionId = await sessionIn('ABORTED');

    const reason = await callReason(destination, 'start_transfer_session', { transfer_session_id: sessionId });

    expect(reason).toBe(`The system failed to start the transfer session “${sessionId}” because of an error: `
      + `The processor failed to start because the session “${sessionId}” has been aborted.`);
  });

  test('start of unknown session wrapped', async () => {
    const reason = await callReason(destination, 'start_transfer_session', { transfer_session_id: 'nosuchsession' });

    expect(reason).toBe('The system failed to start the transfer session “nosuchsession” because of an error: '
      + 'The session ID “nosuchsession” does not exist.');
  });
});

describe('session worker threads', () => {
  test('transfer threads limit in-flight items', async () => {
    const sessionId = await newSession({ transfer_threads: '2' });
    for (const user of ['alice', 'bob', 'carol']) await enqueueAccount(destination, sessionId, user, user, SLOW_ITEM);

    await start(sessionId);
    const inFlight = itemsOf(sessionId).filter((item) => item.queueState === 'TRANSFER_INPROGRESS');
    await callData(destination, 'abort_transfer_session', { transfer_session_id: sessionId });
    await waitForState(destination, sessionId, 'ABORTED');

    expect(inFlight.map((item) => item.item)).toEqual(['alice', 'bob']);
  });

  test('thread count capped at 9', async () => {
    const sessionId = await newSession({ transfer_threads: '20' });
    for (let index = 0; index < 11; index += 1) {
      await callData(destination, 'enqueue_transfer_item', {
        transfer_session_id: sessionId, module: 'HulkRemoteRoot', name: `config${index}`, size: String(SLOW_ITEM),
      });
    }

    await start(sessionId);
    const inFlight = itemsOf(sessionId).filter((item) => item.queueState === 'TRANSFER_INPROGRESS');
    await callData(destination, 'abort_transfer_session', { transfer_session_id: sessionId });
    await waitForState(destination, sessionId, 'ABORTED');

    expect(inFlight).toHaveLength(9);
  });
});

describe('session state names', () => {
  test('doc-compat reports item-style states', async () => {
    await pair.close();
    pair = await startSimulatorPair({ destination: { ...FAST_TIMING, stateNames: 'doc-compat' } });
    destination = pair.destination.url;
    const sessionId = await newSession();
    await enqueueAccount(destination, sessionId, 'alice', 'alice', SLOW_ITEM);

    await start(sessionId);
    const whileTransferring = await stateOf(destination, sessionId);
    await waitFor(() => itemState(sessionId, 'alice'), (state) => state === 'RESTORE_INPROGRESS');
    const whileRestoring = await stateOf(destination, sessionId);
    await waitForState(destination, sessionId, 'COMPLETED');

    expect(whileTransferring).toBe('TRANSFER_INPROGRESS');
    expect(whileRestoring).toBe('RESTORE_INPROGRESS');
  });
});

/** Creates a session with two queued items and drives it into `state`. */
async function sessionIn(state: string): Promise<string> {
  const sessionId = await newSession();
  await enqueueAccount(destination, sessionId, 'alice', `alice${state.length}`, 1);
  await enqueueAccount(destination, sessionId, 'carol', `carol${state.length}`, 1);
  const request = { transfer_session_id: sessionId };

  switch (state) {
    case 'PENDING':
      break;
    case 'PAUSED':
      await start(sessionId);
      await callData(destination, 'pause_transfer_session', request);
      await waitForState(destination, sessionId, 'PAUSED');
      break;
    case 'COMPLETED':
      await start(sessionId);
      await waitForState(destination, sessionId, 'COMPLETED');
      break;
    case 'ABORTED':
      await start(sessionId);
      await callData(destination, 'abort_transfer_session', request);
      await waitForState(destination, sessionId, 'ABORTED');
      break;
    case 'FAILED':
      await callData(destination, 'abort_transfer_session', request);
      break;
    default:
      throw new Error(`No recipe for the state ${state}`);
  }
  return sessionId;
}
