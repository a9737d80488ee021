/**
 * State of one migration, kept by the workflow and carried across continue-as-new: phase, WHM
 * session, holds, pauses and per-item progress. Pure and deterministic: every method takes the time
 * from its caller, so the workflow passes workflow time and tests pass fixed times.
 */
import type { AccountAnalysis, ItemLogProgress, SessionStateReport, TransferItemParams } from '../activities';
import {
  type AbortRequest,
  type Conflict,
  type ItemProgress,
  type MigrationCounts,
  type MigrationPhase,
  type MigrationReport,
  type MigrationStatus,
  OPERATOR_SOURCE,
  parseRequest,
  pauseRequestSchema,
  type PauseRecord,
  type RejectedRequest,
  resumeRequestSchema,
} from '../messages';
import type { MigrationPlan } from '../plan';
import { isTerminal } from '../whm/states';
import { Holds, type HoldsState } from './holds';
import { appendRejectedRequest } from './rejected-requests';


/** Everything a new run needs to continue where the previous one stopped. */
export interface CarriedState {
  phase: MigrationPhase;
  sessionId?: string;
  sessionCreationAttempts: number;
  whmState?: string;
  whmPhase?: SessionStateReport['phase'];
  stateCheckedAt?: string;
  started: boolean;
  abortRequested?: { at: string; source: string; reason: string };
  abortSent: boolean;
  holds: HoldsState;
  pauses: PauseRecord[];
  items: ItemProgress[];
  conflicts: Conflict[];
  rejectedRequests: RejectedRequest[];
  lastError?: string;
  progressSignature?: string;
  startedAt: string;
  transferStartedAt?: string;
}

export class MigrationState {
  phase: MigrationPhase;
  sessionId: string | undefined;
  sessionCreationAttempts: number;
  whmState: string | undefined;
  whmPhase: SessionStateReport['phase'] | undefined;
  started: boolean;
  abortRequested: CarriedState['abortRequested'];
  abortSent: boolean;
  readonly holds: Holds;
  lastError: string | undefined;
  /** Fingerprint of the last item progress the monitor returned. */
  progressSignature: string;
  private stateCheckedAt: string | undefined;
  private pauses: PauseRecord[];
  private items: ItemProgress[];
  private conflicts: Conflict[];
  private rejectedRequests: RejectedRequest[];
  private readonly startedAt: string;
  private transferStartedAt: string | undefined;
  private updatedAt: string;

  constructor(
    readonly plan: MigrationPlan,
    now: string,
    carried?: CarriedState,
  ) {
    this.phase = carried?.phase ?? 'creating-session';
    this.sessionId = carried?.sessionId;
    this.sessionCreationAttempts = carried?.sessionCreationAttempts ?? 0;
    this.whmState = carried?.whmState;
    this.whmPhase = carried?.whmPhase;
    this.stateCheckedAt = carried?.stateCheckedAt;
    this.started = carried?.started ?? false;
    this.abortRequested = carried?.abortRequested;
    this.abortSent = carried?.abortSent ?? false;
    this.holds = new Holds(carried?.holds);
    this.pauses = carried?.pauses ?? [];
    this.items = carried?.items ?? initialItems(plan);
    this.conflicts = carried?.conflicts ?? [];
    this.rejectedRequests = carried?.rejectedRequests ?? [];
    this.lastError = carried?.lastError;
    this.progressSignature = carried?.progressSignature ?? '';
    this.startedAt = carried?.startedAt ?? now;
    this.transferStartedAt = carried?.transferStartedAt;
    this.updatedAt = now;
  }

  get sessionType(): 'root' | 'user' {
    return this.plan.items.accounts.some((account) => account.module === 'AccountRemoteUser') ? 'user' : 'root';
  }

  /** True while the transfer should not run: a hold is active and no abort overrides it. */
  get held(): boolean {
    return this.holds.isHeld && !this.abortRequested;
  }

  get whmTerminal(): boolean {
    return this.whmState !== undefined && isTerminal(this.whmState);
  }

  /** Applies a `pause` signal payload. Returns the rejection text for an invalid payload. */
  pause(payload: unknown, now: string): string | undefined {
    const parsed = parseRequest(pauseRequestSchema, payload);
    if (!parsed.ok) return this.reject('pause', parsed.error, now);
    const source = parsed.request.source ?? OPERATOR_SOURCE;
    this.addHold(source, parsed.request.reason ?? `paused by ${source}`, now);
    return undefined;
  }

