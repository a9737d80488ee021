/**
 * Interprets a WHM API 1 HTTP response: status, the JSON envelope and the function's `data`.
 *
 * The envelope is `{ data, metadata: { command, version, result, reason, output } }`. A function
 * that ran returns HTTP 200 whether it succeeded (`result` 1) or failed (`result` 0, the error text
 * in `reason`). Bad credentials get HTTP 403 with a legacy body instead:
 * `{"cpanelresult":{"error":"Access denied","data":{"reason":"Access denied","result":"0"},…}}`.
 */
import { z } from 'zod';

import {
  WhmAuthenticationError,
  WhmDuplicateItemError,
  WhmError,
  WhmFunctionError,
  WhmInvalidParameterError,
  WhmModuleNotFoundError,
  WhmResponseFormatError,
  WhmServerError,
  WhmSessionNotFoundError,
  type WhmErrorDetails,
} from './errors';
import { redactSecrets } from './redact';

/** Characters of a response body quoted in error messages. */
const BODY_EXCERPT_CHARS = 300;

/**
 * `metadata` of the envelope. `result` arrives as a number in cPanel's reference and as a string
 * in its guide's examples, so both are accepted.
 */
export const metadataSchema = z.looseObject({
  command: z.string().optional(),
  version: z.union([z.number(), z.string()]).optional(),
  result: z.union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1')]).transform((value) => Number(value) as 0 | 1),
  reason: z.string().nullish(),
  output: z
    .looseObject({
      warnings: z.array(z.string()).optional(),
      messages: z.array(z.string()).optional(),
    })
    .nullish(),
});

const envelopeSchema = z.looseObject({ metadata: metadataSchema, data: z.unknown().optional() });

const legacyBodySchema = z.looseObject({
  cpanelresult: z.looseObject({
    error: z.string().optional(),
    data: z.looseObject({ reason: z.string().optional() }).optional(),
  }),
});

/** Validated `metadata` of a response. */
export type WhmMetadata = z.output<typeof metadataSchema>;

/** An HTTP response read in full. */
export interface RawWhmResponse {
  status: number;
  body: string;
}

/** Function, server and secrets of one call, used in every message. */
export interface CallContext {
  functionName: string;
  host: string;
  /** API user, named in authentication errors (it is not a secret). */
  user: string;
  /** Secret forms to redact from anything quoted from the response. */
  secrets: readonly string[];
}

/** A successful response: the function's validated `data` and the envelope's `metadata`. */
export interface WhmResult<T> {
  data: T;
  metadata: WhmMetadata;
}

/**
 * Checks the status, the envelope and `data`, and returns `data` parsed by `dataSchema`.
 * Throws a {@link WhmError} subclass for every kind of failure.
 *
 * Text quoted from the response into an error is redacted, and so is the returned `metadata`.
 * The returned `data` is not redacted, so the caller gets what WHM sent.
 */
export function interpretResponse<S extends z.ZodType>(
  response: RawWhmResponse,
  dataSchema: S,
  context: CallContext,
): WhmResult<z.output<S>> {
  const details: WhmErrorDetails = { functionName: context.functionName, host: context.host, httpStatus: response.status };
  const bodyExcerpt = (): string => excerpt(redactSecrets(response.body, context.secrets));
  // Parsed before redaction, so that a secret JSON escapes in the body is still found in the strings.
  const parsedJson = parseJson(response.body);
  const legacy = redactSecrets(legacyReason(parsedJson), context.secrets);

  if (response.status === 401 || response.status === 403) {
    throw authenticationError(legacy ?? `HTTP ${response.status}`, details, context);
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429) {
    const quoted = bodyExcerpt();
    throw new WhmServerError(
      `${callName(context)} failed with HTTP ${response.status}: ${quoted}. WHM or its proxy is overloaded or restarting; retry later.`,
      { ...details, reason: quoted },
    );
  }
  if (response.status < 200 || response.status > 299) {
    throw new WhmResponseFormatError(
      `${callName(context)} returned unexpected HTTP ${response.status}: ${bodyExcerpt()}. Check that the base URL points at WHM (port 2087).`,
      details,
    );
  }

  if (parsedJson === undefined) {
    throw new WhmResponseFormatError(`${callName(context)} returned a body that is not JSON: ${bodyExcerpt()}`, details);
  }
  if (legacy !== undefined && !hasMetadata(parsedJson)) {
    if (/access denied/i.test(legacy)) {
      throw authenticationError(legacy, details, context);
    }
    throw new WhmResponseFormatError(
      `${callName(context)} returned a legacy cpanelresult body instead of a WHM API 1 envelope: ${legacy}`,
      { ...details, reason: legacy },
    );
  }

  const envelope = envelopeSchema.safeParse(parsedJson);
  if (!envelope.success) {
    const problem = hasMetadata(parsedJson) ? `invalid “metadata” (${describeIssues(envelope.error)})` : 'missing “metadata”';
    throw new WhmResponseFormatError(`${callName(context)} returned a response with ${problem}: ${bodyExcerpt()}`, details);
  }

  const metadata = redactSecrets(envelope.data.metadata, context.secrets);
  if (metadata.result === 0) {
    const reason = metadata.reason?.trim() || 'no failure reason given in the response';
    throw functionError(reason, details, context);
  }

  const data = dataSchema.safeParse(envelope.data.data);
  if (!data.success) {
    throw new WhmResponseFormatError(
      `${callName(context)} returned “data” that does not match the expected shape: ${describeIssues(data.error)}`,
      { ...details, cause: new Error(describeIssues(data.error)) },
    );
  }
  return { data: data.data, metadata };
}

