/**
 * State of one server workflow, carried across continue-as-new: the health config and hysteresis,
 * the active alerts, and the holds they produce. Pure and deterministic: every method takes the time
 * from its caller, so the workflow passes workflow time and tests pass fixed times.
 */
import { serverHealthConfigSchema, type ServerHealthConfig } from '../health/config';
import { describeCheck, evaluateCheck, type HealthCheckResult } from '../health/evaluate';
import { INITIAL_HEALTH_STATE, nextHealthState, type HealthState, type HealthStatus } from '../health/hysteresis';
import { parseRequest, type RejectedRequest } from '../messages';
import {
  type ActiveAlert,
  alertHoldSource,
  alertRequestSchema,
  healthHoldSource,
  type RecordedCheck,
  type ReconcileRecord,
  serverOwnedSourcePrefixes,
  type ServerStatus,
} from '../server-messages';
import { Holds, type HoldsState } from './holds';
import { appendRejectedRequest } from './rejected-requests';

/** Alert keys whose last delivery time is remembered, so older deliveries can be ignored. */
const MAX_ALERT_RECEIPTS = 200;

/** Everything a new run needs to continue where the previous one stopped. */
export interface ServerCarriedState {
  config: ServerHealthConfig | null;
  health: HealthState;
  lastCheck?: RecordedCheck;
  lastCheckError?: string;
  nextCheckAt?: string;
  holds: HoldsState;
  alerts: ActiveAlert[];
  /** `receivedAt` of the latest delivery per alert key, active or resolved. */
  alertReceipts: Record<string, string>;
  lastReconcile?: ReconcileRecord;
  rejectedRequests: RejectedRequest[];
  startedAt: string;
}

/** Outcome of a signal: rejected with `error`, ignored with `ignored`, or applied. */
export interface SignalOutcome {
  error?: string;
  ignored?: string;
}

/** A change of the health state, for the workflow's log. */
export interface HealthChange {
  from: HealthStatus;
  to: HealthStatus;
  reason?: string;
}

export class ServerState {
  config: ServerHealthConfig | null;
  health: HealthState;
  readonly holds: Holds;
  /** Set by signals that call for a reconciliation now; the workflow loop clears it. */
  wakeRequested = false;
  private lastCheck: RecordedCheck | undefined;
  private lastCheckError: string | undefined;
  private nextCheckAt: string | undefined;
  private readonly alerts: Map<string, ActiveAlert>;
  private readonly alertReceipts: Map<string, string>;
  private lastReconcile: ReconcileRecord | undefined;
  private rejectedRequests: RejectedRequest[];
  private readonly startedAt: string;
  private updatedAt: string;

  constructor(
    readonly host: string,
    now: string,
    carried?: ServerCarriedState,
  ) {
    this.config = carried?.config ?? null;
    this.health = carried?.health ?? { ...INITIAL_HEALTH_STATE };
    this.holds = new Holds(carried?.holds);
    this.lastCheck = carried?.lastCheck;
    this.lastCheckError = carried?.lastCheckError;
    this.nextCheckAt = carried?.nextCheckAt;
    this.alerts = new Map((carried?.alerts ?? []).map((alert) => [alert.key, alert]));
    this.alertReceipts = new Map(Object.entries(carried?.alertReceipts ?? {}));
    this.lastReconcile = carried?.lastReconcile;
    this.rejectedRequests = carried?.rejectedRequests ?? [];
    this.startedAt = carried?.startedAt ?? now;
    this.updatedAt = now;
  }

  get healthSource(): string {
    return healthHoldSource(this.host);
  }

  get ownedSourcePrefixes(): string[] {
    return serverOwnedSourcePrefixes(this.host);
  }

