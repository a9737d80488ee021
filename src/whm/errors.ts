/**
 * The WHM client's error hierarchy.
 *
 * Each class name becomes the Temporal failure type when an activity throws it (Temporal uses the
 * error's constructor name), so activity retry policies can list the non-retryable ones by name:
 * see {@link NON_RETRYABLE_WHM_ERROR_TYPES}. `retryable` states the same on the instance.
 *
 * Messages name the WHM function, the host and the server's reason. They never contain a token or
 * password: the client builds them from redacted values and attaches only redacted copies of the
 * underlying errors as `cause`.
 */

/** Fields every WHM error carries besides its message. */
export interface WhmErrorDetails {
  /** WHM API 1 function that was called, e.g. `start_transfer_session`; undefined for setup errors. */
  functionName: string | undefined;
  /** `host:port` of the WHM server. */
  host: string;
  /** Redacted copy of the underlying error. */
  cause?: Error;
  /** HTTP status of the response, when one arrived. */
  httpStatus?: number;
  /** The server's own error text (`metadata.reason` or the legacy `cpanelresult.error`), redacted. */
  reason?: string;
}

/** Base class: thrown only through its subclasses, for any failed WHM API 1 call. */
export abstract class WhmError extends Error {
  /** Whether repeating the same call can succeed; Temporal retries follow the class name instead. */
  abstract readonly retryable: boolean;
  readonly functionName: string | undefined;
  readonly host: string;
  readonly httpStatus: number | undefined;
  readonly reason: string | undefined;

  constructor(message: string, details: WhmErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.functionName = details.functionName;
    this.host = details.host;
    this.httpStatus = details.httpStatus;
    this.reason = details.reason;
  }
}

/**
 * Thrown when WHM rejects the credentials: HTTP 401 or 403 (WHM responds to a wrong token with 403 and
 * a legacy `cpanelresult` "Access denied" body), or a result-0 reason "Access denied".
 */
export class WhmAuthenticationError extends WhmError {
  readonly retryable = false;
}

/**
 * Thrown when a WHM function ran and reported failure (`metadata.result` 0) for a reason that no
 * subclass covers. Not retryable: the same request fails the same way.
 */
export class WhmFunctionError extends WhmError {
  readonly retryable = false;
}

/**
 * Thrown when WHM has no transfer session with the given id ("The session ID “X” does not exist."):
 * the id is wrong, or WHM deleted the session (PENDING for more than 4 hours, or older than 30 days).
 */
export class WhmSessionNotFoundError extends WhmFunctionError {
  /** The session id named in the server's reason. */
  readonly sessionId: string | undefined;

  constructor(message: string, details: WhmErrorDetails & { sessionId?: string }) {
    super(message, details);
    this.sessionId = details.sessionId;
  }
}

/** Thrown when WHM does not know a transfer module ("The transfer session module “X” does not exist."). */
export class WhmModuleNotFoundError extends WhmFunctionError {
  /** The module name named in the server's reason. */
  readonly moduleName: string | undefined;

  constructor(message: string, details: WhmErrorDetails & { moduleName?: string }) {
    super(message, details);
    this.moduleName = details.moduleName;
  }
}

/**
 * Thrown when a parameter is missing or invalid: rejected by WHM (a malformed session id, a
 * required or unknown enqueue key, an item type the session type cannot take) or by the client's
 * own check before sending.
 */
export class WhmInvalidParameterError extends WhmFunctionError {
  /** The parameter at fault, when the reason names it. */
  readonly parameter: string | undefined;

  constructor(message: string, details: WhmErrorDetails & { parameter?: string }) {
    super(message, details);
    this.parameter = details.parameter;
  }
}

/**
 * Thrown when `enqueue_transfer_item` finds an item with the same primary key already queued. After
 * a retried enqueue whose first attempt reached the server, this means the item is queued.
 */
