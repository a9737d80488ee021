/**
 * Facts derived from a validated plan: its session type, workflow id, summary and WHM address.
 * Pure functions without Node imports, so workflow code may use them.
 */
import type { MigrationPlan } from './schema';

/** Type of the WHM transfer session a plan creates: root-authenticated or user-authenticated. */
export type SessionType = 'root' | 'user';

/** Counts and endpoints of a plan, for confirmation prompts and status output. */
export interface PlanSummary {
  accounts: number;
  packages: number;
  featureLists: number;
  /** Sum of the accounts' `sizeBytes` where the plan gives it, in bytes. */
  knownBytes: number;
  sessionType: SessionType;
  /** `user@host:sshPort` of the source. */
  source: string;
  /** WHM origin of the destination, e.g. `https://dest.example.com:2087`. */
  destination: string;
}

/** Returns `user` when the plan's accounts use AccountRemoteUser, else `root` (validation forbids a mix). */
export function planSessionType(plan: Pick<MigrationPlan, 'items'>): SessionType {
  return plan.items.accounts.some((account) => account.module === 'AccountRemoteUser') ? 'user' : 'root';
}

/**
 * Returns the Temporal workflow id of a plan's migration: `whm-migrate/<destination host>/<name>`.
 * The host is lower-cased without a trailing dot, so every spelling of one server gives one id, and
 * starting the same plan twice finds the running migration instead of starting a second one.
 */
export function migrationWorkflowId(plan: { name: string; destination: { host: string } }): string {
  const host = plan.destination.host.toLowerCase().replace(/\.$/, '');
  return `whm-migrate/${host}/${plan.name}`;
}

/** Returns the WHM origin of the destination, e.g. `https://dest.example.com:2087` or `http://[::1]:2086`. */
export function destinationBaseUrl(destination: Pick<MigrationPlan['destination'], 'scheme' | 'host' | 'port'>): string {
  return `${destination.scheme}://${hostForUrl(destination.host)}:${destination.port}`;
}

/** Summarises what a plan transfers and between which servers. */
export function planSummary(plan: MigrationPlan): PlanSummary {
  return {
    accounts: plan.items.accounts.length,
    packages: plan.items.packages.length,
    featureLists: plan.items.featureLists.length,
    knownBytes: plan.items.accounts.reduce((total, account) => total + (account.sizeBytes ?? 0), 0),
    sessionType: planSessionType(plan),
    source: `${plan.source.user}@${hostForUrl(plan.source.host)}:${plan.source.sshPort}`,
    destination: destinationBaseUrl(plan.destination),
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