  /** Adds or refreshes `source`'s hold, opening a pause record when it is the first hold. */
  addHold(source: string, reason: string, now: string): void {
    const wasHeld = this.holds.isHeld;
    this.holds.hold(source, reason, now);
    if (!wasHeld && !this.whmTerminal) this.pauses.push({ requestedAt: now, sources: [source], reasons: [reason] });
    else this.addToOpenPause(source, reason);
    this.touch(now);
  }

  /** Releases `source`'s hold, if it has one. */
  releaseHold(source: string, reason: string, now: string): void {
    if (this.holds.release(source, reason, now)) this.touch(now);
  }

  /** Applies a `resume` signal payload. Returns the rejection text for an invalid payload. */
  resume(payload: unknown, now: string): string | undefined {
    const parsed = parseRequest(resumeRequestSchema, payload);
    if (!parsed.ok) return this.reject('resume', parsed.error, now);
    const source = parsed.request.source ?? OPERATOR_SOURCE;
    const reason = parsed.request.reason ?? `resumed by ${source}`;
    if (parsed.request.all) this.holds.releaseAll(source, reason, now);
    else this.holds.release(source, reason, now);
    this.touch(now);
    return undefined;
  }

  /** Applies an `abort` signal payload. Returns the rejection text for an invalid payload. */
  abort(payload: unknown, now: string): string | undefined {
    const parsed = parseRequest<AbortRequest>(pauseRequestSchema, payload);
    if (!parsed.ok) return this.reject('abort', parsed.error, now);
    const source = parsed.request.source ?? OPERATOR_SOURCE;
    this.abortRequested ??= { at: now, source, reason: parsed.request.reason ?? `aborted by ${source}` };
    this.touch(now);
    return undefined;
  }

  sessionCreated(sessionId: string, attempt: number, now: string): void {
    this.sessionId = sessionId;
    this.sessionCreationAttempts = attempt;
    this.whmState = 'PENDING';
    this.whmPhase = 'PENDING';
    this.stateCheckedAt = now;
    this.touch(now);
  }

  /** Records a state WHM reported, and closes or confirms the open pause accordingly. */
  applyState(report: SessionStateReport, now: string): void {
    this.whmState = report.state;
    this.whmPhase = report.phase;
    this.stateCheckedAt = now;
    if (report.phase !== 'PENDING' && !this.started) {
      this.started = true;
      this.transferStartedAt ??= now;
    }
    const open = this.openPause();
    if (open) {
      if (report.phase === 'PAUSED') open.pausedAt ??= now;
      else if ((report.phase === 'RUNNING' && open.pausedAt !== undefined) || isTerminal(report.state)) open.resumedAt ??= now;
    }
    this.touch(now);
  }

  /**
   * Sizes from the analysis fill in unknown account sizes. Returns the conflicts: accounts missing on
   * the source, and destination names or domains already taken.
   */
  applyAnalysis(accounts: AccountAnalysis[], now: string): Conflict[] {
    const conflicts: Conflict[] = [];
    for (const analysis of accounts) {
      const planned = this.plan.items.accounts.find((account) => account.user === analysis.user);
      const item = this.items.find((candidate) => candidate.kind === 'account' && candidate.name === analysis.user);
      if (!planned || !item) continue;
      const localName = planned.localuser ?? planned.user;
      if (item.sizeBytes <= 1 && analysis.bytesUsed !== undefined && analysis.bytesUsed > 0) item.sizeBytes = analysis.bytesUsed;
      if (analysis.foundOnSource === false) {
        conflicts.push({ item: analysis.user, problem: `account "${analysis.user}" does not exist on the source server ${this.plan.source.host}` });
      }
      if (analysis.localUserExists) {
        conflicts.push({ item: analysis.user, problem: `user "${localName}" already exists on the destination ${this.plan.destination.host}` });
      }
      if (analysis.domainOwner !== undefined && analysis.domainOwner !== localName) {
        conflicts.push({
          item: analysis.user,
          problem: `domain "${analysis.domain}" already belongs to "${analysis.domainOwner}" on the destination ${this.plan.destination.host}`,
        });
      }
    }
    this.conflicts = conflicts;
    this.touch(now);
    return conflicts;
  }

