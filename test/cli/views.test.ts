import { describeCounts, renderList, renderReport, renderStatus } from '../../src/cli/views';
import type { MigrationStatusResult } from '../../src/client';
import type { MigrationCounts, MigrationReport, MigrationStatus } from '../../src/messages';

const counts: MigrationCounts = { total: 4, queued: 1, inProgress: 1, succeeded: 1, failed: 1, skipped: 0, notRun: 0 };

function liveStatus(changes: Partial<MigrationStatus> = {}): MigrationStatus {
  return {
    migration: 'whm-migrate/dest.example.com/wave-1',
    phase: 'transferring',
    source: 'root@source.example.com:22',
    destination: 'https://dest.example.com:2087',
    whm: { sessionId: 'sourcexa20260101000000abcd', state: 'RUNNING', stateCheckedAt: '2026-01-01T10:00:05Z' },
    paused: false,
    holds: [],
    holdHistory: [],
    pauses: [],
    items: [
      { kind: 'account', name: 'alice', module: 'AccountRemoteRoot', sizeBytes: 1536, status: 'succeeded', warnings: 2,
        startedAt: '2026-01-01T10:00:00Z', finishedAt: '2026-01-01T10:02:05Z' },
      { kind: 'account', name: 'bob', localName: 'bob2', module: 'AccountRemoteRoot', sizeBytes: 2048, status: 'failed', warnings: 0,
        reason: 'restore failed: disk quota exceeded' },
    ],
    counts,
    bytes: { total: 4096, done: 2048 },
    rejectedRequests: [],
    conflicts: [],
    startedAt: '2026-01-01T09:59:00Z',
    updatedAt: '2026-01-01T10:00:06Z',
    ...changes,
  };
}

function report(changes: Partial<MigrationReport> = {}): MigrationReport {
  const status = liveStatus();
  return {
    migration: status.migration,
    outcome: 'completed-with-failures',
    source: status.source,
    destination: status.destination,
    sessionId: status.whm.sessionId,
    finalState: 'COMPLETED',
    items: status.items,
    counts: { ...counts, queued: 0, inProgress: 0, succeeded: 3 },
    bytes: { total: 4096, done: 4096 },
    pauses: [{ requestedAt: '2026-01-01T10:00:00Z', sources: ['operator', 'health-check'], reasons: ['disk full'],
      pausedAt: '2026-01-01T10:00:30Z', resumedAt: '2026-01-01T10:05:30Z' }],
    conflicts: [],
    sessionCreationAttempts: 1,
    startedAt: '2026-01-01T09:59:00Z',
    transferStartedAt: '2026-01-01T09:59:30Z',
    finishedAt: '2026-01-01T11:01:00Z',
    ...changes,
  };
}

function running(status: MigrationStatus): MigrationStatusResult {
  return { workflowId: status.migration, runId: 'run-1', executionStatus: 'RUNNING', startTime: new Date('2026-01-01T09:59:00Z'), status };
}

function lineWith(lines: string[], label: string): string {
  return lines.find((line) => line.startsWith(label)) ?? `(no line starting with ${label})`;
}

describe('renderStatus', () => {
  test('shows phase and WHM session', () => {
    const lines = renderStatus(running(liveStatus()));

    expect(lineWith(lines, 'Phase')).toMatch(/transferring$/);
    expect(lineWith(lines, 'WHM')).toBe('WHM         session sourcexa20260101000000abcd, state RUNNING (checked 2026-01-01 10:00:05 UTC)');
  });

  test('progress of items and bytes', () => {
    const lines = renderStatus(running(liveStatus()));

    expect(lineWith(lines, 'Items')).toContain(' 50%  2 of 4 finished: 1 succeeded, 1 failed; 1 in progress, 1 queued');
    expect(lineWith(lines, 'Bytes')).toContain(' 50%  2 KiB of 4 KiB');
  });

  test('item lines with size, time and reason', () => {
    const lines = renderStatus(running(liveStatus()));

    expect(lines.find((line) => line.startsWith('account  alice'))).toMatch(/succeeded\s+1\.5 KiB\s+2\s+2m 05s$/);
    expect(lines.find((line) => line.startsWith('account  bob -> bob2'))).toMatch(/failed\s+2 KiB\s+restore failed: disk quota exceeded$/);
  });

  test('not paused', () => {
    expect(lineWith(renderStatus(running(liveStatus())), 'Paused')).toBe('Paused      no');
  });

  test('each hold with since, source and reason', () => {
    const status = liveStatus({
      phase: 'paused',
      paused: true,
      holds: [
        { source: 'operator', reason: 'maintenance', since: '2026-01-01T10:01:00Z' },
        { source: 'health-check', reason: 'load above 20', since: '2026-01-01T10:02:00Z' },
      ],
    });
    const lines = renderStatus(running(status));
    const index = lines.indexOf('Paused      yes, 2 holds:');

    expect(index).toBeGreaterThan(-1);
    expect(lines[index + 1]).toBe('              operator      since 2026-01-01 10:01:00 UTC  maintenance');
    expect(lines[index + 2]).toBe('              health-check  since 2026-01-01 10:02:00 UTC  load above 20');
  });

  test('hold before WHM paused', () => {
    const status = liveStatus({ phase: 'pausing', holds: [{ source: 'operator', reason: 'r', since: '2026-01-01T10:01:00Z' }] });
    expect(lineWith(renderStatus(running(status)), 'Paused')).toBe('Paused      not yet (phase pausing), 1 hold:');
  });

  test('no session yet', () => {
    const status = liveStatus({ phase: 'creating-session', whm: {} });
    expect(lineWith(renderStatus(running(status)), 'WHM')).toBe('WHM         no transfer session yet');
  });

  test('abort request and last error', () => {
    const status = liveStatus({
      phase: 'aborting',
      abortRequested: { at: '2026-01-01T10:03:00Z', source: 'operator', reason: 'wrong server' },
      lastError: 'WHM timed out',
    });
    const lines = renderStatus(running(status));

    expect(lineWith(lines, 'Abort')).toBe('Abort       requested 2026-01-01 10:03:00 UTC by operator: wrong server');
    expect(lineWith(lines, 'Last error')).toBe('Last error  WHM timed out');
  });

  test('completed run shows the report', () => {
    const result: MigrationStatusResult = {
      workflowId: 'w', runId: 'r', executionStatus: 'COMPLETED', startTime: new Date(), report: report(),
    };
    const lines = renderStatus(result);

    expect(lines[0]).toBe('Migration   w (COMPLETED, run r)');
    expect(lineWith(lines, 'Outcome')).toBe('Outcome     completed with failures');
  });

  test('failed run shows the failure', () => {
    const result: MigrationStatusResult = {
      workflowId: 'w', runId: 'r', executionStatus: 'TERMINATED', startTime: new Date('2026-01-01T00:00:00Z'),
      closeTime: new Date('2026-01-01T01:00:00Z'), failure: 'terminated by operator',
    };
    const lines = renderStatus(result);

    expect(lineWith(lines, 'Ended')).toBe('Ended       2026-01-01 01:00:00 UTC');
    expect(lineWith(lines, 'Failure')).toBe('Failure     terminated by operator');
  });
});

