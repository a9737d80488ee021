import { randomAlphanumeric } from './random';

/** Result of a WHM API 1 function that succeeded. */
export interface FunctionOutcome {
  /** Omitted for functions that return only metadata, such as `enqueue_transfer_item`. */
  data?: Record<string, unknown>;
  /** Success text; default `OK`. */
  reason?: string;
  warnings?: string[];
  messages?: string[];
}

/** Thrown by a function handler to respond with HTTP 200, `metadata.result: 0` and this reason. */
export class WhmFunctionFailure extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'WhmFunctionFailure';
  }
}

/**
 * Formats the reason of an exception that escaped a WHM function: cPanel's API wrapper prefixes
 * "API failure: ", and cPanel's core exceptions prefix an "(XID id) " error id.
 */
export function apiFailure(message: string, options: { xid?: boolean } = {}): WhmFunctionFailure {
  const xid = options.xid === true ? `(XID ${randomAlphanumeric(6).toLowerCase()}) ` : '';
  return new WhmFunctionFailure(`API failure: ${xid}${message}`);
}

/**
 * Builds the failure for an absent required parameter.
 * NOTE: cPanel's exact MissingParameter text is unconfirmed; clients should match only the prefix.
 */
export function missingParameter(name: string): WhmFunctionFailure {
  return apiFailure(`Provide the “${name}” parameter.`, { xid: true });
}

interface Metadata {
  command: string;
  version: 1;
  result: 0 | 1;
  reason: string;
  output?: { warnings?: string[]; messages?: string[] };
}

/** Builds the WHM API 1 envelope of a successful call; `data` comes first, as cPanel writes it. */
export function successEnvelope(command: string, outcome: FunctionOutcome): Record<string, unknown> {
  const metadata: Metadata = { command, version: 1, result: 1, reason: outcome.reason ?? 'OK' };
  const output: Metadata['output'] = {};
  if (outcome.warnings !== undefined && outcome.warnings.length > 0) output.warnings = outcome.warnings;
  if (outcome.messages !== undefined && outcome.messages.length > 0) output.messages = outcome.messages;
  if (Object.keys(output).length > 0) metadata.output = output;

  return outcome.data === undefined ? { metadata } : { data: outcome.data, metadata };
}

/** Builds the WHM API 1 envelope of a failed call: HTTP 200, `result: 0`, no `data`. */
export function failureEnvelope(command: string, reason: string): Record<string, unknown> {
  const metadata: Metadata = { command, version: 1, result: 0, reason };
  return { metadata };
}

/** Body cpsrvd sends with HTTP 403 for missing or wrong credentials: the legacy `cpanelresult` form. */
export const ACCESS_DENIED_BODY = JSON.stringify({
  cpanelresult: {
    apiversion: '2',
    error: 'Access denied',
    data: { reason: 'Access denied', result: '0' },
    type: 'text',
  },
});

/**
 * Body for a call without `api.version=1`. A real server runs such a call as legacy WHM API 0, whose
 * output differs per function. The simulator implements only WHM API 1, so it responds in the API 0
 * `status`/`statusmsg` form instead.
 */
export const LEGACY_API_BODY = {
  status: 0,
  statusmsg: 'The WHM simulator implements only WHM API 1. Add “api.version=1” to the request.',
} as const;
