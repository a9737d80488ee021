import { parseTransferLog, summarizeTransferItems, type TransferControlEvent, type TransferLogEvent } from '../../src/whm';

/** Builds one control line as WHM writes it to master.log. */
function control(action: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ type: 'control', pid: 12789, indent: 0, partial: 0, contents: { action, child_number: 0, time: 1598991042, ...fields } });
}

function item(action: string, queue: string, name: string, fields: Record<string, unknown> = {}): string {
  return control(action, {
    queue,
    item: name,
    local_item: name,
    item_type: 'AccountRemoteRoot',
    item_name: 'Account',
    logfile: `item-${queue}_AccountRemoteRoot_${name}`,
    ...fields,
  });
}

const MASTER_LOG = [
  // The first three lines are copied in shape from cPanel's documented example.
  '{"contents":{"action":"start","time":1598991042,"child_number":0},"pid":12789,"type":"control","indent":0,"partial":0}',
  '{"partial":0,"indent":0,"type":"control","pid":12789,"contents":{"time":1598991042,"action":"initiator","child_number":0,"msg":"copyacct"}}',
  '{"partial":0,"indent":0,"pid":12789,"type":"control","contents":{"msg":2.3,"child_number":0,"time":1598991042,"action":"version"}}',
  control('queue_count', { queue: 'TRANSFER', msg: 3 }),
  control('queue_size', { queue: 'TRANSFER', msg: '3000' }),
  control('remotehost', { msg: 'source.example.com' }),
  item('process-item', 'TRANSFER', 'bob'),
  item('start-item', 'TRANSFER', 'bob', { msg: { size: 1000 }, time: 100 }),
  item('success-item', 'TRANSFER', 'bob', { time: 110 }),
  item('start-item', 'TRANSFER', 'alice', { msg: { size: 2000 }, time: 101 }),
  item('failed-item', 'TRANSFER', 'alice', { msg: { failure: 'rsync exited with status 23', size: 2000 }, time: 120 }),
  control('child-failed', { msg: '1/3' }),
  item('start-item', 'RESTORE', 'bob', { time: 111 }),
  item('warning-item', 'RESTORE', 'bob', { msg: 'Could not restore the DNS zone.' }),
  item('success-item', 'RESTORE', 'bob', { msg: { warnings: 2 }, time: 130 }),
  control('start-item', { queue: 'TRANSFER', item: 'gold', item_type: 'PackageRemoteRoot', time: 140 }),
  control('success-item', { queue: 'TRANSFER', item: 'gold', item_type: 'PackageRemoteRoot', time: 141 }),
  'this line is not JSON',
  JSON.stringify({ type: 'control', pid: 1, contents: { action: 'defrost', msg: 'new in a later version' } }),
  JSON.stringify({ type: 'out', pid: 1, indent: 1, partial: 1, contents: 'Copying files' }),
  JSON.stringify({ type: 'mystery', contents: 1 }),
  JSON.stringify({ type: 'control', contents: { msg: 'no action' } }),
  '[1, 2]',
  '',
  control('pausing'),
  control('pause'),
  control('resume'),
  control('aborting'),
  control('abort'),
  control('fail', { msg: 'The master process is gone.' }),
].join('\n');

function controlEvent<A extends TransferControlEvent['action']>(events: TransferLogEvent[], action: A): TransferControlEvent & { action: A } {
  const found = events.find((event) => event.kind === 'control' && event.action === action);
  if (found === undefined) {
    throw new Error(`no ${action} event`);
  }
  return found as TransferControlEvent & { action: A };
}