  /** Marks accounts as skipped (onConflict: "skip"); they are not enqueued. */
  skipAccounts(users: string[], now: string): void {
    for (const item of this.items) {
      if (item.kind !== 'account' || !users.includes(item.name)) continue;
      item.status = 'skipped';
      item.reason = this.conflicts.filter((conflict) => conflict.item === item.name).map((conflict) => conflict.problem).join('; ');
    }
    this.touch(now);
  }

  /** Parameters of every enqueue_transfer_item call: packages and feature lists before accounts. */
  transferItems(): TransferItemParams[] {
    const params: TransferItemParams[] = [];
    for (const item of this.items) {
      if (item.status === 'skipped') continue;
      if (item.kind === 'package') params.push({ module: 'PackageRemoteRoot', package: item.name });
      else if (item.kind === 'featurelist') params.push({ module: 'FeatureListRemoteRoot', featurelist: item.name });
      else {
        const account = this.plan.items.accounts.find((candidate) => candidate.user === item.name);
        if (!account) continue;
        params.push({
          ...account.options,
          module: account.module,
          user: account.user,
          localuser: account.localuser ?? account.user,
          ...(account.domain === undefined ? {} : { domain: account.domain }),
          size: Math.max(1, item.sizeBytes),
        });
      }
    }
    return params;
  }

  /** Merges per-item progress read from master.log. */
  applyProgress(progress: ItemLogProgress[], now: string): void {
    for (const entry of progress) {
      const item = this.items.find((candidate) => candidate.module === entry.module && candidate.name === entry.item);
      if (!item || item.status === 'skipped') continue;
      item.status = entry.status;
      item.warnings = entry.warnings;
      item.reason = entry.reason;
      if (entry.sizeBytes !== undefined && entry.sizeBytes > 0) item.sizeBytes = entry.sizeBytes;
      item.startedAt = entry.startedAt === undefined ? item.startedAt : new Date(entry.startedAt * 1000).toISOString();
      item.finishedAt = entry.endedAt === undefined ? item.finishedAt : new Date(entry.endedAt * 1000).toISOString();
    }
    this.touch(now);
  }

  /** Items that WHM never processed once the session has ended: aborted, or never enqueued. */
  markUnprocessed(now: string): void {
    for (const item of this.items) {
      if (item.status === 'queued' || item.status === 'transferring' || item.status === 'restoring') {
        item.status = 'not-run';
        item.reason ??= this.abortRequested ? 'the migration was aborted before this item finished' : 'WHM did not report an outcome';
      }
    }
    this.touch(now);
  }

  recordError(message: string, now: string): void {
    this.lastError = message;
    this.touch(now);
  }

  status(workflowMigration = this.plan.name): MigrationStatus {
    return {
      migration: workflowMigration,
      phase: this.phase,
      source: this.plan.source.host,
      destination: this.plan.destination.host,
      whm: { sessionId: this.sessionId, state: this.whmState, stateCheckedAt: this.stateCheckedAt },
      paused: this.holds.isHeld,
      holds: this.holds.list(),
      holdHistory: this.holds.events(),
      pauses: this.pauses.map((pause) => ({ ...pause })),
      items: this.items.map((item) => ({ ...item })),
      counts: this.counts(),
      bytes: this.bytes(),
      rejectedRequests: [...this.rejectedRequests],
      conflicts: [...this.conflicts],
      abortRequested: this.abortRequested,
      lastError: this.lastError,
      startedAt: this.startedAt,
      updatedAt: this.updatedAt,
    };
  }

  report(outcome: MigrationReport['outcome'], now: string): MigrationReport {
    const counts = this.counts();
    return {
      migration: this.plan.name,
      outcome: outcome === 'succeeded' && counts.failed + counts.notRun > 0 ? 'completed-with-failures' : outcome,
      source: this.plan.source.host,
      destination: this.plan.destination.host,
      sessionId: this.sessionId,
      finalState: this.whmState,
      items: this.items.map((item) => ({ ...item })),
      counts,
      bytes: this.bytes(),
      pauses: this.pauses.map((pause) => ({ ...pause })),
      conflicts: [...this.conflicts],
      abortRequested: this.abortRequested,
      sessionCreationAttempts: this.sessionCreationAttempts,
      startedAt: this.startedAt,
      transferStartedAt: this.transferStartedAt,
      finishedAt: now,
    };
  }

