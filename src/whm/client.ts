/**
 * Typed client for the WHM API 1 transfer-session and server-health functions.
 *
 * Calls go to the destination server (the one the accounts move to); its transfer sessions pull
 * from the source. Every call validates its parameters, POSTs them, validates the response with
 * zod and either returns the function's `data` or throws a `WhmError` subclass.
 */
import { performance } from 'node:perf_hooks';

import type { Logger } from 'pino';
import { z } from 'zod';

import { silentLogger } from '../log';
import { callName, describeIssues, interpretResponse, type CallContext, type WhmResult } from './envelope';
import { WhmConfigurationError, WhmError, WhmInvalidParameterError } from './errors';
import { DEFAULT_WHM_TIMEOUTS_MS, MUTATING_WHM_FUNCTIONS, WHM_FUNCTION_NAMES, type WhmFunctionName } from './functions';
import { parseTransferLog, type ParsedTransferLog } from './log-events';
import {
  CONFIG_REMOTE_ROOT_MODULES,
  createRemoteRootTransferSessionParamsSchema,
  createRemoteUserTransferSessionParamsSchema,
  encodeFormBody,
  enqueueTransferItemParamsSchema,
  fetchTransferSessionLogParamsSchema,
  noParamsSchema,
  otherModuleItemSchema,
  serviceStatusParamsSchema,
  sessionParamsSchema,
  transferModuleSchemaParamsSchema,
  validateSystemUserParamsSchema,
  type CreateRemoteRootTransferSessionParams,
  type CreateRemoteUserTransferSessionParams,
  type EnqueueTransferItemParams,
  type FetchTransferSessionLogParams,
  type KnownTransferModule,
  type NoParams,
  type ServiceStatusParams,
  type TransferModuleSchemaParams,
  type TransferSessionParams,
  type ValidateSystemUserParams,
  type WhmParamValue,
} from './params';
import { REDACTED, SECRET_PARAMETER_NAMES, redactSecrets, secretForms } from './redact';
import {
  availableTransferModulesDataSchema,
  createRemoteRootTransferSessionDataSchema,
  createRemoteUserTransferSessionDataSchema,
  diskUsageDataSchema,
  noDataSchema,
  remoteAnalysisDataSchema,
  serviceStatusDataSchema,
  startTransferSessionDataSchema,
  systemLoadAverageDataSchema,
  transferModuleSchemaDataSchema,
  transferSessionLogDataSchema,
  transferSessionStateDataSchema,
  validateSystemUserDataSchema,
  versionDataSchema,
  type AvailableTransferModules,
  type CreateRemoteRootTransferSessionData,
  type CreateRemoteUserTransferSessionData,
  type DiskUsage,
  type RemoteAnalysis,
  type ServiceStatusList,
  type StartTransferSessionData,
  type SystemLoadAverage,
  type SystemUserValidation,
  type TransferModuleSchema,
  type WhmVersion,
} from './schemas';
import { parseTransferSessionState, type TransferSessionState } from './states';
import { resolveTlsPolicy, type WhmTlsOptions } from './tls';
import { WhmTransport } from './transport';

/** Credentials: a WHM API token (preferred) or a user name and password (Basic, TLS only). */
export type WhmAuth = { kind: 'token'; user: string; token: string } | { kind: 'basic'; user: string; password: string };

/** Options of a {@link WhmClient}. */
export interface WhmClientOptions {
  /** WHM origin, e.g. `https://dest.example.com:2087`; a path prefix is kept in front of `/json-api/`. */
  baseUrl: string;
  auth: WhmAuth;
  /** TLS trust settings; by default certificates are verified against Node's CA store. */
  tls?: WhmTlsOptions;
  /** Per-function time budgets in milliseconds, overriding {@link DEFAULT_WHM_TIMEOUTS_MS}. */
  timeoutsMs?: Partial<Record<WhmFunctionName, number>>;
  /** Largest response body accepted, in bytes. @default 33554432 (32 MiB) */
  maxResponseBytes?: number;
  /** Budget for TCP connect plus TLS handshake, in milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /** Receives one line per call (function, host, duration, status); never a secret. */
  logger?: Logger;
}

