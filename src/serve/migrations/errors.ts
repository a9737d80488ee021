import {
  InvalidRequestError,
  MigrationClosedError,
  MigrationNotFoundError,
  MigrationStatusUnavailableError,
} from '../../client';
import { BODY_PATH, HttpError } from '../http/errors';
import { SearchAttributesMissingError, StartRejectedError, UpdateNotAcceptedError, UpdateRejectedError } from './migration-workflows';
import { migrationUrl } from './urls';

/**
 * Maps the errors of the migration client to HTTP errors, and returns undefined for any other error. Details
 * point to the HTTP routes, not to the CLI commands the client's own messages name.
 */
export function migrationHttpError(error: unknown, retryAfterSeconds: number): HttpError | undefined {
  if (error instanceof MigrationNotFoundError) {
    return new HttpError(
      404,
      `No migration with id "${error.workflowId}" in Temporal namespace "${error.namespace}". ` +
        'List the migrations with GET /migrations?all=true, and send an id that contains slashes URL-encoded as one path segment.',
      { cause: error },
    );
  }
  if (error instanceof MigrationClosedError) {
    return new HttpError(
      409,
      `Migration "${error.workflowId}" has already ended (${error.executionStatus}), so it cannot be paused, resumed or aborted. ` +
        `Read how it ended with GET ${migrationUrl(error.workflowId)}/report.`,
      { cause: error },
    );
  }
  if (error instanceof InvalidRequestError) {
    return new HttpError(400, `${error.message} Nothing was sent.`, { problems: [{ path: BODY_PATH, message: error.problem }], cause: error });
  }
  if (error instanceof UpdateRejectedError) return new HttpError(400, error.message, { cause: error });
  if (error instanceof UpdateNotAcceptedError) return new HttpError(504, error.message, { cause: error });
  if (error instanceof MigrationStatusUnavailableError) {
    return new HttpError(503, error.message, { headers: { 'retry-after': String(retryAfterSeconds) }, cause: error });
  }
  if (error instanceof StartRejectedError) {
    if (error.tooLarge) {
      return new HttpError(413, `The plan is too large for one migration (${error.detail}); nothing was started. Split its accounts into several plans.`, {
        cause: error,
      });
    }
    return new HttpError(400, `${error.message} Nothing was started; correct the plan and send it again.`, { cause: error });
  }
  if (error instanceof SearchAttributesMissingError) return new HttpError(500, error.message, { cause: error });
  return undefined;
}