/** `WHM function “name” on host:port`, the subject of every error message. */
export function callName(context: Pick<CallContext, 'functionName' | 'host'>): string {
  return `WHM function “${context.functionName}” on ${context.host}`;
}

/** Lists zod issues as `path: message`, without the offending values. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function hasMetadata(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'metadata' in value;
}

function legacyReason(value: unknown): string | undefined {
  const legacy = legacyBodySchema.safeParse(value);
  if (!legacy.success) {
    return undefined;
  }
  return legacy.data.cpanelresult.error ?? legacy.data.cpanelresult.data?.reason;
}

function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') {
    return '(empty body)';
  }
  return flat.length > BODY_EXCERPT_CHARS ? `${flat.slice(0, BODY_EXCERPT_CHARS)}…` : flat;
}

function authenticationError(reason: string, details: WhmErrorDetails, context: CallContext): WhmAuthenticationError {
  return new WhmAuthenticationError(
    `${callName(context)} rejected the credentials of user “${context.user}”: ${reason}. ` +
      'Check the API token or password, that it has not expired or been revoked, and that its ACLs allow this function.',
    { ...details, reason },
  );
}

/** A quoted value in a WHM message; WHM uses typographic quotes, plain ones are accepted too. */
const QUOTED = '[“"]([^”"]*)[”"]';

const SESSION_NOT_FOUND = new RegExp(`The session ID ${QUOTED} does not exist`);
const SESSION_ID_MALFORMED = new RegExp(`The session ID ${QUOTED} may only contain`);
const MODULE_NOT_FOUND = new RegExp(`The transfer session module ${QUOTED} does not exist`);
const DUPLICATE_ITEM = new RegExp(`An item with a ${QUOTED} key value of ${QUOTED} and a type of ${QUOTED} already exists`);
const NAMED_PARAMETER_PATTERNS = [
  new RegExp(`The ${QUOTED} parameter is (?:required|not valid) for`),
  new RegExp(`You must specify (?:an? |the )?${QUOTED}`),
  new RegExp(`Provide the ${QUOTED} parameter`),
  new RegExp(`\\bInvalid ${QUOTED}`),
];
const SESSION_TYPE_MISMATCH = /invalid session type|transfer sessions cannot enqueue items of this type/i;
const LOGFILE_PATH = /only accepts relative file paths/i;
const GENERIC_PARAMETER = /\b(?:MissingParameter|InvalidParameter|missing (?:the )?(?:required )?parameter)\b/i;

/** Picks the {@link WhmFunctionError} subclass for a result-0 reason. */
function functionError(reason: string, details: WhmErrorDetails, context: CallContext): WhmError {
  const subject = `${callName(context)} failed: ${/[.!?]$/.test(reason) ? reason : `${reason}.`}`;
  const withReason = { ...details, reason };

  if (/^(?:API failure: )?Access denied/i.test(reason)) {
    return authenticationError(reason, details, context);
  }

  const notFound = SESSION_NOT_FOUND.exec(reason);
  if (notFound) {
    return new WhmSessionNotFoundError(
      `${subject} Check the transfer session id; WHM deletes sessions left PENDING for 4 hours and sessions older than 30 days.`,
      { ...withReason, sessionId: notFound[1] },
    );
  }

  const malformed = SESSION_ID_MALFORMED.exec(reason);
  if (malformed) {
    return new WhmInvalidParameterError(`${subject} Pass the id returned by create_*_transfer_session.`, {
      ...withReason,
      parameter: 'transfer_session_id',
    });
  }

  const moduleNotFound = MODULE_NOT_FOUND.exec(reason);
  if (moduleNotFound) {
    return new WhmModuleNotFoundError(`${subject} Call available_transfer_modules for the modules this server has.`, {
      ...withReason,
      moduleName: moduleNotFound[1],
    });
  }

  const duplicate = DUPLICATE_ITEM.exec(reason);
  if (duplicate) {
    return new WhmDuplicateItemError(`${subject} The item is already queued in this session.`, {
      ...withReason,
      key: duplicate[1],
      value: duplicate[2],
      moduleName: duplicate[3],
    });
  }

  for (const pattern of NAMED_PARAMETER_PATTERNS) {
    const match = pattern.exec(reason);
    if (match) {
      return new WhmInvalidParameterError(`${subject} Correct the “${match[1]}” parameter.`, { ...withReason, parameter: match[1] });
    }
  }
  if (SESSION_TYPE_MISMATCH.test(reason)) {
    return new WhmInvalidParameterError(`${subject} Use a session of the type this call or module needs.`, {
      ...withReason,
      parameter: 'transfer_session_id',
    });
  }
  if (LOGFILE_PATH.test(reason)) {
    return new WhmInvalidParameterError(`${subject} Pass a log file name without “/”.`, { ...withReason, parameter: 'logfile' });
  }
  if (GENERIC_PARAMETER.test(reason)) {
    return new WhmInvalidParameterError(subject, withReason);
  }

  return new WhmFunctionError(subject, withReason);
}
