import { WhmFunctionFailure } from '../envelope';
import { isPerlTrue } from '../modules';
import { analysisData, analyzeRemote, creationFailure } from '../remote-analysis';
import type { SimulatorRuntime } from '../runtime';
import { MAX_THREADS, type TransferSession } from '../transfer-session';
import type { FunctionTable } from './types';

const COMM_TRANSPORTS = ['ssh', 'whostmgr', 'whostmgr_insecure'];

/** Reads a thread count as cPanel does: `int(value) || 1`, at most 9. */
function threadCount(value: string | undefined): number {
  const parsed = Number.parseInt(value ?? '', 10);
  if (!Number.isFinite(parsed) || parsed < 1) return 1;
  return Math.min(parsed, MAX_THREADS);
}

/**
 * Resolves the source host through the configured peers, which stand in for DNS. Fails with cPanel's
 * texts for an empty host, an unknown host and a host that names this server.
 */
function resolveSourceHost(runtime: SimulatorRuntime, host: string): URL {
  if (host === '') throw new WhmFunctionFailure('You must specify a “host” argument.');

  const name = host.toLowerCase();
  if (name === runtime.hostname.toLowerCase()) {
    throw new WhmFunctionFailure(`The host “${host}” resolves to this server. Give the hostname or IP address of the source server.`);
  }
  const url = runtime.options.peers.get(name);
  if (url === undefined) {
    throw new WhmFunctionFailure(`The system was unable to resolve the hostname, “${host}”, to an IP address.`);
  }
  return url;
}

function requireRootSession(session: TransferSession): void {
  if (session.setup.type !== 'RemoteRoot') {
    throw new WhmFunctionFailure('The supplied session ID has an invalid session type. You must provide a session ID '
      + 'with a session type of “RemoteRoot”.');
  }
}

/** Builds the functions that create transfer sessions and read or refresh their remote analysis. */
export function sessionCreationFunctions(runtime: SimulatorRuntime): FunctionTable {
  return {
    /**
     * Creates a root session: waits `createDelayMs`, logs in to the source simulator with Basic
     * authentication and stores its accounts, packages and feature lists as the remote analysis.
     */
    create_remote_root_transfer_session: async ({ params }) => {
      const host = (params.host ?? '').trim();
      const transport = params.comm_transport === undefined || params.comm_transport === '' ? 'ssh' : params.comm_transport;
      if (!COMM_TRANSPORTS.includes(transport)) throw new WhmFunctionFailure(`Invalid “comm_transport” (${transport}).`);
      const remoteUrl = resolveSourceHost(runtime, host);

      const user = params.user === undefined || params.user === '' ? 'root' : params.user;
      const password = params.password ?? '';
      if (password === '') {
        const detail = params.sshkey_name === undefined ? 'no password was given' : 'the simulator supports only password logins';
        throw new WhmFunctionFailure(`The remote basic credential check failed due to an error (${detail}) and `
          + `response: none. Pass the “password” of “${user}” on “${host}”.`);
      }

      await runtime.timers.sleep(runtime.options.createDelayMs);
      let analysis;
      try {
        analysis = await analyzeRemote(runtime.peer, remoteUrl, host, { user, password }, runtime.lifetime.signal);
      } catch (error) {
        runtime.logger.info({ remoteHost: host, err: error }, 'WHM simulator failed to analyze a source server');
        throw creationFailure(error, host);
      }

      const session = runtime.sessions.create({
        type: 'RemoteRoot',
        remoteHost: host,
        remoteUrl,
        remoteUser: user,
        remotePassword: password,
        transferThreads: threadCount(params.transfer_threads),
        restoreThreads: threadCount(params.restore_threads),
        unrestricted: isPerlTrue(params.unrestricted_restore),
        copyResellerPrivileges: isPerlTrue(params.copy_reseller_privs),
        analysis,
      });
      // cPanel falls back from SSH to the WHM transport when it has a password; the simulator has no SSH.
      const warnings = transport === 'ssh'
        ? ['The ssh transport is not available in the WHM simulator; it used the “whostmgr” transport.']
        : [];
      return {
        data: {
          transfer_session_id: session.id,
          create_rawout: analysis.createRawout,
          analyze_rawout: analysis.analyzeRawout,
        },
        warnings,
      };
    },

    /**
     * Creates a user session. Like cPanel, it checks only that host and password are present and that
     * the host resolves. A wrong account password makes the items fail during the transfer.
     */
    create_remote_user_transfer_session: ({ params }) => {
      const host = (params.host ?? '').trim();
      if (host === '') throw new WhmFunctionFailure('You must specify a “host” argument.');
      const password = params.password ?? '';
      if (password === '') throw new WhmFunctionFailure('You must specify a “password” argument.');
      if (!isPerlTrue(params.unrestricted_restore)) {
        throw new WhmFunctionFailure('Restricted Restore is not available in this version of cPanel.');
      }
      const remoteUrl = resolveSourceHost(runtime, host);

      const session = runtime.sessions.create({
        type: 'RemoteUser',
        remoteHost: host,
        remoteUrl,
        remoteUser: '',
        remotePassword: password,
        transferThreads: 1,
        restoreThreads: 1,
        unrestricted: true,
        copyResellerPrivileges: false,
      });
      return { data: { transfer_session_id: session.id } };
    },

    retrieve_transfer_session_remote_analysis: ({ params }) => {
      const session = runtime.sessions.find(params);
      requireRootSession(session);
      const { analysis } = session.setup;
      if (analysis === undefined) throw new WhmFunctionFailure(`The session “${session.id}” has no remote analysis.`);

      return {
        data: analysisData(session.id, analysis, {
          inventory: runtime.inventory,
          hostname: runtime.hostname,
          version: runtime.version,
        }, session.setup.remoteHost, {
          unrestricted: session.setup.unrestricted,
          skipResellerPrivileges: !session.setup.copyResellerPrivileges,
        }),
      };
    },

    /** Logs in to the source again and replaces the stored analysis; returns metadata only. */
    analyze_transfer_session_remote: async ({ params }) => {
      const session = runtime.sessions.find(params);
      requireRootSession(session);
      const { remoteHost, remoteUrl, remoteUser, remotePassword } = session.setup;
      if (remotePassword === undefined) {
        throw new WhmFunctionFailure(`The session “${session.id}” no longer contains the password for “${remoteHost}”; `
          + 'create a new transfer session.');
      }

      try {
        session.setup.analysis = await analyzeRemote(runtime.peer, remoteUrl, remoteHost,
          { user: remoteUser, password: remotePassword }, runtime.lifetime.signal);
      } catch (error) {
        throw creationFailure(error, remoteHost);
      }
      return {};
    },
  };
}
