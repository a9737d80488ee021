/**
 * Readable views of a migration's status, report and list, as lines of text. Pure: the CLI decides
 * where the lines go.
 */
import type { MigrationListEntry, MigrationStatusResult } from '../client';
import type { ItemProgress, MigrationCounts, MigrationReport, MigrationStatus, PauseRecord } from '../messages';
import { durationBetween, formatBytes, formatDuration, formatTable, formatTime, plural, progressBar, type ColumnAlign } from './format';

const LABEL_WIDTH = 12;

function field(label: string, value: string): string {
  return `${label.padEnd(LABEL_WIDTH)}${value}`;
}

/** Items that will not change any more: succeeded, failed, skipped or not run. */
export function finishedItems(counts: MigrationCounts): number {
  return counts.succeeded + counts.failed + counts.skipped + counts.notRun;
}

/** Renders `whm-migrate status`: the live status of a running migration, or how a closed one ended. */
export function renderStatus(result: MigrationStatusResult): string[] {
  const lines = [field('Migration', `${result.workflowId} (${result.executionStatus}, run ${result.runId})`)];
  if (result.status) return [...lines, ...renderLiveStatus(result.status)];
  if (result.report) return [...lines, ...renderReportBody(result.report)];

  lines.push(field('Started', formatTime(result.startTime)));
  if (result.closeTime) lines.push(field('Ended', formatTime(result.closeTime)));
  lines.push(field('Failure', result.failure ?? 'the workflow closed without a report'));
  return lines;
}

function renderLiveStatus(status: MigrationStatus): string[] {
  const lines = [
    field('Phase', status.phase),
    field('Servers', `${status.source} -> ${status.destination}`),
    field('WHM', describeWhmSession(status)),
    ...renderHolds(status),
  ];
  if (status.abortRequested) {
    const abort = status.abortRequested;
    lines.push(field('Abort', `requested ${formatTime(abort.at)} by ${abort.source}: ${abort.reason}`));
  }

  const { counts, bytes } = status;
  lines.push(field('Items', `${progressBar(finishedItems(counts), counts.total)}  ${describeCounts(counts)}`));
  lines.push(field('Bytes', `${progressBar(bytes.done, bytes.total)}  ${formatBytes(bytes.done)} of ${formatBytes(bytes.total)}`));
  lines.push(field('Started', formatTime(status.startedAt)));
  lines.push(field('Updated', formatTime(status.updatedAt)));
  if (status.lastError) lines.push(field('Last error', status.lastError));
  for (const rejected of status.rejectedRequests.slice(-3)) {
    lines.push(field('Rejected', `${rejected.signal} at ${formatTime(rejected.at)}: ${rejected.error}`));
  }
  for (const conflict of status.conflicts) lines.push(field('Conflict', `${conflict.item}: ${conflict.problem}`));

  if (status.items.length > 0) lines.push('', ...renderItems(status.items));
  return lines;
}

function describeWhmSession(status: MigrationStatus): string {
  if (status.whm.sessionId === undefined) return 'no transfer session yet';
  const state = status.whm.state === undefined ? 'state not read yet' : `state ${status.whm.state}`;
  const checked = status.whm.stateCheckedAt === undefined ? '' : ` (checked ${formatTime(status.whm.stateCheckedAt)})`;
  return `session ${status.whm.sessionId}, ${state}${checked}`;
}

function renderHolds(status: MigrationStatus): string[] {
  if (status.holds.length === 0) return [field('Paused', status.paused ? 'yes' : 'no')];

  const summary = status.paused ? 'yes,' : `not yet (phase ${status.phase}),`;
  const rows = status.holds.map((hold) => [hold.source, `since ${formatTime(hold.since)}`, hold.reason]);
  return [field('Paused', `${summary} ${plural(status.holds.length, 'hold')}:`), ...formatTable(rows, { indent: ' '.repeat(LABEL_WIDTH + 2) })];
}

/** Describes counts as `4 of 10 finished: 3 succeeded, 1 failed; 2 in progress, 4 queued`. */
export function describeCounts(counts: MigrationCounts): string {
  const finished = [`${counts.succeeded} succeeded`, `${counts.failed} failed`];
  if (counts.skipped > 0) finished.push(`${counts.skipped} skipped`);
  if (counts.notRun > 0) finished.push(`${counts.notRun} not run`);
  const open = [];
  if (counts.inProgress > 0) open.push(`${counts.inProgress} in progress`);
  if (counts.queued > 0) open.push(`${counts.queued} queued`);
  const openText = open.length > 0 ? `; ${open.join(', ')}` : '';
  return `${finishedItems(counts)} of ${counts.total} finished: ${finished.join(', ')}${openText}`;
}

const ITEM_HEADERS = ['KIND', 'NAME', 'STATUS', 'SIZE', 'WARNINGS', 'TIME', 'REASON'];
const ITEM_ALIGN: ColumnAlign[] = ['left', 'left', 'left', 'right', 'right', 'right', 'left'];
/** Columns shown even when empty; the others are left out when no item has a value. */
const ITEM_FIXED_COLUMNS = 4;

