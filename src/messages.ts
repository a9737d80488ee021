/**
 * Signals, queries and their payload schemas, shared by the migration workflow and every client
 * (CLI, library, HTTP API). This module is bundled into workflow code, so it imports nothing that
 * needs Node.js or I/O.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import type { HoldEvent, Hold } from './workflows/holds';

/** Workflow type name that clients in any language start. */
export const MIGRATION_WORKFLOW_TYPE = 'migrationWorkflow';

/** Task queue the worker polls unless configured otherwise. */
export const DEFAULT_TASK_QUEUE = 'whm-migrate';

/** Hold source used when a pause or resume names none: a person at the Web UI or the CLI. */
export const OPERATOR_SOURCE = 'operator';

const sourceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,63}$/, 'must be 1-64 letters, digits or . _ : @ / - (for example "health-check")');
const reasonSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters')
  // Reasons are shown in one-line table cells and the Web UI's Markdown details.
  .refine((text) => ![...text].some((character) => character.charCodeAt(0) < 0x20 || character.charCodeAt(0) === 0x7f), {
    error: 'must be one line, without tabs, line breaks or other control characters',
  });

/**
 * Payload of `pause` and `abort`. The Temporal Web UI sends one JSON value, so every field is
 * optional and an empty input is valid.
 */
export const pauseRequestSchema = z.strictObject({
  reason: reasonSchema.optional(),
  source: sourceSchema.optional(),
});

/** Payload of `resume`; `all: true` clears every source's hold, not only the sender's. */
export const resumeRequestSchema = z.strictObject({
  reason: reasonSchema.optional(),
  source: sourceSchema.optional(),
  all: z.boolean().optional(),
});

export type PauseRequest = z.infer<typeof pauseRequestSchema>;
export type ResumeRequest = z.infer<typeof resumeRequestSchema>;
export type AbortRequest = PauseRequest;

/** Result of reading an untrusted signal payload: the request, or why it was rejected. */
export type ParsedRequest<T> = { ok: true; request: T } | { ok: false; error: string };

/**
 * Validates a signal payload. `undefined` and `null` (no input in the Web UI) count as `{}`.
 * Never throws, because a signal handler that throws would fail the workflow task.
 */
export function parseRequest<T>(schema: z.ZodType<T>, input: unknown): ParsedRequest<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, request: result.data };
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : 'payload';
    return `${path}: ${issue.message}`;
  });
  return { ok: false, error: `${problems.join('; ')} (received ${describeValue(input)})` };
}

