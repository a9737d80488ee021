import { isTerminal, parseTransferSessionState, transferSessionPhase } from '../../src/whm';

describe('parseTransferSessionState', () => {
  test.each([
    ['PENDING', 'PENDING'],
    ['RUNNING', 'RUNNING'],
    ['PAUSING', 'PAUSING'],
    ['PAUSED', 'PAUSED'],
    ['ABORTING', 'ABORTING'],
    ['ABORTED', 'ABORTED'],
    ['COMPLETED', 'COMPLETED'],
    ['FAILED', 'FAILED'],
    ['REACHEDMAXMEM', 'RUNNING'],
    ['TRANSFER_PENDING', 'RUNNING'],
    ['TRANSFER_INPROGRESS', 'RUNNING'],
    ['RESTORE_PENDING', 'RUNNING'],
    ['RESTORE_INPROGRESS', 'RUNNING'],
  ])('%s has phase %s', (name, phase) => {
    const state = parseTransferSessionState(name);

    expect(state.kind).toBe('known');
    expect(state.phase).toBe(phase);
    expect(state.raw).toBe(name);
  });

  test('unknown name kept raw', () => {
    const state = parseTransferSessionState('DEFROSTING');

    expect(state).toEqual({ kind: 'unknown', phase: 'UNKNOWN', raw: 'DEFROSTING' });
  });

  test('case and blanks ignored', () => {
    const state = parseTransferSessionState(' running\n');

    expect(state.kind).toBe('known');
    expect(state.phase).toBe('RUNNING');
  });

  test('prototype key is unknown', () => {
    expect(parseTransferSessionState('constructor').kind).toBe('unknown');
  });
});

describe('isTerminal', () => {
  test.each([
    ['COMPLETED', true],
    ['ABORTED', true],
    ['FAILED', true],
    ['PENDING', false],
    ['RUNNING', false],
    ['PAUSING', false],
    ['PAUSED', false],
    ['ABORTING', false],
    ['RESTORE_INPROGRESS', false],
    ['SOMETHING_NEW', false],
  ])('%s is terminal: %s', (name, terminal) => {
    expect(isTerminal(name)).toBe(terminal);
    expect(isTerminal(parseTransferSessionState(name))).toBe(terminal);
  });
});

describe('transferSessionPhase', () => {
  test('raw name accepted', () => {
    expect(transferSessionPhase('TRANSFER_INPROGRESS')).toBe('RUNNING');
  });
});
