/**
 * Types and the send loop of bulk pause and resume: one signal per migration that a visibility query
 * found, a few at a time, each failure kept with its workflow id.
 */
import type { PauseRequest, ResumeRequest } from '../messages';
import type { BulkSelector } from './visibility';

/** Options of {@link MigrationClient.pauseMatching}: which migrations, and the pause request sent to each. */
export interface PauseMatchingOptions extends BulkSelector, PauseRequest {}

/** Options of {@link MigrationClient.resumeMatching}: which migrations, and the resume request sent to each. */
export interface ResumeMatchingOptions extends BulkSelector, Omit<ResumeRequest, 'all'> {
  /** Release the holds of every source, not only `source`'s (the resume request's `all`). @default false */
  releaseAll?: boolean;
}

/** A migration that a bulk operation matched but could not signal. */
export interface BulkSignalFailure {
  workflowId: string;
  /** Error message, naming what failed and what to do next. */
  error: string;
}

/** Outcome of a bulk pause or resume. */
export interface BulkSignalResult {
  /** The visibility query that selected the migrations. */
  query: string;
  /** Number of running migrations the query returned. */
  matched: number;
  /** Number of migrations that received the signal. */
  signalled: number;
  /** Workflow ids of the migrations that received the signal, in the order visibility returned them. */
  workflowIds: string[];
  failed: BulkSignalFailure[];
}

/**
 * Maximum migrations one bulk operation signals. More running at once suggests a filter wider than
 * intended, so the operation stops before it signals any.
 */
export const MAX_BULK_MIGRATIONS = 1000;

/** Signals in flight at the same time, so a large bulk operation does not flood the Temporal frontend. */
export const BULK_SIGNAL_CONCURRENCY = 8;

/**
 * Calls `send` for every workflow id, at most `concurrency` at a time, and sorts the ids into those
 * signalled and those that failed. Never throws for a failed send.
 */
export async function signalEach(
  workflowIds: readonly string[],
  send: (workflowId: string) => Promise<void>,
  concurrency = BULK_SIGNAL_CONCURRENCY,
): Promise<{ workflowIds: string[]; failed: BulkSignalFailure[] }> {
  const outcomes = new Array<{ ok: true } | { ok: false; error: string }>(workflowIds.length);
  let next = 0;

  const runLane = async (): Promise<void> => {
    while (next < workflowIds.length) {
      const index = next;
      next += 1;
      try {
        await send(workflowIds[index]!);
        outcomes[index] = { ok: true };
      } catch (error) {
        outcomes[index] = { ok: false, error: error instanceof Error ? error.message : String(error) };
      }
    }
  };
  const lanes = Math.max(1, Math.min(concurrency, workflowIds.length));
  await Promise.all(Array.from({ length: lanes }, runLane));

  const signalled: string[] = [];
  const failed: BulkSignalFailure[] = [];
  workflowIds.forEach((workflowId, index) => {
    const outcome = outcomes[index]!;
    if (outcome.ok) signalled.push(workflowId);
    else failed.push({ workflowId, error: outcome.error });
  });
  return { workflowIds: signalled, failed };
}
