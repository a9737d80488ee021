/**
 * Secret redaction for everything the WHM client logs, throws or attaches as an error `cause`.
 *
 * Every log line, error message and cause chain goes through {@link redactSecrets}, so a secret can
 * leak only if it is missing from the secret list handed to it. The list always contains the client's
 * API token or password and the secret parameters of the current call (the remote root password of
 * `create_remote_root_transfer_session`, for instance).
 */

/** Text that replaces every secret. */
export const REDACTED = '[REDACTED]';

/**
 * WHM parameter names whose values are secrets. Their values are replaced by {@link REDACTED} in
 * objects and added to the secret list of the call that carries them.
 */
export const SECRET_PARAMETER_NAMES: ReadonlySet<string> = new Set([
  'password',
  'root_password',
  'sshkey_passphrase',
  'token',
  'authorization',
]);

const MAX_CAUSE_DEPTH = 5;

/**
 * Returns every form in which a secret can appear on the wire or in a message: as is, URI-encoded,
 * form-encoded (a space becomes `+`) and escaped inside a JSON string. Empty values are dropped.
 */
export function secretForms(secrets: Iterable<string | undefined>): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret === '') {
      continue;
    }
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(new URLSearchParams({ s: secret }).toString().slice(2));
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  // Longest first, so a secret that contains another one is replaced whole.
  return [...forms].sort((a, b) => b.length - a.length);
}

/**
 * Replaces secrets in a value and returns the copy.
 *
 * Strings have every occurrence of every secret form replaced. Objects and arrays are copied
 * recursively, and properties named in {@link SECRET_PARAMETER_NAMES} are replaced whole. Other
 * values are returned unchanged.
 */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  return redactValue(value, secrets, 0) as T;
}

function redactValue(value: unknown, secrets: readonly string[], depth: number): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const secret of secrets) {
      text = text.split(secret).join(REDACTED);
    }
    return text;
  }
  if (depth > 20 || value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((entry) => redactValue(entry, secrets, depth + 1));
  }
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] = SECRET_PARAMETER_NAMES.has(key.toLowerCase()) ? REDACTED : redactValue(entry, secrets, depth + 1);
  }
  return copy;
}

/**
 * Copies an error chain into plain `Error` objects whose message and stack have secrets replaced,
 * keeping `name` and `code`. Temporal serializes an activity error's `cause` chain into workflow
 * history, so an original error object must never be attached as `cause` unredacted.
 */
export function redactError(error: unknown, secrets: readonly string[], depth = 0): Error | undefined {
  if (error === undefined || error === null) {
    return undefined;
  }
  if (!(error instanceof Error)) {
    const text = typeof error === 'string' ? error : JSON.stringify(error) ?? typeof error;
    return new Error(redactSecrets(text, secrets));
  }

  const copy = new Error(redactSecrets(error.message, secrets));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redactSecrets(error.stack, secrets);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') {
    (copy as Error & { code?: string | number }).code = code;
  }
  if (depth < MAX_CAUSE_DEPTH && error.cause !== undefined) {
    copy.cause = redactError(error.cause, secrets, depth + 1);
  }
  return copy;
}
