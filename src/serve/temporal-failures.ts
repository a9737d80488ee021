import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { TemporalNamespaceNotFoundError, TemporalUnavailableError } from '../client';

/**
 * Temporal calls of the service, as the `operation` label of `whm_migrate_serve_temporal_errors_total`
 * names them: a fixed set, so the label stays small.
 */
export const TEMPORAL_OPERATIONS = [
  'alert_signal',
  'readiness',
  'start',
  'describe',
  'status',
  'signal',
  'update',
  'wait',
  'list',
  'bulk_signal',
  'census',
] as const;

export type TemporalOperation = (typeof TEMPORAL_OPERATIONS)[number];

/** Called once for every Temporal call that failed with a {@link isTemporalFailure} error. */
export type TemporalFailureListener = (operation: TemporalOperation) => void;

/**
 * gRPC codes that describe the request or the workflow's state (an invalid query, an unknown or
 * closed workflow), not a Temporal service that failed to serve it.
 */
const REQUEST_CODES = new Set([
  3, // INVALID_ARGUMENT
  5, // NOT_FOUND
  6, // ALREADY_EXISTS
  9, // FAILED_PRECONDITION
  11, // OUT_OF_RANGE
]);

/**
 * Tells whether `error` means that Temporal could not serve a call: unreachable, no response in time,
 * no such namespace, or a gRPC error of the server (INTERNAL, UNAVAILABLE, PERMISSION_DENIED and the like).
 */
export function isTemporalFailure(error: unknown): boolean {
  if (error instanceof TemporalUnavailableError || error instanceof TemporalNamespaceNotFoundError) return true;
  const grpcError = error instanceof ServiceError ? error.cause : error;
  return isGrpcServiceError(grpcError) && !REQUEST_CODES.has(Number(grpcError.code));
}