function renderItems(items: ItemProgress[]): string[] {
  const rows = items.map((item) => {
    const name = item.localName && item.localName !== item.name ? `${item.name} -> ${item.localName}` : item.name;
    const took = durationBetween(item.startedAt, item.finishedAt);
    return [
      item.kind,
      name,
      item.status,
      formatBytes(item.sizeBytes),
      item.warnings > 0 ? String(item.warnings) : '',
      took === undefined ? '' : formatDuration(took),
      item.reason ?? '',
    ];
  });

  const shown = ITEM_HEADERS.map((_, column) => column < ITEM_FIXED_COLUMNS || rows.some((row) => row[column] !== ''));
  const keep = <T>(values: T[]): T[] => values.filter((_, column) => shown[column]);
  return formatTable(rows.map(keep), { headers: keep(ITEM_HEADERS), align: keep(ITEM_ALIGN) });
}

const OUTCOME_TEXT: Record<MigrationReport['outcome'], string> = {
  succeeded: 'succeeded',
  'completed-with-failures': 'completed with failures',
  aborted: 'aborted',
  failed: 'failed',
  'stopped-on-conflicts': 'stopped before the transfer: accounts conflict with the destination',
};

/** Renders `whm-migrate report`: outcome, items, bytes, timings and pauses of a finished migration. */
export function renderReport(report: MigrationReport): string[] {
  return [field('Migration', report.migration), ...renderReportBody(report)];
}

function renderReportBody(report: MigrationReport): string[] {
  const session = report.sessionId === undefined ? 'no transfer session was created' : `session ${report.sessionId}`;
  const finalState = report.finalState === undefined ? '' : `, final state ${report.finalState}`;
  const took = durationBetween(report.startedAt, report.finishedAt);
  const lines = [
    field('Outcome', OUTCOME_TEXT[report.outcome]),
    field('Servers', `${report.source} -> ${report.destination}`),
    field('WHM', `${session}${finalState}`),
    field('Started', formatTime(report.startedAt)),
  ];
  if (report.transferStartedAt) lines.push(field('Transfer', `started ${formatTime(report.transferStartedAt)}`));
  lines.push(field('Finished', `${formatTime(report.finishedAt)}${took === undefined ? '' : ` (took ${formatDuration(took)})`}`));
  lines.push(field('Items', describeCounts(report.counts)));
  lines.push(field('Bytes', `${formatBytes(report.bytes.done)} of ${formatBytes(report.bytes.total)}`));
  if (report.sessionCreationAttempts > 1) {
    lines.push(field('Note', `the session was created on attempt ${report.sessionCreationAttempts}; an earlier attempt may have ` +
      'left an unused PENDING session on WHM, which WHM deletes after 4 hours'));
  }
  lines.push(...renderPauses(report.pauses));
  for (const conflict of report.conflicts) lines.push(field('Conflict', `${conflict.item}: ${conflict.problem}`));

  if (report.items.length > 0) lines.push('', ...renderItems(report.items));
  return lines;
}

function renderPauses(pauses: PauseRecord[]): string[] {
  if (pauses.length === 0) return [field('Pauses', 'none')];

  const pausedMs = pauses.reduce((total, pause) => total + (durationBetween(pause.pausedAt, pause.resumedAt) ?? 0), 0);
  const rows = pauses.map((pause) => {
    const held = durationBetween(pause.pausedAt, pause.resumedAt);
    return [
      formatTime(pause.requestedAt),
      pause.pausedAt === undefined ? 'never took effect' : formatTime(pause.pausedAt),
      pause.resumedAt === undefined ? '-' : formatTime(pause.resumedAt),
      held === undefined ? '-' : formatDuration(held),
      pause.sources.join(', '),
      pause.reasons.join('; '),
    ];
  });
  return [
    field('Pauses', `${pauses.length}, paused ${formatDuration(pausedMs)} in total`),
    ...formatTable(rows, { headers: ['REQUESTED', 'PAUSED', 'RESUMED', 'PAUSED FOR', 'SOURCES', 'REASONS'], indent: '  ' }),
  ];
}

/** Renders `whm-migrate list`. */
export function renderList(entries: MigrationListEntry[], options: { running: boolean }): string[] {
  if (entries.length === 0) {
    return [options.running ? 'No migration is running. Run `whm-migrate list --all` to include finished ones.' : 'No migrations found.'];
  }
  const showPhase = entries.some((entry) => entry.phase !== undefined);
  const rows = entries.map((entry) => [
    entry.workflowId,
    entry.executionStatus,
    ...(showPhase ? [entry.phase ?? '-'] : []),
    formatTime(entry.startTime),
    entry.closeTime === undefined ? '' : formatTime(entry.closeTime),
  ]);
  const headers = ['ID', 'STATUS', ...(showPhase ? ['PHASE'] : []), 'STARTED', 'CLOSED'];
  return formatTable(rows, { headers });
}
