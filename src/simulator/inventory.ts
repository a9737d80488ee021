import type { SimulatedAccount, SimulatedPackage } from './options';

/** System users every cPanel server has; they exist and are reserved for new accounts. */
const SYSTEM_USERS = [
  'root', 'bin', 'daemon', 'adm', 'nobody', 'mail', 'ftp', 'named', 'mysql', 'dovecot', 'cpanel',
  'cpanelphpmyadmin', 'cpanelroundcube', 'cpses', 'apache', 'postgres', 'sshd', 'www',
];

/** Names cPanel refuses for new accounts although no system user carries them. */
const RESERVED_NAMES = ['all', 'cpanel', 'test', 'virtfs', 'tmp', 'shared', 'public_html', 'system'];

/** cPanel user name rule: lowercase letters and digits, starting with a letter, at most 16 characters. */
const ACCOUNT_NAME_PATTERN = /^[a-z][a-z0-9]{0,15}$/;

/** Snapshot of an account on this server, with defaults applied. */
export type InventoryAccount = Required<Omit<SimulatedAccount, 'password'>> & { password?: string; createdAt: Date };

/**
 * Accounts, packages, feature lists and other users on one simulated server. A source serves its
 * accounts to a destination; a destination adds restored accounts here, so a second transfer of the
 * same account conflicts.
 */
export class ServerInventory {
  private readonly accounts = new Map<string, InventoryAccount>();
  private readonly packages = new Map<string, SimulatedPackage>();
  private readonly featureLists = new Set<string>(['default', 'disabled']);
  private readonly extraUsers = new Set<string>();

  constructor(
    accounts: readonly SimulatedAccount[],
    packages: readonly SimulatedPackage[],
    featureLists: readonly string[],
    localUsers: readonly string[],
  ) {
    for (const account of accounts) this.addAccount(account);
    this.packages.set('default', { name: 'default', featurelist: 'default' });
    for (const hostingPackage of packages) this.addPackage(hostingPackage);
    for (const name of featureLists) this.featureLists.add(name);
    for (const name of localUsers) this.extraUsers.add(name);
  }

  addAccount(account: SimulatedAccount): void {
    const stored: InventoryAccount = {
      user: account.user,
      domain: account.domain.toLowerCase(),
      bytesUsed: account.bytesUsed,
      owner: account.owner ?? 'root',
      plan: account.plan ?? 'default',
      createdAt: new Date(),
    };
    if (account.password !== undefined) stored.password = account.password;
    this.accounts.set(account.user, stored);
  }

  addPackage(hostingPackage: SimulatedPackage): void {
    this.packages.set(hostingPackage.name, { ...hostingPackage });
  }

  addFeatureList(name: string): void {
    this.featureLists.add(name);
  }

  account(user: string): InventoryAccount | undefined {
    return this.accounts.get(user);
  }

  listAccounts(): InventoryAccount[] {
    return [...this.accounts.values()].sort((left, right) => left.user.localeCompare(right.user));
  }

  hasPackage(name: string): boolean {
    return this.packages.has(name);
  }

  listPackages(): SimulatedPackage[] {
    return [...this.packages.values()].sort((left, right) => left.name.localeCompare(right.name));
  }

  hasFeatureList(name: string): boolean {
    return this.featureLists.has(name);
  }

  listFeatureLists(): string[] {
    return [...this.featureLists].sort();
  }

  /** Reports whether a system user of this name exists: an account, an extra user or a system user. */
  userExists(name: string): boolean {
    return this.accounts.has(name) || this.extraUsers.has(name) || SYSTEM_USERS.includes(name);
  }

  isReserved(name: string): boolean {
    return SYSTEM_USERS.includes(name) || RESERVED_NAMES.includes(name) || name.startsWith('test');
  }

  isValidAccountName(name: string): boolean {
    return ACCOUNT_NAME_PATTERN.test(name);
  }

  /** Returns the account that owns `domain` on this server, if any. */
  domainOwner(domain: string): string | undefined {
    const wanted = domain.toLowerCase();
    for (const account of this.accounts.values()) {
      if (account.domain === wanted) return account.user;
    }
    return undefined;
  }

  /** Returns every user name on this server, as `local.users` of the remote analysis lists them. */
  userNames(): string[] {
    return [...new Set([...this.accounts.keys(), ...this.extraUsers, ...SYSTEM_USERS])].sort();
  }
}
