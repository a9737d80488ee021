import { apiFailure, missingParameter, WhmFunctionFailure } from '../envelope';
import { findModule, moduleSchemaData, TRANSFER_MODULES, validateItem } from '../modules';
import type { SimulatorRuntime } from '../runtime';
import type { FunctionTable } from './types';

/** Builds the functions that plan, queue, run, steer and monitor transfer sessions. */
export function sessionControlFunctions(runtime: SimulatorRuntime): FunctionTable {
  return {
    /** Module numbers come back as strings, as cPanel sends them. */
    available_transfer_modules: () => ({
      data: { modules: Object.fromEntries(TRANSFER_MODULES.map((module) => [module.name, String(module.priority)])) },
    }),

    transfer_module_schema: ({ params }) => {
      if ((params.module ?? '') === '') throw missingParameter('module');
      return { data: { schema: moduleSchemaData(findModule(params.module ?? '')) } };
    },

    /** Validates the item as cPanel 11.120 does and queues it; returns metadata only. */
    enqueue_transfer_item: ({ params, user }) => {
      const { transfer_session_id: sessionId, module: moduleName, ...values } = params;
      if (sessionId === undefined || sessionId === '') throw missingParameter('transfer_session_id');
      if (moduleName === undefined || moduleName === '') throw missingParameter('module');

      const module = findModule(moduleName);
      if (user !== 'root' && module.name !== 'RearrangeAccount') {
        throw new WhmFunctionFailure(`The transfer session module “${module.name}” can not be enqueued as a non-root user.`);
      }
      const session = runtime.sessions.find(params);
      if (module.sessionType === 'RemoteUser' && session.setup.type === 'RemoteRoot') {
        throw apiFailure('Root-authenticated transfer sessions cannot enqueue items of this type. '
          + 'Try again from a user-authenticated transfer session.');
      }
      if (module.sessionType === 'RemoteRoot' && session.setup.type === 'RemoteUser') {
        throw apiFailure('User-authenticated transfer sessions cannot enqueue items of this type. '
          + 'Try again from a root-authenticated transfer session.');
      }

      session.enqueue(module, validateItem(module, values, session.setup.unrestricted));
      return {};
    },

    /** Every failure, including an unknown session, comes back wrapped in cPanel's start error. */
    start_transfer_session: ({ params }) => {
      const sessionId = params.transfer_session_id ?? '';
      const wrap = (detail: string): WhmFunctionFailure => new WhmFunctionFailure(
        `The system failed to start the transfer session “${sessionId}” because of an error: ${detail}`);

      let pid: number;
      try {
        pid = runtime.sessions.find(params).start();
      } catch (error) {
        if (error instanceof WhmFunctionFailure) throw wrap(error.reason);
        throw wrap(error instanceof Error ? error.message : String(error));
      }
      return { data: { pid } };
    },

    pause_transfer_session: ({ params }) => {
      if (!runtime.sessions.find(params).pause()) {
        throw new WhmFunctionFailure('The system failed to “pause” the transfer session.');
      }
      return {};
    },

    abort_transfer_session: ({ params }) => {
      if (!runtime.sessions.find(params).abort()) {
        throw new WhmFunctionFailure('The system failed to “abort” the transfer session.');
      }
      return {};
    },

    get_transfer_session_state: ({ params }) => ({
      data: { state_name: runtime.sessions.find(params).reportedState() },
    }),

    /** Returns a whole log file as JSON Lines; no log exists before the session's first start. */
    fetch_transfer_session_log: ({ params }) => {
      const session = runtime.sessions.find(params);
      const logfile = params.logfile ?? '';
      if (logfile === '') throw missingParameter('logfile');
      if (logfile.includes('/')) {
        throw apiFailure(`The “logfile” parameter only accepts relative file paths, not “${logfile}”.`, { xid: true });
      }

      const log = session.logs.read(logfile);
      if (log === undefined) {
        const path = `/var/cpanel/transfer_sessions/${session.id}/${logfile}`;
        throw apiFailure(`The system failed to locate either the file “${path}” or the file “${path}.gz”.`, { xid: true });
      }
      return { data: { log } };
    },
  };
}
