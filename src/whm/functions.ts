/** WHM API 1 functions the client calls, with their default time budgets. */

/** Name of a WHM API 1 function the client calls, as it appears in `/json-api/<name>`. */
export type WhmFunctionName =
  | 'create_remote_root_transfer_session'
  | 'create_remote_user_transfer_session'
  | 'available_transfer_modules'
  | 'transfer_module_schema'
  | 'retrieve_transfer_session_remote_analysis'
  | 'analyze_transfer_session_remote'
  | 'validate_system_user'
  | 'enqueue_transfer_item'
  | 'start_transfer_session'
  | 'pause_transfer_session'
  | 'abort_transfer_session'
  | 'get_transfer_session_state'
  | 'fetch_transfer_session_log'
  | 'systemloadavg'
  | 'getdiskusage'
  | 'servicestatus'
  | 'version';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Default time budget per call, in milliseconds, covering connect, request and the whole response
 * body. Override per client with `timeoutsMs` or per call with `timeoutMs`.
 *
 * Creating a root session logs in to the source over SSH, probes it, creates an API token there and
 * analyses every account before it responds, which can take minutes on a large server. Re-running
 * the analysis costs the same. Starting a session spawns its master process, and pausing or
 * aborting signals worker processes for a few seconds. The other functions are lookups.
 * NOTE: these budgets are estimates, not measurements on real servers.
 */
export const DEFAULT_WHM_TIMEOUTS_MS: Readonly<Record<WhmFunctionName, number>> = Object.freeze({
  create_remote_root_transfer_session: 5 * MINUTE,
  create_remote_user_transfer_session: 60 * SECOND,
  available_transfer_modules: 30 * SECOND,
  transfer_module_schema: 30 * SECOND,
  retrieve_transfer_session_remote_analysis: 60 * SECOND,
  analyze_transfer_session_remote: 5 * MINUTE,
  validate_system_user: 30 * SECOND,
  // `live_transfer=1` makes WHM log in to the source while enqueueing.
  enqueue_transfer_item: 2 * MINUTE,
  start_transfer_session: 60 * SECOND,
  pause_transfer_session: 60 * SECOND,
  abort_transfer_session: 60 * SECOND,
  get_transfer_session_state: 30 * SECOND,
  // The whole log file comes back in one response and can be tens of MiB.
  fetch_transfer_session_log: 2 * MINUTE,
  systemloadavg: 30 * SECOND,
  getdiskusage: 30 * SECOND,
  servicestatus: 30 * SECOND,
  version: 30 * SECOND,
});

/** Every function name the client calls. */
export const WHM_FUNCTION_NAMES = Object.keys(DEFAULT_WHM_TIMEOUTS_MS) as [WhmFunctionName, ...WhmFunctionName[]];

/** Functions that change server state; the client logs their calls at `info` instead of `debug`. */
export const MUTATING_WHM_FUNCTIONS: ReadonlySet<WhmFunctionName> = new Set<WhmFunctionName>([
  'create_remote_root_transfer_session',
  'create_remote_user_transfer_session',
  'analyze_transfer_session_remote',
  'enqueue_transfer_item',
  'start_transfer_session',
  'pause_transfer_session',
  'abort_transfer_session',
]);