  /**
   * Markdown for the Web UI's "current details" panel. Paragraphs are separated by blank lines, since
   * Markdown joins single line breaks, and the holds come first because the panel cuts off long text.
   */
  details(): string {
    const counts = this.counts();
    const bytes = this.bytes();
    const paragraphs = [`**${this.plan.name}**: ${this.plan.source.host} → ${this.plan.destination.host}, phase **${this.phase}**`];
    const holds = this.holds.list();
    if (holds.length > 0) {
      paragraphs.push(['Active holds:', '', ...holds.map((hold) => `- ${hold.source}: ${hold.reason} (since ${hold.since})`)].join('\n'));
    }
    if (this.abortRequested) paragraphs.push(`Abort requested by ${this.abortRequested.source}: ${this.abortRequested.reason}`);
    paragraphs.push(
      `Items: ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.inProgress} in progress, ${counts.queued} queued, ` +
        `${counts.skipped} skipped of ${counts.total}; ${formatBytes(bytes.done)} of ${formatBytes(bytes.total)}`,
    );
    paragraphs.push(`WHM session \`${this.sessionId ?? 'not created yet'}\`, state ${this.whmState ?? 'unknown'}`);
    if (this.lastError) paragraphs.push(`Last error: ${this.lastError}`);
    return paragraphs.join('\n\n');
  }

  toCarried(): CarriedState {
    return {
      phase: this.phase,
      sessionId: this.sessionId,
      sessionCreationAttempts: this.sessionCreationAttempts,
      whmState: this.whmState,
      whmPhase: this.whmPhase,
      stateCheckedAt: this.stateCheckedAt,
      started: this.started,
      abortRequested: this.abortRequested,
      abortSent: this.abortSent,
      holds: this.holds.toJSON(),
      pauses: this.pauses,
      items: this.items,
      conflicts: this.conflicts,
      rejectedRequests: this.rejectedRequests,
      lastError: this.lastError,
      progressSignature: this.progressSignature,
      startedAt: this.startedAt,
      transferStartedAt: this.transferStartedAt,
    };
  }

  private counts(): MigrationCounts {
    const count = (...statuses: ItemProgress['status'][]): number => this.items.filter((item) => statuses.includes(item.status)).length;
    return {
      total: this.items.length,
      queued: count('queued'),
      inProgress: count('transferring', 'restoring'),
      succeeded: count('succeeded'),
      failed: count('failed'),
      skipped: count('skipped'),
      notRun: count('not-run'),
    };
  }

  private bytes(): { total: number; done: number } {
    let total = 0;
    let done = 0;
    for (const item of this.items) {
      if (item.status === 'skipped') continue;
      total += item.sizeBytes;
      if (item.status === 'succeeded') done += item.sizeBytes;
    }
    return { total, done };
  }

  private openPause(): PauseRecord | undefined {
    const last = this.pauses.at(-1);
    return last && last.resumedAt === undefined ? last : undefined;
  }

  private addToOpenPause(source: string, reason: string): void {
    const open = this.openPause();
    if (!open) return;
    if (!open.sources.includes(source)) open.sources.push(source);
    if (!open.reasons.includes(reason)) open.reasons.push(reason);
  }

  private reject(signal: string, error: string, now: string): string {
    this.rejectedRequests = appendRejectedRequest(this.rejectedRequests, { at: now, signal, error });
    this.touch(now);
    return error;
  }

  private touch(now: string): void {
    this.updatedAt = now;
  }
}

function initialItems(plan: MigrationPlan): ItemProgress[] {
  const queued = { status: 'queued' as const, warnings: 0 };
  return [
    ...plan.items.packages.map((pkg) => ({ kind: 'package' as const, name: pkg.name, module: 'PackageRemoteRoot', sizeBytes: 1, ...queued })),
    ...plan.items.featureLists.map((list) => ({ kind: 'featurelist' as const, name: list.name, module: 'FeatureListRemoteRoot', sizeBytes: 1, ...queued })),
    ...plan.items.accounts.map((account) => ({
      kind: 'account' as const,
      name: account.user,
      localName: account.localuser ?? account.user,
      module: account.module,
      sizeBytes: account.sizeBytes ?? 1,
      ...queued,
    })),
  ];
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