function describeValue(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

// Signal arguments are typed `unknown` on purpose: the Web UI, the CLI and other services can send
// anything, and the workflow validates it with the schemas above.
export const pauseSignal = defineSignal<[unknown?]>('pause');
export const resumeSignal = defineSignal<[unknown?]>('resume');
export const abortSignal = defineSignal<[unknown?]>('abort');
export const statusQuery = defineQuery<MigrationStatus>('status');

/** State of a migration after a control update, once WHM confirmed the change. */
export interface ControlResult {
  phase: MigrationPhase;
  /** WHM's session state when the update returned. */
  whmState?: string;
  paused: boolean;
  holds: Hold[];
}

// The same operations as updates, for callers that want an answer: a validator rejects an invalid
// payload before anything is written to history, and the result comes once WHM confirmed the change.
export const pauseUpdate = defineUpdate<ControlResult, [unknown]>('pauseMigration');
export const resumeUpdate = defineUpdate<ControlResult, [unknown]>('resumeMigration');
export const abortUpdate = defineUpdate<ControlResult, [unknown]>('abortMigration');

export const SIGNAL_DESCRIPTIONS = {
  pause:
    'Hold the migration: WHM finishes the accounts in flight, then pauses the transfer session. ' +
    'Input (optional): {"reason": "...", "source": "health-check"}. The source defaults to "operator".',
  resume:
    'Release the sender\'s hold; the transfer resumes when no hold is left. ' +
    'Input (optional): {"source": "...", "reason": "..."}; {"all": true} releases every hold.',
  abort: 'Abort the WHM transfer session and end the migration. Input (optional): {"reason": "..."}.',
  status: 'Phase, WHM session and state, holds, per-item progress, counts and bytes.',
  pauseMigration:
    'Like the pause signal, but rejects invalid input and returns once WHM reports PAUSED (the accounts in flight finish first), ' +
    'or the migration ended, or it had not started yet. Input (optional): {"reason": "...", "source": "..."}.',
  resumeMigration:
    'Like the resume signal, but rejects invalid input and returns once the transfer runs again, or at once when other holds remain. ' +
    'Input (optional): {"source": "...", "reason": "...", "all": true}.',
  abortMigration: 'Like the abort signal, but rejects invalid input and returns once WHM reports the session ended. Input (optional): {"reason": "..."}.',
} as const;

/** Phase of a migration. */
export type MigrationPhase =
  | 'creating-session'
  | 'analyzing'
  | 'enqueuing'
  | 'waiting-to-start'
  | 'transferring'
  | 'pausing'
  | 'paused'
  | 'resuming'
  | 'aborting'
  | 'reporting'
  | 'completed'
  | 'aborted'
  | 'failed'
  | 'stopped-on-conflicts';

export type ItemKind = 'package' | 'featurelist' | 'account';

/** Item status as the master log shows it. */
export type ItemStatus = 'queued' | 'transferring' | 'restoring' | 'succeeded' | 'failed' | 'skipped' | 'not-run';

export interface ItemProgress {
  kind: ItemKind;
  /** Name on the source: account user, package or feature list name. */
  name: string;
  /** Account name on the destination. */
  localName?: string;
  module: string;
  sizeBytes: number;
  status: ItemStatus;
  warnings: number;
  /** The server's reason for a failed item, or why it was skipped. */
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** One pause from the first hold until the transfer ran again (or ended). */
export interface PauseRecord {
  requestedAt: string;
  sources: string[];
  reasons: string[];
  /** When WHM reported PAUSED; absent when the pause never took effect (no item was left). */
  pausedAt?: string;
  resumedAt?: string;
}

/** A signal whose payload was rejected, with the reason. */
export interface RejectedRequest {
  at: string;
  signal: string;
  error: string;
}

export interface MigrationCounts {
  total: number;
  queued: number;
  inProgress: number;
  succeeded: number;
  failed: number;
  skipped: number;
  notRun: number;
}

export interface MigrationStatus {
  migration: string;
  phase: MigrationPhase;
  source: string;
  destination: string;
  whm: {
    sessionId?: string;
    /** Last state name WHM returned, as WHM spells it. */
    state?: string;
    stateCheckedAt?: string;
  };
  paused: boolean;
  holds: Hold[];
  holdHistory: HoldEvent[];
  pauses: PauseRecord[];
  items: ItemProgress[];
  counts: MigrationCounts;
  bytes: { total: number; done: number };
  rejectedRequests: RejectedRequest[];
  /** Accounts that stopped the migration before it started (phase stopped-on-conflicts). */
  conflicts: Conflict[];
  abortRequested?: { at: string; source: string; reason: string };
  lastError?: string;
  startedAt: string;
  updatedAt: string;
}

export interface Conflict {
  item: string;
  problem: string;
}

/** Result of a migration when it ends. */
export interface MigrationReport {
  migration: string;
  outcome: 'succeeded' | 'completed-with-failures' | 'aborted' | 'failed' | 'stopped-on-conflicts';
  source: string;
  destination: string;
  sessionId?: string;
  finalState?: string;
  items: ItemProgress[];
  counts: MigrationCounts;
  bytes: { total: number; done: number };
  pauses: PauseRecord[];
  conflicts: Conflict[];
  /** Abort request of an aborted migration: its source, time and reason. */
  abortRequested?: { at: string; source: string; reason: string };
  /**
   * Attempt that created the WHM session. Above 1, an earlier attempt may have created a session whose
   * response was lost; WHM deletes such unused PENDING sessions after 4 hours.
   */
  sessionCreationAttempts: number;
  startedAt: string;
  transferStartedAt?: string;
  finishedAt: string;
}

/** Input of the migration workflow. `carried` is set only by continue-as-new. */
export interface MigrationWorkflowInput {
  plan: import('./plan').MigrationPlan;
  carried?: import('./workflows/migration-state').CarriedState;
  /** Test hook: continue as new once history passes this many events. */
  continueAsNewAfterEvents?: number;
}