/** Options of one call. */
export interface WhmCallOptions {
  /** Aborts the call; the call then rejects with `signal.reason`. Activities pass `cancellationSignal()`. */
  signal?: AbortSignal;
  /** Budget for this call in milliseconds, overriding the client's budget for the function. */
  timeoutMs?: number;
}

/** Result of `create_remote_root_transfer_session`. */
export type CreateRemoteRootTransferSessionResult = CreateRemoteRootTransferSessionData & {
  /** `metadata.output.warnings`, e.g. a fallback from the SSH transport to WHM's. */
  warnings: string[];
};

/** A transfer session log, as text and parsed. */
export interface TransferSessionLog extends ParsedTransferLog {
  /** The log as WHM returned it (JSON Lines). */
  text: string;
}

/** Default of {@link WhmClientOptions.maxResponseBytes}: session logs of large transfers are tens of MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
/** Default of {@link WhmClientOptions.connectTimeoutMs}. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const KNOWN_MODULES: ReadonlySet<string> = new Set<KnownTransferModule>([
  'AccountRemoteRoot',
  'AccountRemoteUser',
  'AccountLocal',
  'PackageRemoteRoot',
  'FeatureListRemoteRoot',
  'LegacyAccountBackup',
  ...CONFIG_REMOTE_ROOT_MODULES,
]);

// Header values must not contain control characters, and the server splits `user:token` on the
// first colon, so a user name must not contain one.
const headerSafe = z
  .string()
  .min(1)
  .refine((value) => !/\s/.test(value) && ![...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f), {
    message: 'must not contain spaces or control characters',
  });

const optionsSchema = z.object({
  baseUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }),
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('token'), user: headerSafe.regex(/^[^:]+$/, 'must not contain “:”'), token: headerSafe }),
    z.object({ kind: z.literal('basic'), user: z.string().min(1).regex(/^[^:]+$/, 'must not contain “:”'), password: z.string().min(1) }),
  ]),
  timeoutsMs: z.partialRecord(z.enum(WHM_FUNCTION_NAMES), z.number().int().positive()).optional(),
  maxResponseBytes: z.number().int().positive().optional(),
  connectTimeoutMs: z.number().int().positive().optional(),
});

/**
 * Client for one WHM server. Holds one undici connection pool: call {@link WhmClient.close} when done.
 * Never retries a call; the Temporal activity retry policy decides (see `NON_RETRYABLE_WHM_ERROR_TYPES`).
 */
export class WhmClient {
  /** `host:port` of the server, as named in logs and errors. */
  readonly host: string;

  private readonly transport: WhmTransport;
  private readonly logger: Logger;
  private readonly user: string;
  private readonly clientSecrets: string[];
  private readonly timeoutsMs: Readonly<Record<WhmFunctionName, number>>;

  /** Validates the options; throws `WhmConfigurationError` naming each invalid option. */
  constructor(options: WhmClientOptions) {
    this.host = hostLabel(options.baseUrl);
    const secrets = secretForms([authSecret(options.auth), ...authHeaderForms(options.auth)]);

    const checked = optionsSchema.safeParse(options);
    if (!checked.success) {
      throw new WhmConfigurationError(`Invalid WHM client options: ${redactSecrets(describeIssues(checked.error), secrets)}`, {
        functionName: undefined,
        host: this.host,
      });
    }

    let tls;
    try {
      tls = resolveTlsPolicy(options.tls);
    } catch (error) {
      throw new WhmConfigurationError(`Invalid WHM client options: ${(error as Error).message}`, { functionName: undefined, host: this.host });
    }

    const baseUrl = new URL(options.baseUrl);
    this.logger = (options.logger ?? silentLogger).child({ component: 'whm-client', host: this.host });
    this.user = options.auth.user;
    this.clientSecrets = secrets;
    this.timeoutsMs = { ...DEFAULT_WHM_TIMEOUTS_MS, ...options.timeoutsMs };
    this.transport = new WhmTransport({
      baseUrl,
      authorization: authorizationHeader(options.auth),
      tls,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      logger: this.logger,
    });

    if (baseUrl.protocol === 'http:' && !isLoopback(baseUrl.hostname)) {
      this.logger.warn('WHM base URL uses plain http: credentials and transfer passwords travel unencrypted; use https on port 2087');
    }
  }

