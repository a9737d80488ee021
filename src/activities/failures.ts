import { ApplicationFailure } from '@temporalio/common';
import { WhmError } from '../whm';
import { CredentialUnavailableError } from '../plan/credentials';

/**
 * Converts errors from WHM calls into Temporal failures: the class name becomes the failure type,
 * and the error's own `retryable` flag decides whether Temporal retries. Other errors pass unchanged.
 */
export function toActivityFailure(error: unknown): unknown {
  if (error instanceof WhmError) {
    return ApplicationFailure.create({
      message: error.message,
      type: error.name,
      nonRetryable: !error.retryable,
      details: [{ functionName: error.functionName, host: error.host, httpStatus: error.httpStatus, reason: error.reason }],
    });
  }
  if (error instanceof CredentialUnavailableError) {
    return ApplicationFailure.create({ message: error.message, type: error.name, nonRetryable: true });
  }
  return error;
}

/** Runs `call` and rethrows its error as {@link toActivityFailure} converts it. */
export async function withActivityFailures<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toActivityFailure(error);
  }
}
