import { missingParameter, WhmFunctionFailure } from '../envelope';
import type { InventoryAccount } from '../inventory';
import type { SimulatorRuntime } from '../runtime';
import type { FunctionTable } from './types';

const MIB = 1024 * 1024;

/** Builds the account record of `listaccts` and `accountsummary`. */
function accountRecord(account: InventoryAccount): Record<string, unknown> {
  const startDate = account.createdAt;
  return {
    user: account.user,
    domain: account.domain,
    owner: account.owner,
    plan: account.plan,
    diskused: `${Math.ceil(account.bytesUsed / MIB)}M`,
    disklimit: 'unlimited',
    email: `${account.user}@${account.domain}`,
    ip: '127.0.0.1',
    partition: 'home',
    suspended: 0,
    theme: 'jupiter',
    unix_startdate: Math.floor(startDate.getTime() / 1000),
    startdate: startDate.toISOString().slice(0, 16).replace('T', ' '),
  };
}

const SEARCH_FIELDS: Record<string, (account: InventoryAccount) => string> = {
  user: (account) => account.user,
  domain: (account) => account.domain,
  owner: (account) => account.owner,
  package: (account) => account.plan,
};

/** Health, version and inventory functions: what a monitor reads and what a destination reads from a source. */
export function serverInfoFunctions(runtime: SimulatorRuntime): FunctionTable {
  return {
    systemloadavg: () => ({ data: runtime.health.loadAverageData() }),

    getdiskusage: () => ({
      data: { partition: runtime.health.diskPartitions() },
      reason: 'Successfully retrieved disk usage',
    }),

    servicestatus: ({ params }) => {
      const service = params.service === undefined || params.service === '' ? undefined : params.service;
      const records = runtime.health.serviceRecords(service);
      if (records === undefined) throw new WhmFunctionFailure('Specified service does not exist.');
      return { data: { service: records } };
    },

    version: () => ({ data: { version: runtime.version } }),

    gethostname: () => ({ data: { hostname: runtime.hostname } }),

    /** Supports `search` with `searchtype` user, domain, owner or package; `searchmethod=exact` or a substring match. */
    listaccts: ({ params }) => {
      let accounts = runtime.inventory.listAccounts();
      const search = params.search ?? '';
      if (search !== '') {
        const field = SEARCH_FIELDS[params.searchtype ?? 'user'];
        if (field === undefined) {
          throw new WhmFunctionFailure(`Invalid “searchtype” (${params.searchtype}): use user, domain, owner or package.`);
        }
        const exact = params.searchmethod === 'exact';
        accounts = accounts.filter((account) => (exact ? field(account) === search : field(account).includes(search)));
      }
      return { data: { acct: accounts.map(accountRecord) } };
    },

    accountsummary: ({ params }) => {
      const user = params.user ?? '';
      const domain = params.domain ?? '';
      if (user === '' && domain === '') throw missingParameter('user');

      const name = user !== '' ? user : runtime.inventory.domainOwner(domain);
      const account = name === undefined ? undefined : runtime.inventory.account(name);
      if (account === undefined) throw new WhmFunctionFailure(`The account “${user !== '' ? user : domain}” does not exist.`);
      return { data: { acct: [accountRecord(account)] } };
    },

    /** Quota use per account in KiB, the unit cPanel's remote analysis multiplies by 1024. */
    get_disk_usage: ({ params }) => {
      const cacheMode = params.cache_mode ?? 'on';
      if (cacheMode !== 'on' && cacheMode !== 'off') {
        throw new WhmFunctionFailure(`Invalid “cache_mode” (${cacheMode}): use “on” or “off”.`);
      }
      return {
        data: {
          accounts: runtime.inventory.listAccounts().map((account) => ({
            user: account.user,
            blocks_used: Math.ceil(account.bytesUsed / 1024),
            blocks_limit: null,
            inodes_used: Math.ceil(account.bytesUsed / (64 * 1024)),
            inodes_limit: null,
          })),
        },
      };
    },

    listpkgs: () => ({
      data: {
        pkg: runtime.inventory.listPackages().map((hostingPackage) => ({
          name: hostingPackage.name,
          FEATURELIST: hostingPackage.featurelist ?? 'default',
          QUOTA: 'unlimited',
          BWLIMIT: 'unlimited',
        })),
      },
    }),

    get_featurelists: () => ({ data: { featurelists: runtime.inventory.listFeatureLists() } }),

    /** Name checks before a restore: whether the user exists, is reserved, or is free for a new or transferred account. */
    validate_system_user: ({ params }) => {
      const user = params.user ?? '';
      if (user === '') throw missingParameter('user');

      const exists = runtime.inventory.userExists(user);
      const reserved = runtime.inventory.isReserved(user);
      const free = runtime.inventory.isValidAccountName(user) && !exists && !reserved;
      return {
        data: {
          exists: exists ? 1 : 0,
          reserved: reserved ? 1 : 0,
          valid_for_new: free ? 1 : 0,
          valid_for_transfer: free ? 1 : 0,
        },
      };
    },
  };
}