  /** Closes the connection pool after calls in flight finish. */
  async close(): Promise<void> {
    await this.transport.close();
  }

  /**
   * Creates a root-authenticated transfer session pulling from `params.host`, then analyses the
   * source (`create_remote_root_transfer_session`). Slow: the default budget is 5 minutes.
   * The new session is PENDING.
   */
  async createRemoteRootTransferSession(
    params: CreateRemoteRootTransferSessionParams,
    options?: WhmCallOptions,
  ): Promise<CreateRemoteRootTransferSessionResult> {
    const result = await this.invoke(
      'create_remote_root_transfer_session',
      params,
      createRemoteRootTransferSessionParamsSchema,
      createRemoteRootTransferSessionDataSchema,
      options,
    );
    return { ...result.data, warnings: result.metadata.output?.warnings ?? [] };
  }

  /**
   * Creates a user-authenticated transfer session (`create_remote_user_transfer_session`). WHM does
   * not log in to the source here: a wrong password shows up later as failed items.
   */
  async createRemoteUserTransferSession(
    params: CreateRemoteUserTransferSessionParams,
    options?: WhmCallOptions,
  ): Promise<CreateRemoteUserTransferSessionData> {
    const result = await this.invoke(
      'create_remote_user_transfer_session',
      params,
      createRemoteUserTransferSessionParamsSchema,
      createRemoteUserTransferSessionDataSchema,
      options,
    );
    return result.data;
  }

  /** Lists the transfer modules of this server with their processing order (`available_transfer_modules`). */
  async availableTransferModules(params: NoParams = {}, options?: WhmCallOptions): Promise<AvailableTransferModules> {
    const result = await this.invoke('available_transfer_modules', params, noParamsSchema, availableTransferModulesDataSchema, options);
    return result.data;
  }

  /** Returns the item keys a module accepts (`transfer_module_schema`). */
  async transferModuleSchema(params: TransferModuleSchemaParams, options?: WhmCallOptions): Promise<TransferModuleSchema> {
    const result = await this.invoke('transfer_module_schema', params, transferModuleSchemaParamsSchema, transferModuleSchemaDataSchema, options);
    return result.data;
  }

  /**
   * Returns what session creation learned about the source: accounts with `bytesused`, packages,
   * local users and domains, per-module warnings and errors
   * (`retrieve_transfer_session_remote_analysis`; root sessions only).
   */
  async retrieveTransferSessionRemoteAnalysis(params: TransferSessionParams, options?: WhmCallOptions): Promise<RemoteAnalysis> {
    const result = await this.invoke(
      'retrieve_transfer_session_remote_analysis',
      params,
      sessionParamsSchema,
      remoteAnalysisDataSchema,
      options,
    );
    return result.data;
  }

  /** Re-runs the remote analysis, checking the credentials again (`analyze_transfer_session_remote`). */
  async analyzeTransferSessionRemote(params: TransferSessionParams, options?: WhmCallOptions): Promise<void> {
    await this.invoke('analyze_transfer_session_remote', params, sessionParamsSchema, noDataSchema, options);
  }

  /** Tells whether a user name exists, is reserved, or can be created or transferred here (`validate_system_user`). */
  async validateSystemUser(params: ValidateSystemUserParams, options?: WhmCallOptions): Promise<SystemUserValidation> {
    const result = await this.invoke('validate_system_user', params, validateSystemUserParamsSchema, validateSystemUserDataSchema, options);
    return result.data;
  }

