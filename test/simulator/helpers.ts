import { request, type Dispatcher } from 'undici';

/** Authorization header of the simulator's default credentials. */
export const ROOT_TOKEN = 'whm root:sim-token';

/** Rates that keep steps short: a 1-byte item takes the 20 ms floor; 60 000 bytes take 300 ms to transfer and 600 ms to restore. */
export const FAST_TIMING = {
  createDelayMs: 0,
  minItemStepMs: 20,
  bytesPerSecond: 200_000,
  restoreBytesPerSecond: 100_000,
};

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  /** null sends no Authorization header. */
  authorization?: string | null;
  /** Path before `/json-api/`, for example `/cpsess0123456789`. */
  pathPrefix?: string;
  /** Leaves out `api.version=1`. */
  withoutApiVersion?: boolean;
  dispatcher?: Dispatcher;
}

/** Sends one WHM API 1 call with raw undici: GET with a query string or POST with a form body. */
export async function rawCall(
  baseUrl: string,
  functionName: string,
  params: Record<string, string> = {},
  options: CallOptions = {},
): Promise<RawResponse> {
  const fields = new URLSearchParams(options.withoutApiVersion === true ? params : { 'api.version': '1', ...params });
  const path = `${options.pathPrefix ?? ''}/json-api/${functionName}`;
  const headers: Record<string, string> = {};
  const authorization = options.authorization === undefined ? ROOT_TOKEN : options.authorization;
  if (authorization !== null) headers.authorization = authorization;

  const method = options.method ?? 'GET';
  if (method === 'POST') headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await request(method === 'GET' ? `${baseUrl}${path}?${fields.toString()}` : `${baseUrl}${path}`, {
    method,
    headers,
    body: method === 'POST' ? fields.toString() : undefined,
    dispatcher: options.dispatcher,
  });
  return {
    status: response.statusCode,
    contentType: String(response.headers['content-type'] ?? ''),
    text: await response.body.text(),
  };
}

export interface Envelope<T = Record<string, unknown>> {
  data?: T;
  metadata: {
    command: string;
    version: number;
    result: number;
    reason: string;
    output?: { warnings?: string[]; messages?: string[] };
  };
}

/** Calls a function and parses the envelope; throws unless the response is HTTP 200 with JSON. */
export async function callWhm<T = Record<string, unknown>>(
  baseUrl: string,
  functionName: string,
  params: Record<string, string> = {},
  options: CallOptions = {},
): Promise<Envelope<T>> {
  const response = await rawCall(baseUrl, functionName, params, options);
  if (response.status !== 200) throw new Error(`${functionName} answered HTTP ${response.status}: ${response.text}`);
  return JSON.parse(response.text) as Envelope<T>;
}

/** Calls a function that must succeed and returns its `data`. */
export async function callData<T = Record<string, unknown>>(
  baseUrl: string,
  functionName: string,
  params: Record<string, string> = {},
): Promise<T> {
  const envelope = await callWhm<T>(baseUrl, functionName, params);
  if (envelope.metadata.result !== 1) throw new Error(`${functionName} failed: ${envelope.metadata.reason}`);
  return envelope.data as T;
}

/** Calls a function that must fail and returns its reason. */
export async function callReason(baseUrl: string, functionName: string, params: Record<string, string> = {}): Promise<string> {
  const envelope = await callWhm(baseUrl, functionName, params);
  if (envelope.metadata.result !== 0) throw new Error(`${functionName} succeeded but a failure was expected`);
  return envelope.metadata.reason;
}

/** Polls `probe` every 10 ms until `done` accepts its value; gives up after `timeoutMs`. */
export async function waitFor<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
    value = await probe();
  }
  return value;
}

export async function stateOf(baseUrl: string, sessionId: string): Promise<string> {
  const data = await callData<{ state_name: string }>(baseUrl, 'get_transfer_session_state', { transfer_session_id: sessionId });
  return data.state_name;
}

export function waitForState(baseUrl: string, sessionId: string, state: string): Promise<string> {
  return waitFor(() => stateOf(baseUrl, sessionId), (current) => current === state);
}

/** The fields of a `master.log` control line that the tests read; the lines carry more. */
export interface ControlContents {
  action: string;
  child_number: number;
  queue?: string;
  item?: string;
  logfile?: string;
  msg?: unknown;
}

export interface LogLine {
  type: string;
  pid: number;
  indent: number;
  partial: number;
  contents: unknown;
}

export async function fetchLog(baseUrl: string, sessionId: string, logfile: string): Promise<LogLine[]> {
  const data = await callData<{ log: string }>(baseUrl, 'fetch_transfer_session_log', { transfer_session_id: sessionId, logfile });
  return data.log.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as LogLine);
}

/** Fetches `master.log` and returns its control lines in order. */
export async function masterControl(baseUrl: string, sessionId: string): Promise<ControlContents[]> {
  const lines = await fetchLog(baseUrl, sessionId, 'master.log');
  return lines.filter((line) => line.type === 'control').map((line) => line.contents as ControlContents);
}

/** Creates a root session on `destination` that pulls from the peer `sourceHost`; returns its id. */
export async function createRootSession(
  destination: string,
  sourceHost: string,
  password: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const data = await callData<{ transfer_session_id: string }>(destination, 'create_remote_root_transfer_session', {
    host: sourceHost,
    user: 'root',
    password,
    comm_transport: 'whostmgr',
    transfer_threads: '1',
    restore_threads: '1',
    unrestricted_restore: '0',
    copy_reseller_privs: '0',
    compressed: '1',
    unencrypted: '0',
    use_backups: '0',
    low_priority: '0',
    enable_custom_pkgacct: '0',
    ...extra,
  });
  return data.transfer_session_id;
}

export async function enqueueAccount(
  destination: string,
  sessionId: string,
  user: string,
  localuser: string,
  size: number,
  module = 'AccountRemoteRoot',
): Promise<void> {
  await callData(destination, 'enqueue_transfer_item', {
    transfer_session_id: sessionId, module, user, localuser, size: String(size),
  });
}
