import { isGrpcServiceError, ServiceError } from '@temporalio/client';

export { InvalidPlanError } from '../plan';

/** Thrown when no migration workflow has the id, in this namespace, within its retention period. */
export class MigrationNotFoundError extends Error {
  override readonly name = 'MigrationNotFoundError';

  constructor(
    readonly workflowId: string,
    readonly namespace: string,
    options?: ErrorOptions,
  ) {
    super(
      `No migration with id "${workflowId}" in Temporal namespace "${namespace}". ` +
        'Run `whm-migrate list --all` to see the migrations it has.',
      options,
    );
  }
}

/** Thrown when a signal is sent to a migration whose workflow has already closed. */
export class MigrationClosedError extends Error {
  override readonly name = 'MigrationClosedError';

  constructor(
    readonly workflowId: string,
    /** Temporal execution status, for example COMPLETED or TERMINATED. */
    readonly executionStatus: string,
    options?: ErrorOptions,
  ) {
    super(
      `Migration "${workflowId}" has already ended (${executionStatus}), so it cannot be paused, resumed or aborted. ` +
        `Run \`whm-migrate report ${workflowId}\` to see how it ended.`,
      options,
    );
  }
}

/** Thrown when a migration workflow closed without a report: it failed, was terminated, cancelled or timed out. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';

  constructor(
    readonly workflowId: string,
    readonly executionStatus: string,
    /** The failure message Temporal recorded. */
    readonly failure: string,
    options?: ErrorOptions,
  ) {
    super(
      `Migration "${workflowId}" ended without a report (${executionStatus}): ${failure}. ` +
        'Open it in the Temporal Web UI or run `temporal workflow show` for its history.',
      options,
    );
  }
}

/** Thrown when the live status of a running migration cannot be read, for example because no worker runs. */
export class MigrationStatusUnavailableError extends Error {
  override readonly name = 'MigrationStatusUnavailableError';

  constructor(
    readonly workflowId: string,
    readonly taskQueue: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      `Could not read the status of migration "${workflowId}": ${detail}. ` +
        `Check that a worker polls task queue "${taskQueue}" (start one with \`whm-migrate worker\`).`,
      options,
    );
  }
}

/** Thrown when the Temporal server cannot be reached or does not serve the namespace. */
export class TemporalUnavailableError extends Error {
  override readonly name = 'TemporalUnavailableError';

  constructor(
    readonly address: string,
    detail: string,
    options?: ErrorOptions,
  ) {
    super(
      `Cannot reach Temporal at ${address}: ${detail}. ` +
        'Start the server (`whm-migrate temporal dev-server`) or set TEMPORAL_ADDRESS to its host:port.',
      options,
    );
  }
}

/** Thrown when the Temporal server responds but has no such namespace. */
export class TemporalNamespaceNotFoundError extends Error {
  override readonly name = 'TemporalNamespaceNotFoundError';

  constructor(
    readonly address: string,
    readonly namespace: string,
    options?: ErrorOptions,
  ) {
    super(
      `Temporal at ${address} has no namespace "${namespace}". ` +
        `Create it (\`temporal operator namespace create ${namespace}\`) or set TEMPORAL_NAMESPACE to an existing one.`,
      options,
    );
  }
}

/** Thrown when client settings (options or environment variables) are invalid. */
export class InvalidClientConfigError extends Error {
  override readonly name = 'InvalidClientConfigError';

  constructor(readonly problems: string[]) {
    super(`Invalid Temporal client settings: ${problems.join('; ')}.`);
  }
}

/** Thrown before sending a pause, resume or abort request that the workflow would reject. */
export class InvalidRequestError extends Error {
  override readonly name = 'InvalidRequestError';

  constructor(
    readonly signal: string,
    readonly problem: string,
  ) {
    super(`Invalid ${signal} request: ${problem}.`);
  }
}

/** gRPC status INVALID_ARGUMENT: the server rejected the request, for example a visibility query. */
const GRPC_INVALID_ARGUMENT = 3;
/** gRPC status UNAVAILABLE: the server could not be reached or dropped the connection. */
const GRPC_UNAVAILABLE = 14;

function grpcCode(error: unknown): number | undefined {
  const grpcError = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpcError) ? Number(grpcError.code) : undefined;
}

/** Tells whether an error from the Temporal client is a gRPC UNAVAILABLE, possibly wrapped in the SDK's ServiceError. */
export function isConnectionFailure(error: unknown): boolean {
  return grpcCode(error) === GRPC_UNAVAILABLE;
}

/** Tells whether an error from the Temporal client is a gRPC INVALID_ARGUMENT, possibly wrapped in the SDK's ServiceError. */
export function isInvalidArgument(error: unknown): boolean {
  return grpcCode(error) === GRPC_INVALID_ARGUMENT;
}

/** Returns the message of the deepest cause, which names the gRPC status or the socket error. */
export function rootMessage(error: unknown): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