  /**
   * Adds one item to a session's queue (`enqueue_transfer_item`). Enqueue only while the session
   * is PENDING. A module this client has no schema for is sent unchecked and WHM validates it.
   * Throws `WhmDuplicateItemError` when an item with the same key is already queued.
   */
  async enqueueTransferItem(params: EnqueueTransferItemParams, options?: WhmCallOptions): Promise<void> {
    const schema = KNOWN_MODULES.has(params.module) ? enqueueTransferItemParamsSchema : otherModuleItemSchema;
    await this.invoke('enqueue_transfer_item', params, schema, noDataSchema, options);
  }

  /**
   * Starts a PENDING session or resumes a PAUSED one (`start_transfer_session`) and returns the
   * master process id. While the master runs (also during PAUSING) WHM returns its pid and changes
   * nothing, so success does not mean a pause was undone.
   */
  async startTransferSession(params: TransferSessionParams, options?: WhmCallOptions): Promise<StartTransferSessionData> {
    const result = await this.invoke('start_transfer_session', params, sessionParamsSchema, startTransferSessionDataSchema, options);
    return result.data;
  }

  /**
   * Requests a pause of a RUNNING session (`pause_transfer_session`). The session goes PAUSING and
   * becomes PAUSED once the items in flight finish, or COMPLETED if no item is left.
   */
  async pauseTransferSession(params: TransferSessionParams, options?: WhmCallOptions): Promise<void> {
    await this.invoke('pause_transfer_session', params, sessionParamsSchema, noDataSchema, options);
  }

  /**
   * Aborts a session (`abort_transfer_session`): ABORTING then ABORTED, with items in flight failing
   * as "Aborted.". A PENDING session becomes FAILED instead.
   */
  async abortTransferSession(params: TransferSessionParams, options?: WhmCallOptions): Promise<void> {
    await this.invoke('abort_transfer_session', params, sessionParamsSchema, noDataSchema, options);
  }

  /** Returns the session state (`get_transfer_session_state`); unknown names come back as `kind: 'unknown'`. */
  async getTransferSessionState(params: TransferSessionParams, options?: WhmCallOptions): Promise<TransferSessionState> {
    const result = await this.invoke('get_transfer_session_state', params, sessionParamsSchema, transferSessionStateDataSchema, options);
    return parseTransferSessionState(result.data.state_name);
  }

  /**
   * Fetches a whole session log (`fetch_transfer_session_log`) and parses its JSON Lines. Malformed
   * lines are listed in `malformed`, not thrown. Before the session starts, `master.log` does not
   * exist and WHM reports a function error.
   */
  async fetchTransferSessionLog(params: FetchTransferSessionLogParams, options?: WhmCallOptions): Promise<TransferSessionLog> {
    const result = await this.invoke('fetch_transfer_session_log', params, fetchTransferSessionLogParamsSchema, transferSessionLogDataSchema, options);
    const text = result.data.log;
    return { text, ...parseTransferLog(text) };
  }

  /** Returns the 1, 5 and 15 minute load averages (`systemloadavg`). */
  async systemLoadAverage(params: NoParams = {}, options?: WhmCallOptions): Promise<SystemLoadAverage> {
    const result = await this.invoke('systemloadavg', params, noParamsSchema, systemLoadAverageDataSchema, options);
    return result.data;
  }

  /** Returns usage of each mounted file system in KiB (`getdiskusage`). */
  async getDiskUsage(params: NoParams = {}, options?: WhmCallOptions): Promise<DiskUsage> {
    const result = await this.invoke('getdiskusage', params, noParamsSchema, diskUsageDataSchema, options);
    return result.data;
  }

  /** Returns whether services are installed, enabled, monitored and running (`servicestatus`). */
  async serviceStatus(params: ServiceStatusParams = {}, options?: WhmCallOptions): Promise<ServiceStatusList> {
    const result = await this.invoke('servicestatus', params, serviceStatusParamsSchema, serviceStatusDataSchema, options);
    return result.data;
  }

  /** Returns the cPanel & WHM version, e.g. `11.120.0.16` (`version`). */
  async version(params: NoParams = {}, options?: WhmCallOptions): Promise<WhmVersion> {
    const result = await this.invoke('version', params, noParamsSchema, versionDataSchema, options);
    return result.data;
  }

