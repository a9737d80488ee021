/**
 * Hysteresis of the health monitor. A server turns unhealthy only after several bad checks in a
 * row, and healthy again only after several good ones. Values that hover at a threshold therefore
 * do not pause and resume migrations on every check.
 *
 * Pure and deterministic (times are passed in), so the workflow can use it and tests can drive it
 * with tables of checks.
 */
import type { ServerHealthConfig } from './config';
import { joinProblems, truncateReason, type HealthEvaluation } from './evaluate';

export type HealthStatus = 'unknown' | 'healthy' | 'unhealthy';

/** The counters and the verdict of the hysteresis, carried from check to check. */
export interface HealthState {
  status: HealthStatus;
  consecutiveGood: number;
  /** Checks in a row with a value outside its threshold; checks without data neither add nor reset. */
  consecutiveBad: number;
  consecutiveUnreachable: number;
  /**
   * Reason the server is unhealthy, set only while it is. It is written when the server turns
   * unhealthy and rewritten only when the kind of trouble changes (measured values or an unreachable
   * WHM), so the hold reason does not change with every check.
   */
  reason?: string;
  reasonKind?: 'measured' | 'unreachable';
  /** When `status` last changed, ISO 8601. */
  since?: string;
}

/** Settings the hysteresis reads from a server's health config. */
export type HysteresisSettings = Pick<ServerHealthConfig, 'host' | 'unhealthyAfter' | 'healthyAfter' | 'unreachableAfter' | 'unreachableIsUnhealthy'>;

export const INITIAL_HEALTH_STATE: HealthState = Object.freeze({
  status: 'unknown',
  consecutiveGood: 0,
  consecutiveBad: 0,
  consecutiveUnreachable: 0,
});

/**
 * Returns the state after one more check.
 *
 * - A good check resets the other counters. An unknown server becomes healthy at once, because it
 *   has no hold to release; an unhealthy one needs `healthyAfter` good checks in a row.
 * - A bad check resets the good and unreachable counters; `unhealthyAfter` in a row make the
 *   server unhealthy.
 * - A check in which WHM cannot be read resets the good counter, because it proves nothing. With
 *   `unreachableIsUnhealthy`, `unreachableAfter` such checks in a row make the server unhealthy.
 */
export function nextHealthState(previous: HealthState, check: HealthEvaluation, settings: HysteresisSettings, now: string): HealthState {
  const state: HealthState = { ...previous };

  switch (check.verdict) {
    case 'good':
      state.consecutiveGood += 1;
      state.consecutiveBad = 0;
      state.consecutiveUnreachable = 0;
      if (state.status === 'unknown' || (state.status === 'unhealthy' && state.consecutiveGood >= settings.healthyAfter)) {
        return becomeHealthy(state, now);
      }
      return state;

    case 'bad':
      state.consecutiveBad += 1;
      state.consecutiveGood = 0;
      state.consecutiveUnreachable = 0;
      if (state.consecutiveBad >= settings.unhealthyAfter && (state.status !== 'unhealthy' || state.reasonKind !== 'measured')) {
        return becomeUnhealthy(state, joinProblems(check.problems), 'measured', now);
      }
      return state;

    case 'unreachable':
      state.consecutiveUnreachable += 1;
      state.consecutiveGood = 0;
      if (
        settings.unreachableIsUnhealthy &&
        state.consecutiveUnreachable >= settings.unreachableAfter &&
        (state.status !== 'unhealthy' || state.reasonKind !== 'unreachable')
      ) {
        const reason = `WHM unreachable for ${state.consecutiveUnreachable} checks on ${settings.host}: ${check.error ?? 'no response'}`;
        return becomeUnhealthy(state, truncateReason(reason), 'unreachable', now);
      }
      return state;
  }
}

function becomeHealthy(state: HealthState, now: string): HealthState {
  const { reason: _reason, reasonKind: _kind, ...rest } = state;
  return { ...rest, status: 'healthy', since: now };
}

function becomeUnhealthy(state: HealthState, reason: string, reasonKind: HealthState['reasonKind'], now: string): HealthState {
  const since = state.status === 'unhealthy' ? state.since : now;
  return { ...state, status: 'unhealthy', reason, reasonKind, since };
}