describe('parseTransferLog', () => {
  const { events, malformed } = parseTransferLog(MASTER_LOG);

  test('documented start line', () => {
    const start = controlEvent(events, 'start');

    expect(start.lineNumber).toBe(1);
    expect(start.pid).toBe(12789);
    expect(start.time).toBe(1598991042);
    expect(start.childNumber).toBe(0);
    expect(start.partial).toBe(false);
  });

  test('session info values', () => {
    expect(controlEvent(events, 'initiator').value).toBe('copyacct');
    expect(controlEvent(events, 'version').value).toBe('2.3');
    expect(controlEvent(events, 'remotehost').value).toBe('source.example.com');
  });

  test('queue counters as numbers', () => {
    expect(controlEvent(events, 'queue_count').value).toBe(3);
    expect(controlEvent(events, 'queue_count').byQueue).toEqual({ TRANSFER: 3 });
    expect(controlEvent(events, 'queue_size').value).toBe(3000);
    expect(controlEvent(events, 'queue_size').queue).toBe('TRANSFER');
  });

  test('queue counters per queue object', () => {
    const line = control('queue_count', { msg: { TRANSFER: 4, RESTORE: '4' } });

    const [event] = parseTransferLog(line).events;

    expect(event).toMatchObject({ action: 'queue_count', value: undefined, byQueue: { TRANSFER: 4, RESTORE: 4 } });
  });

  test('item fields', () => {
    const start = controlEvent(events, 'start-item');

    expect(start.item).toBe('bob');
    expect(start.localItem).toBe('bob');
    expect(start.itemType).toBe('AccountRemoteRoot');
    expect(start.itemName).toBe('Account');
    expect(start.logfile).toBe('item-TRANSFER_AccountRemoteRoot_bob');
    expect(start.size).toBe(1000);
  });

  test('failed item reason and size', () => {
    const failed = controlEvent(events, 'failed-item');

    expect(failed.failure).toBe('rsync exited with status 23');
    expect(failed.size).toBe(2000);
  });

  test('warning item counts one', () => {
    const warning = controlEvent(events, 'warning-item');

    expect(warning.warnings).toBe(1);
    expect(warning.message).toBe('Could not restore the DNS zone.');
  });

  test('child failure counts', () => {
    const childFailed = controlEvent(events, 'child-failed');

    expect(childFailed.failures).toBe(1);
    expect(childFailed.maxFailures).toBe(3);
  });

  test('session fail reason', () => {
    expect(controlEvent(events, 'fail').reason).toBe('The master process is gone.');
  });

  test.each(['pausing', 'pause', 'resume', 'aborting', 'abort'] as const)('%s parsed', (action) => {
    expect(controlEvent(events, action).kind).toBe('control');
  });

  test('unknown action kept', () => {
    const unknown = events.find((event) => event.kind === 'unrecognized' && event.action === 'defrost');

    expect(unknown).toMatchObject({ type: 'control', contents: { action: 'defrost', msg: 'new in a later version' } });
  });

  test('unknown type kept', () => {
    expect(events.some((event) => event.kind === 'unrecognized' && event.type === 'mystery')).toBe(true);
  });

  test('output line text', () => {
    const output = events.find((event) => event.kind === 'output');

    expect(output).toMatchObject({ type: 'out', text: 'Copying files', partial: true, indent: 1 });
  });

  test('malformed lines reported', () => {
    expect(malformed.map((line) => line.lineNumber)).toEqual([18, 22, 23]);
    expect(malformed[0]?.problem).toContain('not JSON');
    expect(malformed[1]?.problem).toContain('contents.action');
    expect(malformed[2]?.excerpt).toBe('[1, 2]');
  });

  test('blank lines skipped', () => {
    expect(events.some((event) => event.lineNumber === 24)).toBe(false);
  });

  test('odd field types tolerated', () => {
    const line = JSON.stringify({ type: 'control', pid: 'x', contents: { action: 'failed-item', item: 42, time: 'soon', msg: 'Aborted.' } });

    const [event] = parseTransferLog(line).events;

    expect(event).toMatchObject({ kind: 'control', action: 'failed-item', item: '42', time: undefined, pid: undefined, failure: 'Aborted.' });
  });

  test('empty log', () => {
    expect(parseTransferLog('')).toEqual({ events: [], malformed: [] });
  });
});

describe('summarizeTransferItems', () => {
  test('outcomes before completion', () => {
    const outcomes = summarizeTransferItems(parseTransferLog(MASTER_LOG).events);

    expect(outcomes.map((outcome) => [outcome.itemType, outcome.item, outcome.status])).toEqual([
      ['AccountRemoteRoot', 'bob', 'succeeded'],
      ['AccountRemoteRoot', 'alice', 'failed'],
      ['PackageRemoteRoot', 'gold', 'incomplete'],
    ]);
  });

  test('succeeded item details', () => {
    const [bob] = summarizeTransferItems(parseTransferLog(MASTER_LOG).events);

    expect(bob).toEqual({
      itemType: 'AccountRemoteRoot',
      item: 'bob',
      localItem: 'bob',
      status: 'succeeded',
      warnings: 3,
      failureReason: undefined,
      sizeBytes: 1000,
      startedAt: 100,
      endedAt: 130,
      lastQueue: 'RESTORE',
      logfiles: ['item-TRANSFER_AccountRemoteRoot_bob', 'item-RESTORE_AccountRemoteRoot_bob'],
    });
  });

  test('failed item details', () => {
    const alice = summarizeTransferItems(parseTransferLog(MASTER_LOG).events)[1];

    expect(alice?.failureReason).toBe('rsync exited with status 23');
    expect(alice?.sizeBytes).toBe(2000);
    expect(alice?.startedAt).toBe(101);
    expect(alice?.endedAt).toBe(120);
  });

  test('complete settles transfer-only success', () => {
    const log = `${MASTER_LOG}\n${control('complete')}`;

    const gold = summarizeTransferItems(parseTransferLog(log).events)[2];

    expect(gold?.status).toBe('succeeded');
    expect(gold?.endedAt).toBe(141);
  });

  test('warning item ends restore step', () => {
    const log = [
      item('success-item', 'TRANSFER', 'erin', { msg: { size: 10, warnings: 0 }, time: 1 }),
      item('warning-item', 'RESTORE', 'erin', { msg: { size: 10, warnings: 2 }, time: 2 }),
    ].join('\n');

    const [erin] = summarizeTransferItems(parseTransferLog(log).events);

    expect(erin?.status).toBe('succeeded');
    expect(erin?.warnings).toBe(2);
    expect(erin?.endedAt).toBe(2);
  });

  test('later success does not undo failure', () => {
    const log = [
      item('failed-item', 'TRANSFER', 'carol', { msg: 'Aborted.', time: 5 }),
      item('success-item', 'RESTORE', 'carol', { time: 6 }),
      control('complete'),
    ].join('\n');

    const [carol] = summarizeTransferItems(parseTransferLog(log).events);

    expect(carol?.status).toBe('failed');
    expect(carol?.failureReason).toBe('Aborted.');
    expect(carol?.endedAt).toBe(5);
  });

  test('started item without end incomplete', () => {
    const log = [item('start-item', 'TRANSFER', 'dave', { time: 9 }), control('abort')].join('\n');

    const [dave] = summarizeTransferItems(parseTransferLog(log).events);

    expect(dave?.status).toBe('incomplete');
    expect(dave?.endedAt).toBeUndefined();
  });
});
