import type { ItemFailureRegistry } from './faults';
import type { ServerInventory } from './inventory';
import { isPerlTrue } from './modules';
import { PeerCallError, type PeerClient } from './peer-client';
import type { ItemProcessor, SessionItem, StepOutcome, TransferSession } from './transfer-session';

/**
 * The module-specific work of TRANSFER and RESTORE steps on a destination simulator. TRANSFER reads
 * the item from the source simulator; RESTORE checks for conflicts on this server and, when the step
 * succeeds, adds the account, package or feature list here.
 */
export class SimulatedItemProcessor implements ItemProcessor {
  /** Account names and domains that an in-flight restore has claimed. */
  private readonly claims = new Set<string>();

  constructor(
    private readonly inventory: ServerInventory,
    private readonly peer: PeerClient,
    private readonly itemFailures: ItemFailureRegistry,
  ) {}

  async transfer(session: TransferSession, item: SessionItem, signal: AbortSignal): Promise<StepOutcome> {
    if (item.module.kind === 'account') {
      const scripted = this.itemFailures.take(item.primaryValue);
      if (scripted !== undefined) return { failure: scripted };
    }

    switch (item.module.kind) {
      case 'account':
        return session.setup.type === 'RemoteUser'
          ? this.transferAsUser(session, item, signal)
          : this.transferAsRoot(session, item, signal);
      case 'package':
        return this.transferPackage(session, item);
      case 'featurelist':
        return this.transferFeatureList(session, item);
      case 'config':
        return {};
      default:
        return { failure: `The WHM simulator does not process “${item.module.name}” items.` };
    }
  }

  restore(_session: TransferSession, item: SessionItem): Promise<StepOutcome> {
    switch (item.module.kind) {
      case 'account':
        return Promise.resolve(this.restoreAccount(item));
      case 'package':
        return Promise.resolve(this.restorePackage(item));
      case 'featurelist':
        return Promise.resolve(this.restoreFeatureList(item));
      default:
        return Promise.resolve({});
    }
  }

  private async transferAsRoot(session: TransferSession, item: SessionItem, signal: AbortSignal): Promise<StepOutcome> {
    const { remoteHost, remoteUrl, remoteUser, remotePassword } = session.setup;
    if (remotePassword === undefined) {
      return { failure: `The session no longer contains the password for “${remoteHost}”; create a new transfer session.` };
    }

    try {
      const data = await this.peer.callWhm(remoteUrl, 'accountsummary', { user: item.primaryValue },
        { user: remoteUser, password: remotePassword }, signal);
      const account = (Array.isArray(data.acct) ? data.acct[0] : undefined) as Record<string, unknown> | undefined;
      if (typeof account?.domain === 'string') item.remote.domain = account.domain;
      if (typeof account?.plan === 'string') item.remote.plan = account.plan;
      if (typeof account?.owner === 'string') item.remote.owner = account.owner;
      return {};
    } catch (error) {
      if (error instanceof PeerCallError && error.kind === 'function') {
        return { failure: `The account “${item.primaryValue}” does not exist on the remote server “${remoteHost}”.` };
      }
      return { failure: remoteFailure(error, remoteHost) };
    }
  }

  /** Logs in to the source as the cPanel account, with the password of the user-authenticated session. */
  private async transferAsUser(session: TransferSession, item: SessionItem, signal: AbortSignal): Promise<StepOutcome> {
    const { remoteHost, remoteUrl, remotePassword } = session.setup;
    if (remotePassword === undefined) {
      return { failure: `The session no longer contains the password for “${remoteHost}”; create a new transfer session.` };
    }

    try {
      const data = await this.peer.callUapi(remoteUrl, 'DomainInfo', 'list_domains',
        { user: item.primaryValue, password: remotePassword }, signal) as { main_domain?: unknown } | undefined;
      if (typeof data?.main_domain === 'string') item.remote.domain = data.main_domain;
      return {};
    } catch (error) {
      if (error instanceof PeerCallError && error.kind === 'authentication') {
        return {
          failure: `The remote server “${remoteHost}” rejected the password for the cPanel account “${item.primaryValue}”.`,
        };
      }
      return { failure: remoteFailure(error, remoteHost) };
    }
  }

  private transferPackage(session: TransferSession, item: SessionItem): StepOutcome {
    const found = session.setup.analysis?.packages.find((candidate) => candidate.name === item.primaryValue);
    if (found === undefined) {
      return { failure: `The package “${item.primaryValue}” does not exist on the remote server “${session.setup.remoteHost}”.` };
    }
    item.remote.featurelist = found.featurelist;
    return {};
  }

  private transferFeatureList(session: TransferSession, item: SessionItem): StepOutcome {
    const found = session.setup.analysis?.featureLists.includes(item.primaryValue) ?? false;
    if (!found) {
      return {
        failure: `The feature list “${item.primaryValue}” does not exist on the remote server “${session.setup.remoteHost}”.`,
      };
    }
    return {};
  }

  private restoreAccount(item: SessionItem): StepOutcome {
    const name = item.localName;
    const overwrite = isPerlTrue(item.values.force);
    if (!this.inventory.isValidAccountName(name)) {
      return { failure: `The user name “${name}” is not valid: use 1 to 16 lowercase letters and digits, starting with a letter.` };
    }
    if (this.claims.has(`user:${name}`) || (!overwrite && this.inventory.userExists(name))) {
      return { failure: `The account “${name}” already exists on this server.` };
    }

    const domain = (item.values.domain ?? item.remote.domain ?? `${name}.invalid`).toLowerCase();
    const domainOwner = this.inventory.domainOwner(domain);
    if (this.claims.has(`domain:${domain}`) || (domainOwner !== undefined && domainOwner !== name)) {
      return { failure: `The domain “${domain}” already exists on this server.` };
    }

    const warnings: string[] = [];
    let plan = item.remote.plan ?? 'default';
    if (!this.inventory.hasPackage(plan)) {
      warnings.push(`The package “${plan}” does not exist on this server, so the account uses the “default” package.`);
      plan = 'default';
    }
    if (overwrite && this.inventory.userExists(name)) warnings.push(`The existing account “${name}” was overwritten.`);

    const claimKeys = [`user:${name}`, `domain:${domain}`];
    for (const key of claimKeys) this.claims.add(key);
    const release = (): void => {
      for (const key of claimKeys) this.claims.delete(key);
    };
    return {
      warnings,
      release,
      commit: () => {
        release();
        this.inventory.addAccount({ user: name, domain, bytesUsed: item.size, owner: item.remote.owner ?? 'root', plan });
      },
    };
  }

  private restorePackage(item: SessionItem): StepOutcome {
    if (this.inventory.hasPackage(item.primaryValue)) {
      return { warnings: [`The package “${item.primaryValue}” already exists on this server and was left unchanged.`] };
    }
    const hostingPackage = { name: item.primaryValue, featurelist: item.remote.featurelist ?? 'default' };
    return { commit: () => this.inventory.addPackage(hostingPackage) };
  }

  private restoreFeatureList(item: SessionItem): StepOutcome {
    if (this.inventory.hasFeatureList(item.primaryValue)) {
      return { warnings: [`The feature list “${item.primaryValue}” already exists on this server and was left unchanged.`] };
    }
    return { commit: () => this.inventory.addFeatureList(item.primaryValue) };
  }
}

function remoteFailure(error: unknown, remoteHost: string): string {
  if (error instanceof PeerCallError && error.kind === 'authentication') {
    return `The remote server “${remoteHost}” rejected the session's credentials.`;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `The system failed to fetch the item from the remote server “${remoteHost}”: ${detail}`;
}
