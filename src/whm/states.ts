/**
 * Transfer session states as `get_transfer_session_state` reports them.
 *
 * WHM 11.120 returns the name of the session's stored state: PENDING, RUNNING, PAUSING, PAUSED,
 * ABORTING, ABORTED, COMPLETED, FAILED (REACHEDMAXMEM exists in the same table but is only used as
 * a worker exit code). cPanel's documentation lists a different set that includes the per-item
 * queue states TRANSFER_PENDING, TRANSFER_INPROGRESS, RESTORE_PENDING and RESTORE_INPROGRESS, and
 * omits PAUSING and ABORTING. The client understands the union and returns any other name as
 * `unknown` instead of failing, so a poller keeps polling.
 */

/** State names WHM is known to report, from its source code and from its documentation. */
export const TRANSFER_SESSION_STATE_NAMES = [
  'PENDING',
  'REACHEDMAXMEM',
  'RUNNING',
  'PAUSING',
  'ABORTING',
  'PAUSED',
  'COMPLETED',
  'ABORTED',
  'FAILED',
  'TRANSFER_PENDING',
  'TRANSFER_INPROGRESS',
  'RESTORE_PENDING',
  'RESTORE_INPROGRESS',
] as const;

/** A state name WHM is known to report. */
export type TransferSessionStateName = (typeof TRANSFER_SESSION_STATE_NAMES)[number];

/**
 * Meaning of a state for a caller, with the documentation-only names folded into the real ones.
 * `UNKNOWN` is a name this client has never seen, and a poller should keep polling.
 */
export type TransferSessionPhase =
  | 'PENDING'
  | 'RUNNING'
  | 'PAUSING'
  | 'PAUSED'
  | 'ABORTING'
  | 'ABORTED'
  | 'COMPLETED'
  | 'FAILED'
  | 'UNKNOWN';

/** A state reported by WHM: a known name with its phase, or an unknown name kept as sent. */
export type TransferSessionState =
  | { kind: 'known'; name: TransferSessionStateName; phase: Exclude<TransferSessionPhase, 'UNKNOWN'>; raw: string }
  | { kind: 'unknown'; phase: 'UNKNOWN'; raw: string };

const PHASE_BY_NAME: Readonly<Record<TransferSessionStateName, Exclude<TransferSessionPhase, 'UNKNOWN'>>> = {
  PENDING: 'PENDING',
  RUNNING: 'RUNNING',
  PAUSING: 'PAUSING',
  PAUSED: 'PAUSED',
  ABORTING: 'ABORTING',
  ABORTED: 'ABORTED',
  COMPLETED: 'COMPLETED',
  FAILED: 'FAILED',
  // Never set on a session by WHM 11.120; if it appears, the session has not ended.
  REACHEDMAXMEM: 'RUNNING',
  // NOTE: no WHM version is known to report these for a session; cPanel's documentation lists them
  // and shows TRANSFER_INPROGRESS as an example. A session with items waiting or in progress in
  // either queue has been started, so all four count as RUNNING.
  TRANSFER_PENDING: 'RUNNING',
  TRANSFER_INPROGRESS: 'RUNNING',
  RESTORE_PENDING: 'RUNNING',
  RESTORE_INPROGRESS: 'RUNNING',
};

const TERMINAL_PHASES: ReadonlySet<TransferSessionPhase> = new Set(['COMPLETED', 'ABORTED', 'FAILED']);

function isKnownStateName(name: string): name is TransferSessionStateName {
  return Object.hasOwn(PHASE_BY_NAME, name);
}

/** Parses a `state_name`; surrounding blanks and letter case are ignored, unknown names are kept. */
export function parseTransferSessionState(raw: string): TransferSessionState {
  const name = raw.trim().toUpperCase();
  if (isKnownStateName(name)) {
    return { kind: 'known', name, phase: PHASE_BY_NAME[name], raw };
  }
  return { kind: 'unknown', phase: 'UNKNOWN', raw };
}

/**
 * Returns the phase of a state. Accepts a parsed state or a raw name.
 */
export function transferSessionPhase(state: TransferSessionState | string): TransferSessionPhase {
  return (typeof state === 'string' ? parseTransferSessionState(state) : state).phase;
}

/**
 * Tells whether the session has ended: COMPLETED, ABORTED or FAILED. A COMPLETED session can still
 * contain failed items; read `master.log` (see `summarizeTransferItems`) for per-item outcomes.
 */
export function isTerminal(state: TransferSessionState | string): boolean {
  return TERMINAL_PHASES.has(transferSessionPhase(state));
}