  /**
   * Applies a `configureHealth` payload: a config for this host starts or changes health checks
   * (the next check runs at once), `null` stops them and releases the health hold. The same config
   * sent again changes nothing.
   */
  configure(payload: unknown, now: string): SignalOutcome {
    if (payload === null) {
      if (this.config === null) return { ignored: 'health checks are already stopped' };
      this.config = null;
      this.health = { ...INITIAL_HEALTH_STATE };
      this.nextCheckAt = undefined;
      this.holds.release(this.healthSource, `health checks of ${this.host} stopped`, now);
      this.wake(now);
      return {};
    }
    if (payload === undefined) {
      return { error: this.reject('configureHealth', 'payload: missing. Send a server health config, or null to stop health checks', now) };
    }

    const parsed = parseRequest(serverHealthConfigSchema, payload);
    if (!parsed.ok) return { error: this.reject('configureHealth', parsed.error, now) };
    const config = parsed.request;
    if (config.host.toLowerCase() !== this.host) {
      return { error: this.reject('configureHealth', `host: "${config.host}" is not this workflow's server ${this.host}. Signal the workflow of ${config.host} instead`, now) };
    }
    if (this.config !== null && JSON.stringify(this.config) === JSON.stringify(config)) return { ignored: 'the same health config is already active' };

    this.config = config;
    this.nextCheckAt = now;
    this.wake(now);
    return {};
  }

  /**
   * Applies an `alert` payload: firing adds or refreshes the alert's hold, resolved releases it. A
   * delivery older than the last one seen for the same key (by `receivedAt`) is ignored.
   */
  alert(payload: unknown, now: string): SignalOutcome {
    const parsed = parseRequest(alertRequestSchema, payload);
    if (!parsed.ok) return { error: this.reject('alert', parsed.error, now) };
    const { key, status, reason, receivedAt } = parsed.request;

    const lastReceived = this.alertReceipts.get(key);
    if (receivedAt !== undefined && lastReceived !== undefined && Date.parse(receivedAt) < Date.parse(lastReceived)) {
      return { ignored: `alert ${key} ${status} received at ${receivedAt} is older than the delivery of ${lastReceived}` };
    }
    if (receivedAt !== undefined) this.rememberReceipt(key, receivedAt);

    const source = alertHoldSource(this.host, key);
    if (status === 'resolved') {
      this.alerts.delete(key);
      if (!this.holds.release(source, reason ?? `alert ${key} resolved on ${this.host}`, now)) return { ignored: `alert ${key} is not active` };
      this.wake(now);
      return {};
    }

    const holdReason = reason ?? `alert ${key} firing on ${this.host}`;
    const existing = this.alerts.get(key);
    this.alerts.set(key, { key, source, reason: holdReason, since: existing?.since ?? now, ...(receivedAt === undefined ? {} : { receivedAt }) });
    const before = this.holds.list().find((hold) => hold.source === source)?.reason;
    this.holds.hold(source, holdReason, now);
    if (before === holdReason) return { ignored: `alert ${key} is already active` };
    this.wake(now);
    return {};
  }

  /** Returns whether a health check is due at `nowMs` (workflow time in ms). */
  checkDue(nowMs: number): boolean {
    return this.config !== null && this.nextCheckAt !== undefined && Date.parse(this.nextCheckAt) <= nowMs;
  }

  /** Workflow time of the next health check in ms, or undefined when health checks are stopped. */
  nextCheckAtMs(): number | undefined {
    return this.config === null || this.nextCheckAt === undefined ? undefined : Date.parse(this.nextCheckAt);
  }

  /** Schedules the next check one interval after `startedMs`, the start of the check being run. */
  scheduleNextCheck(startedMs: number): void {
    if (this.config !== null) this.nextCheckAt = new Date(startedMs + this.config.intervalSeconds * 1000).toISOString();
  }

  /**
   * Feeds one check made with `config` through the hysteresis and updates the health hold. A check
   * made with a config that has since been replaced or removed is dropped. Returns the change of
   * health state, if any.
   */
  applyCheck(config: ServerHealthConfig, result: HealthCheckResult, now: string): HealthChange | undefined {
    if (this.config !== config) return undefined;
    const evaluation = evaluateCheck(config, result);
    const previous = this.health;
    this.health = nextHealthState(previous, evaluation, config, now);
    this.lastCheck = { ...result, ...evaluation };
    this.lastCheckError = undefined;

    if (this.health.status === 'unhealthy') {
      this.holds.hold(this.healthSource, this.health.reason ?? `${this.host} is unhealthy`, now);
    } else if (previous.status === 'unhealthy') {
      this.holds.release(this.healthSource, `health of ${this.host} recovered: ${this.health.consecutiveGood} good checks in a row`, now);
    }
    this.touch(now);

    const changed = previous.status !== this.health.status || previous.reason !== this.health.reason;
    return changed ? { from: previous.status, to: this.health.status, reason: this.health.reason } : undefined;
  }