describe('renderReport', () => {
  test('outcome, timings and bytes', () => {
    const lines = renderReport(report());

    expect(lineWith(lines, 'Migration')).toBe('Migration   whm-migrate/dest.example.com/wave-1');
    expect(lineWith(lines, 'WHM')).toBe('WHM         session sourcexa20260101000000abcd, final state COMPLETED');
    expect(lineWith(lines, 'Finished')).toBe('Finished    2026-01-01 11:01:00 UTC (took 1h 02m)');
    expect(lineWith(lines, 'Bytes')).toBe('Bytes       4 KiB of 4 KiB');
  });

  test('pauses with duration, sources and reasons', () => {
    const lines = renderReport(report());
    const index = lines.indexOf('Pauses      1, paused 5m 00s in total');

    expect(index).toBeGreaterThan(-1);
    expect(lines[index + 1]).toMatch(/^ {2}REQUESTED\s+PAUSED\s+RESUMED\s+PAUSED FOR\s+SOURCES\s+REASONS$/);
    expect(lines[index + 3]).toMatch(/5m 00s\s+operator, health-check\s+disk full$/);
  });

  test('pause that never took effect', () => {
    const lines = renderReport(report({ pauses: [{ requestedAt: '2026-01-01T10:00:00Z', sources: ['operator'], reasons: ['x'] }] }));
    expect(lines.some((line) => line.includes('never took effect'))).toBe(true);
  });

  test('no pauses', () => {
    expect(lineWith(renderReport(report({ pauses: [] })), 'Pauses')).toBe('Pauses      none');
  });

  test('failed items keep their reason', () => {
    const lines = renderReport(report());
    expect(lines.some((line) => line.includes('restore failed: disk quota exceeded'))).toBe(true);
  });

  test('conflicts are listed', () => {
    const lines = renderReport(report({ outcome: 'stopped-on-conflicts', conflicts: [{ item: 'alice', problem: 'account exists' }] }));

    expect(lineWith(lines, 'Outcome')).toMatch(/stopped before the transfer/);
    expect(lineWith(lines, 'Conflict')).toBe('Conflict    alice: account exists');
  });

  test('session created on a retry is noted', () => {
    expect(lineWith(renderReport(report({ sessionCreationAttempts: 2 })), 'Note')).toMatch(/attempt 2.*PENDING session/);
  });

  test('empty item columns are left out', () => {
    const items = report().items.map((item) => ({ ...item, warnings: 0, reason: undefined, startedAt: undefined }));
    const header = renderReport(report({ items })).find((line) => line.startsWith('KIND'));

    expect(header).toMatch(/^KIND\s+NAME\s+STATUS\s+SIZE$/);
  });

  test('no session', () => {
    expect(lineWith(renderReport(report({ sessionId: undefined, finalState: undefined })), 'WHM')).toBe('WHM         no transfer session was created');
  });
});

describe('describeCounts', () => {
  test('skipped and not run appear when present', () => {
    const text = describeCounts({ total: 5, queued: 0, inProgress: 0, succeeded: 2, failed: 0, skipped: 1, notRun: 2 });
    expect(text).toBe('5 of 5 finished: 2 succeeded, 0 failed, 1 skipped, 2 not run');
  });
});

describe('renderList', () => {
  const entry = { workflowId: 'whm-migrate/dest/wave-1', runId: 'r', executionStatus: 'RUNNING' as const, startTime: new Date('2026-01-01T00:00:00Z') };

  test('table of id, status and start', () => {
    expect(renderList([entry], { running: true })).toEqual([
      'ID                       STATUS   STARTED                  CLOSED',
      '--                       ------   -------                  ------',
      'whm-migrate/dest/wave-1  RUNNING  2026-01-01 00:00:00 UTC',
    ]);
  });

  test('phase column when read', () => {
    expect(renderList([{ ...entry, phase: 'paused' }], { running: true })[0]).toMatch(/STATUS\s+PHASE\s+STARTED/);
  });

  test('nothing running suggests --all', () => {
    expect(renderList([], { running: true })).toEqual(['No migration is running. Run `whm-migrate list --all` to include finished ones.']);
  });
});