  private async invoke<S extends z.ZodType>(
    functionName: WhmFunctionName,
    params: object,
    paramsSchema: z.ZodType,
    dataSchema: S,
    options: WhmCallOptions = {},
  ): Promise<WhmResult<z.output<S>>> {
    const formParams = params as Record<string, WhmParamValue>;
    const context: CallContext = {
      functionName,
      host: this.host,
      user: this.user,
      secrets: secretForms([...this.clientSecrets, ...secretParameterValues(formParams)]),
    };
    const logFields = {
      function: functionName,
      transferSessionId: typeof formParams.transfer_session_id === 'string' ? formParams.transfer_session_id : undefined,
    };

    const checked = paramsSchema.safeParse(params);
    if (!checked.success) {
      const error = new WhmInvalidParameterError(
        `${callName(context)} was not sent: invalid parameters: ${redactSecrets(describeIssues(checked.error), context.secrets)}`,
        { functionName, host: this.host, parameter: checked.error.issues[0]?.path.join('.') },
      );
      this.logger.warn({ ...logFields, err: errorLogFields(error) }, 'WHM call rejected before sending');
      throw error;
    }

    const timeoutMs = options.timeoutMs ?? this.timeoutsMs[functionName];
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new WhmConfigurationError(`${callName(context)} was not sent: timeoutMs must be a positive integer (got ${timeoutMs})`, {
        functionName,
        host: this.host,
      });
    }
    const started = performance.now();
    try {
      const response = await this.transport.post({
        body: encodeFormBody(formParams),
        timeoutMs,
        signal: options.signal,
        context,
      });
      const result = interpretResponse(response, dataSchema, context);

      const fields = { ...logFields, durationMs: elapsedMs(started), httpStatus: response.status };
      if (MUTATING_WHM_FUNCTIONS.has(functionName)) {
        this.logger.info({ ...fields, params: redactSecrets(formParams, context.secrets) }, 'WHM call succeeded');
      } else {
        this.logger.debug(fields, 'WHM call succeeded');
      }
      for (const warning of result.metadata.output?.warnings ?? []) {
        this.logger.warn({ ...logFields, warning: redactSecrets(warning, context.secrets) }, 'WHM reported a warning');
      }
      return result;
    } catch (error) {
      const fields = { ...logFields, durationMs: elapsedMs(started) };
      if (error instanceof WhmError) {
        this.logger.warn({ ...fields, httpStatus: error.httpStatus, err: errorLogFields(error) }, 'WHM call failed');
      } else if (options.signal?.aborted === true) {
        this.logger.info(fields, 'WHM call aborted by the caller');
      }
      throw error;
    }
  }
}

function elapsedMs(started: number): number {
  return Math.round(performance.now() - started);
}

/** Error fields for a log line: the message is already redacted; the stack and cause are left out. */
function errorLogFields(error: WhmError): Record<string, unknown> {
  return { type: error.name, message: error.message, retryable: error.retryable, reason: error.reason };
}

function secretParameterValues(params: Record<string, WhmParamValue>): string[] {
  return Object.entries(params)
    .filter(([key, value]) => SECRET_PARAMETER_NAMES.has(key.toLowerCase()) && typeof value === 'string' && value !== REDACTED)
    .map(([, value]) => value as string);
}

function authSecret(auth: WhmAuth | undefined): string | undefined {
  if (auth === undefined || auth === null) {
    return undefined;
  }
  return auth.kind === 'token' ? auth.token : auth.password;
}

function authorizationHeader(auth: WhmAuth): string {
  if (auth.kind === 'token') {
    return `whm ${auth.user}:${auth.token}`;
  }
  return `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
}

/** Header forms that contain the secret, so that an echo of the header is redacted too. */
function authHeaderForms(auth: WhmAuth | undefined): string[] {
  if (typeof authSecret(auth) !== 'string') {
    return [];
  }
  const header = authorizationHeader(auth!);
  return [header, header.slice(header.indexOf(' ') + 1)];
}

function hostLabel(baseUrl: unknown): string {
  try {
    return new URL(String(baseUrl)).host;
  } catch {
    return '(invalid base URL)';
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