export class WhmDuplicateItemError extends WhmFunctionError {
  /** Primary key name (`user`, `package`, `featurelist` or `name`). */
  readonly key: string | undefined;
  /** Primary key value, e.g. the account name. */
  readonly value: string | undefined;
  /** Transfer module of the queued item. */
  readonly moduleName: string | undefined;

  constructor(message: string, details: WhmErrorDetails & { key?: string; value?: string; moduleName?: string }) {
    super(message, details);
    this.key = details.key;
    this.value = details.value;
    this.moduleName = details.moduleName;
  }
}

/**
 * Thrown when no HTTP exchange completed: connection refused or reset, DNS failure, the connection
 * dropped before a full response, or the TCP/TLS connect timed out.
 */
export class WhmConnectionError extends WhmError {
  readonly retryable = true;
  /** Node or undici error code, e.g. `ECONNREFUSED` or `UND_ERR_SOCKET`. */
  readonly code: string | undefined;

  constructor(message: string, details: WhmErrorDetails & { code?: string }) {
    super(message, details);
    this.code = details.code;
  }
}

/** Thrown when the whole call (connect, request and response body) exceeds its time budget. */
export class WhmTimeoutError extends WhmError {
  readonly retryable = true;
  /** The budget that ran out, in milliseconds. */
  readonly timeoutMs: number;

  constructor(message: string, details: WhmErrorDetails & { timeoutMs: number }) {
    super(message, details);
    this.timeoutMs = details.timeoutMs;
  }
}

/** Thrown when WHM responds with HTTP 5xx, 408 or 429. */
export class WhmServerError extends WhmError {
  readonly retryable = true;
}

/**
 * Thrown when a response is not a valid WHM API 1 response: not JSON, no `metadata`, an invalid
 * `metadata.result`, `data` that does not match the function's schema, or an unexpected HTTP status.
 */
export class WhmResponseFormatError extends WhmError {
  readonly retryable = true;
}

/** Thrown when a response body exceeds the client's `maxResponseBytes` limit. */
export class WhmResponseTooLargeError extends WhmError {
  readonly retryable = false;
  /** The limit that was exceeded, in bytes. */
  readonly limitBytes: number;

  constructor(message: string, details: WhmErrorDetails & { limitBytes: number }) {
    super(message, details);
    this.limitBytes = details.limitBytes;
  }
}

/**
 * Thrown when the server's TLS certificate is rejected: not trusted by the configured CAs, not
 * valid for the host name, or not matching the pinned SHA-256 fingerprint. Not retryable: the
 * operator has to pin the right fingerprint or provide the right CA.
 */
export class WhmTlsError extends WhmError {
  readonly retryable = false;
  /** Configured pin (`AB:CD:…`), when the failure is a fingerprint mismatch. */
  readonly expectedFingerprint256: string | undefined;
  /** SHA-256 fingerprint of the certificate the server presented. */
  readonly actualFingerprint256: string | undefined;

  constructor(message: string, details: WhmErrorDetails & { expectedFingerprint256?: string; actualFingerprint256?: string }) {
    super(message, details);
    this.expectedFingerprint256 = details.expectedFingerprint256;
    this.actualFingerprint256 = details.actualFingerprint256;
  }
}

/** Thrown by the `WhmClient` constructor when its options are invalid, e.g. an unreadable CA file. */
export class WhmConfigurationError extends WhmError {
  readonly retryable = false;
}

/**
 * Names of the error classes a retry cannot fix; pass them as `nonRetryableErrorTypes` in the
 * retry policy of activities that call the WHM client.
 */
export const NON_RETRYABLE_WHM_ERROR_TYPES: string[] = [
  WhmAuthenticationError.name,
  WhmFunctionError.name,
  WhmSessionNotFoundError.name,
  WhmModuleNotFoundError.name,
  WhmInvalidParameterError.name,
  WhmDuplicateItemError.name,
  WhmResponseTooLargeError.name,
  WhmTlsError.name,
  WhmConfigurationError.name,
];
