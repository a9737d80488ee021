import type { MigrationPhase } from '../messages';

/**
 * Every migration phase. A record, not an array, so the compiler reports a phase added to
 * MigrationPhase but missing here.
 */
export const MIGRATION_PHASES: Readonly<Record<MigrationPhase, true>> = {
  'creating-session': true,
  analyzing: true,
  enqueuing: true,
  'waiting-to-start': true,
  transferring: true,
  pausing: true,
  paused: true,
  resuming: true,
  aborting: true,
  reporting: true,
  completed: true,
  aborted: true,
  failed: true,
  'stopped-on-conflicts': true,
};
