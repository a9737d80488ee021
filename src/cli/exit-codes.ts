import { inspect } from 'node:util';
import { CommanderError } from 'commander';
import {
  InvalidClientConfigError,
  InvalidPlanError,
  InvalidRequestError,
  MigrationNotFoundError,
  TemporalNamespaceNotFoundError,
  TemporalUnavailableError,
} from '../client';
import { PlanFileError } from '../plan';

/** Exit codes of `whm-migrate`, for scripts. */
export const ExitCode = {
  ok: 0,
  /** The operation failed, or a migration ended other than succeeded. */
  failed: 1,
  /** Invalid command line, plan file, settings or request. */
  usage: 2,
  /** No migration with the given id. */
  notFound: 3,
  /** The Temporal server cannot be reached or lacks the namespace. */
  temporalUnavailable: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

// Errors of modules the CLI loads only when a command needs them, matched by name so the CLI does
// not load the worker (and the SDK's native module) just to classify an error.
const USAGE_ERROR_NAMES = new Set(['WorkerConfigError', 'ServeConfigError', 'InvalidHealthConfigError', 'HealthConfigFileError']);
const NOT_FOUND_ERROR_NAMES = new Set(['ServerWorkflowNotFoundError']);

/** Maps an error to the exit code of the CLI. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? ExitCode.ok : ExitCode.usage;
  }
  if (
    error instanceof InvalidPlanError ||
    error instanceof PlanFileError ||
    error instanceof InvalidClientConfigError ||
    error instanceof InvalidRequestError ||
    (error instanceof Error && USAGE_ERROR_NAMES.has(error.name))
  ) {
    return ExitCode.usage;
  }
  if (error instanceof MigrationNotFoundError || (error instanceof Error && NOT_FOUND_ERROR_NAMES.has(error.name))) return ExitCode.notFound;
  if (error instanceof TemporalUnavailableError || error instanceof TemporalNamespaceNotFoundError) return ExitCode.temporalUnavailable;
  return ExitCode.failed;
}

/**
 * Formats an error for the terminal: its message, or with `debug` also its stack and every cause.
 * Messages of this project's errors already state what failed, on which value and what to do.
 */
export function describeError(error: unknown, debug: boolean): string {
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  if (!debug) return `error: ${error.message}`;

  const parts = [error.stack ?? `${error.name}: ${error.message}`];
  let cause: unknown = error.cause;
  while (cause !== undefined) {
    parts.push(cause instanceof Error ? `Caused by: ${cause.stack ?? cause.message}` : `Caused by: ${inspect(cause)}`);
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join('\n');
}
