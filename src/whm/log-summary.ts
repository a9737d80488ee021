/**
 * Per-item outcomes from a session's `master.log`.
 *
 * A session that ends COMPLETED can still have failed items: WHM only reports per-item outcomes in
 * the master log. Each item passes through the TRANSFER queue and then the RESTORE queue, and each
 * step ends with `success-item`, `warning-item` (done, with warnings) or `failed-item`. A failure
 * in either queue fails the item.
 */
import type { TransferLogEvent } from './log-events';

/** Outcome of one item. `incomplete`: started or queued but not finished when the log was read. */
export type TransferItemStatus = 'succeeded' | 'failed' | 'incomplete';

/** Outcome of one queued item, as far as the log shows it. */
export interface TransferItemOutcome {
  /** Transfer module, e.g. `AccountRemoteRoot`; empty when the log does not name it. */
  itemType: string;
  /** Item name on the source (account, package, feature list or config name). */
  item: string;
  /** Item name on this server, as the log gives it. */
  localItem: string | undefined;
  status: TransferItemStatus;
  /** Warnings reported when the item's queue steps ended, summed over both queues. */
  warnings: number;
  /** Failure text of the first `failed-item` line. */
  failureReason: string | undefined;
  /** Item size in bytes, as logged. */
  sizeBytes: number | undefined;
  /** Unix time in seconds of the first `start-item` line. */
  startedAt: number | undefined;
  /** Unix time in seconds of the line that decided the outcome. */
  endedAt: number | undefined;
  /** Last queue the item was seen in: `TRANSFER` or `RESTORE`. */
  lastQueue: string | undefined;
  /** Item log files named in the master log, in order. */
  logfiles: string[];
}

/**
 * Summarises master-log events into one outcome per item, in order of first appearance.
 *
 * An item succeeds with a `success-item` or `warning-item` line in the RESTORE queue (or without a
 * queue), or with such a line in any queue when the session logged `complete`, since then no queue
 * has work left.
 * A `failed-item` line in any queue fails it for good. Items that never appear in the log (queued,
 * then aborted before a worker took them) are absent: compare with the list of enqueued items.
 */
export function summarizeTransferItems(events: readonly TransferLogEvent[]): TransferItemOutcome[] {
  const outcomes = new Map<string, TransferItemOutcome & { lastSuccessAt: number | undefined; succeededInSomeQueue: boolean }>();
  let sessionCompleted = false;

  for (const event of events) {
    if (event.kind !== 'control') {
      continue;
    }
    if (event.action === 'complete') {
      sessionCompleted = true;
      continue;
    }
    if (event.item === undefined) {
      continue;
    }

    const key = `${event.itemType ?? ''}\u0000${event.item}`;
    let outcome = outcomes.get(key);
    if (outcome === undefined) {
      outcome = {
        itemType: event.itemType ?? '',
        item: event.item,
        localItem: undefined,
        status: 'incomplete',
        warnings: 0,
        failureReason: undefined,
        sizeBytes: undefined,
        startedAt: undefined,
        endedAt: undefined,
        lastQueue: undefined,
        logfiles: [],
        lastSuccessAt: undefined,
        succeededInSomeQueue: false,
      };
      outcomes.set(key, outcome);
    }

    outcome.localItem = event.localItem ?? outcome.localItem;
    outcome.lastQueue = event.queue ?? outcome.lastQueue;
    if (event.logfile !== undefined && !outcome.logfiles.includes(event.logfile)) {
      outcome.logfiles.push(event.logfile);
    }

    switch (event.action) {
      case 'start-item':
        outcome.startedAt ??= event.time;
        outcome.sizeBytes = event.size ?? outcome.sizeBytes;
        break;
      case 'success-item':
      case 'warning-item':
        outcome.warnings += event.warnings ?? 0;
        outcome.sizeBytes = event.size ?? outcome.sizeBytes;
        outcome.succeededInSomeQueue = true;
        outcome.lastSuccessAt = event.time;
        if (outcome.status !== 'failed' && (event.queue === undefined || event.queue === 'RESTORE')) {
          outcome.status = 'succeeded';
          outcome.endedAt = event.time;
        }
        break;
      case 'failed-item':
        outcome.warnings += event.warnings ?? 0;
        outcome.sizeBytes = event.size ?? outcome.sizeBytes;
        if (outcome.status !== 'failed') {
          outcome.status = 'failed';
          outcome.failureReason = event.failure;
          outcome.endedAt = event.time;
        }
        break;
      default:
        break;
    }
  }

  return [...outcomes.values()].map(({ succeededInSomeQueue, lastSuccessAt, ...outcome }) => {
    if (sessionCompleted && outcome.status === 'incomplete' && succeededInSomeQueue) {
      return { ...outcome, status: 'succeeded', endedAt: lastSuccessAt };
    }
    return outcome;
  });
}
