import { WhmFunctionFailure } from './envelope';
import type { ServerInventory } from './inventory';
import { PeerCallError, type PeerClient, type PeerLogin } from './peer-client';

/** An account as `items.accounts[]` of the remote analysis lists it. */
export interface AnalysisAccount {
  user: string;
  domain: string;
  /** Bytes: the source's quota usage in KiB times 1024. */
  bytesused: number;
  filesused: number;
  owner: string;
  plan: string;
}

/** Facts a destination learned about a source when the session was created or analysed again. */
export interface RemoteAnalysis {
  hostname: string;
  version: string;
  accounts: AnalysisAccount[];
  packages: Array<{ name: string; featurelist: string }>;
  featureLists: string[];
  createRawout: string;
  analyzeRawout: string;
}

interface ListedAccount {
  user?: unknown;
  domain?: unknown;
  owner?: unknown;
  plan?: unknown;
}

interface QuotaRecord {
  user?: unknown;
  blocks_used?: unknown;
  inodes_used?: unknown;
}

/** Turns a failed peer call during session creation into the failure cPanel would report. */
export function creationFailure(error: unknown, remoteHost: string): WhmFunctionFailure {
  if (!(error instanceof PeerCallError)) {
    return new WhmFunctionFailure(`API failure: ${error instanceof Error ? error.message : String(error)}`);
  }
  switch (error.kind) {
    case 'authentication':
      return new WhmFunctionFailure('The remote basic credential check failed due to an error '
        + `(HTTP ${error.status ?? 403}) and response: Access denied. Check the user and `
        + `password for “${remoteHost}”.`);
    case 'connection':
      return new WhmFunctionFailure(`The “whostmgr” transport failed (${error.message}); no more transports to try.`);
    default:
      return new WhmFunctionFailure(`The system failed to analyze the remote server “${remoteHost}”: ${error.message}`);
  }
}

/**
 * Logs in to the source simulator and reads what cPanel's remote analysis collects: version, hostname,
 * accounts with their disk use, packages and feature lists. Throws {@link PeerCallError}.
 */
export async function analyzeRemote(
  peer: PeerClient,
  baseUrl: URL,
  remoteHost: string,
  login: PeerLogin,
  signal: AbortSignal,
): Promise<RemoteAnalysis> {
  const versionData = await peer.callWhm(baseUrl, 'version', {}, login, signal);
  const hostnameData = await peer.callWhm(baseUrl, 'gethostname', {}, login, signal);
  const accountData = await peer.callWhm(baseUrl, 'listaccts', {}, login, signal);
  const quotaData = await peer.callWhm(baseUrl, 'get_disk_usage', {}, login, signal);
  const packageData = await peer.callWhm(baseUrl, 'listpkgs', {}, login, signal);
  const featureListData = await peer.callWhm(baseUrl, 'get_featurelists', {}, login, signal);

  const quotas = new Map<string, QuotaRecord>();
  for (const record of asArray<QuotaRecord>(quotaData.accounts)) quotas.set(textOf(record.user, ''), record);

  const accounts = asArray<ListedAccount>(accountData.acct).map((listed) => {
    const quota = quotas.get(String(listed.user));
    return {
      user: textOf(listed.user, ''),
      domain: textOf(listed.domain, ''),
      bytesused: Number(quota?.blocks_used ?? 0) * 1024,
      filesused: Number(quota?.inodes_used ?? 0),
      owner: textOf(listed.owner, 'root'),
      plan: textOf(listed.plan, 'default'),
    };
  });
  const packages = asArray<{ name?: unknown; FEATURELIST?: unknown }>(packageData.pkg).map((listed) => ({
    name: textOf(listed.name, ''),
    featurelist: textOf(listed.FEATURELIST, 'default'),
  }));
  const featureLists = asArray<unknown>(featureListData.featurelists).map((name) => textOf(name, ''));
  const version = textOf(versionData.version, 'unknown');
  const hostname = textOf(hostnameData.hostname, remoteHost);

  return {
    hostname,
    version,
    accounts,
    packages,
    featureLists,
    createRawout: [
      `Resolving “${remoteHost}” …Done`,
      'Basic credential check …Done',
      `Remote server: ${hostname}, cPanel & WHM ${version}`,
      'Creating API token “transfer-session” on the remote server …Done',
    ].join('\n'),
    analyzeRawout: [
      `Fetching information from remote host: ${remoteHost} …Done`,
      `Found ${accounts.length} accounts, ${packages.length} packages and ${featureLists.length} feature lists.`,
    ].join('\n'),
  };
}

/** Reads a string or number field of a peer response; anything else gives the fallback. */
function textOf(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return fallback;
}

function asArray<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** The major version cPanel reports: `11.120.0.16` -> `120`. */
export function majorVersion(version: string): string {
  return version.split('.')[1] ?? version;
}

/**
 * `data` of `retrieve_transfer_session_remote_analysis`.
 * NOTE: the shape of `remote.conflicts` is not documented; the simulator lists the account names and
 * domains that exist on both servers.
 */
export function analysisData(
  sessionId: string,
  analysis: RemoteAnalysis,
  local: { inventory: ServerInventory; hostname: string; version: string },
  remoteHost: string,
  options: { unrestricted: boolean; skipResellerPrivileges: boolean },
): Record<string, unknown> {
  const localUsers = local.inventory.userNames();
  const localDomains = Object.fromEntries(local.inventory.listAccounts().map((account) => [account.domain, account.user]));
  const conflictingUsers = analysis.accounts.map((account) => account.user).filter((user) => localUsers.includes(user));
  const conflictingDomains = analysis.accounts.map((account) => account.domain).filter((domain) => domain in localDomains);

  return {
    transfer_session_id: sessionId,
    items: {
      accounts: analysis.accounts.map((account) => ({
        user: account.user,
        ensim_user: account.user,
        domain: account.domain,
        bytesused: account.bytesused,
        filesused: account.filesused,
        owner: account.owner,
        has_dedicated_ip: 0,
        worker_nodes: {},
      })),
      packages: analysis.packages.map((hostingPackage) => ({ ...hostingPackage })),
    },
    local: {
      dedicated_ips: [],
      available_ips: [],
      groups: {},
      users: Object.fromEntries(localUsers.map((user) => [user, 1])),
      domains: localDomains,
      dbs: {},
      version: local.version,
      major_version: majorVersion(local.version),
      host: local.hostname,
      roundcube_dbtype: 'sqlite',
      linked_nodes: {},
    },
    remote: {
      dbs: {},
      resellers: {},
      has_owners: 1,
      has_disk_used: 1,
      has_files_used: 1,
      has_xfertool: 1,
      server_type: `WHM11${majorVersion(analysis.version)}`,
      hostname: analysis.hostname,
      cpversion: analysis.version,
      version: analysis.version,
      host: remoteHost,
      has_package_extensions: 1,
      conflicts: { users: conflictingUsers, domains: conflictingDomains },
      major_version: majorVersion(analysis.version),
      roundcube_dbtype: 'sqlite',
      linked_nodes: {},
      supports_live_transfers: 1,
    },
    config: { shared_mysql_server: 0 },
    options: { unrestricted: options.unrestricted ? 1 : 0, skip_reseller_privs: options.skipResellerPrivileges ? 1 : 0 },
    modules: {
      AccountRemoteRoot: { name: 'Accounts', analysis: { count: analysis.accounts.length } },
      PackageRemoteRoot: { name: 'Packages', analysis: { count: analysis.packages.length } },
      FeatureListRemoteRoot: { name: 'Feature Lists', analysis: { count: analysis.featureLists.length } },
    },
  };
}