  /** Records a check that could not run at all; the hysteresis is left as it was. */
  checkFailed(error: string, now: string): void {
    this.lastCheckError = error;
    this.touch(now);
  }

  /** The holds every running migration of the server must carry. */
  wantedHolds(): Array<{ source: string; reason: string }> {
    return this.holds.list().map((hold) => ({ source: hold.source, reason: hold.reason }));
  }

  /** Returns the reason of the latest release of each source not held now, to send along with `resume`. */
  releaseReasons(): Record<string, string> {
    const held = new Set(this.holds.sources());
    const reasons: Record<string, string> = {};
    for (const event of this.holds.events()) {
      if (event.action === 'release' && !held.has(event.source)) reasons[event.source] = event.reason;
    }
    return reasons;
  }

  recordReconcile(record: ReconcileRecord): void {
    this.lastReconcile = record;
    this.touch(record.at);
  }

  status(): ServerStatus {
    return {
      host: this.host,
      health: {
        monitored: this.config !== null,
        state: this.health.status,
        consecutiveGood: this.health.consecutiveGood,
        consecutiveBad: this.health.consecutiveBad,
        consecutiveUnreachable: this.health.consecutiveUnreachable,
        reason: this.health.reason,
        since: this.health.since,
        config: this.config ?? undefined,
        lastCheck: this.lastCheck,
        lastCheckError: this.lastCheckError,
        nextCheckAt: this.config === null ? undefined : this.nextCheckAt,
      },
      alerts: [...this.alerts.values()],
      holds: this.holds.list(),
      holdHistory: this.holds.events(),
      lastReconcile: this.lastReconcile,
      rejectedRequests: [...this.rejectedRequests],
      startedAt: this.startedAt,
      updatedAt: this.updatedAt,
    };
  }

  /** Markdown for the Web UI's "current details" panel. */
  details(): string {
    const lines = [`**Server ${this.host}**`];
    if (this.config === null) {
      lines.push('Health checks: off');
    } else {
      const since = this.health.since === undefined ? '' : ` since ${this.health.since}`;
      lines.push(`Health: **${this.health.status}**${since}, checked every ${this.config.intervalSeconds} s`);
      if (this.health.reason !== undefined) lines.push(`Reason: ${this.health.reason}`);
      if (this.lastCheck !== undefined) lines.push(`Last check ${this.lastCheck.checkedAt}: ${describeCheck(this.lastCheck)}`);
      if (this.lastCheckError !== undefined) lines.push(`Last check failed: ${this.lastCheckError}`);
    }
    const holds = this.holds.list();
    lines.push('', holds.length === 0 ? 'No holds.' : 'Holds on every running migration of this server:');
    for (const hold of holds) lines.push(`- ${hold.source}: ${hold.reason} (since ${hold.since})`);
    const reconcile = this.lastReconcile;
    if (reconcile !== undefined) {
      lines.push(
        '',
        reconcile.error === undefined
          ? `Last reconciliation ${reconcile.at}: ${reconcile.migrations.length} running migrations, ${reconcile.paused.length} held, ${reconcile.resumed.length} released`
          : `Last reconciliation ${reconcile.at} failed: ${reconcile.error}`,
      );
    }
    return lines.join('\n');
  }

  toCarried(): ServerCarriedState {
    return {
      config: this.config,
      health: this.health,
      lastCheck: this.lastCheck,
      lastCheckError: this.lastCheckError,
      nextCheckAt: this.nextCheckAt,
      holds: this.holds.toJSON(),
      alerts: [...this.alerts.values()],
      alertReceipts: Object.fromEntries(this.alertReceipts),
      lastReconcile: this.lastReconcile,
      rejectedRequests: this.rejectedRequests,
      startedAt: this.startedAt,
    };
  }

  private wake(now: string): void {
    this.wakeRequested = true;
    this.touch(now);
  }

  private rememberReceipt(key: string, receivedAt: string): void {
    // Re-inserted so the map stays ordered by last delivery, and the oldest key is dropped first.
    this.alertReceipts.delete(key);
    this.alertReceipts.set(key, receivedAt);
    if (this.alertReceipts.size > MAX_ALERT_RECEIPTS) this.alertReceipts.delete(this.alertReceipts.keys().next().value!);
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
