/**
 * The Prometheus metrics of `whm-migrate serve`: counters of requests, alerts, signals and Temporal
 * failures kept in this process, and gauges of the migrations computed from a census at each scrape.
 * Label values come from fixed sets or route patterns, never from hosts or workflow ids.
 */
import { MetricsRegistry } from '../../metrics';
import { TEMPORAL_OPERATIONS, type TemporalOperation } from '../temporal-failures';
import { HOLD_KINDS, type CensusReading } from './census';

/** Signals the service sends to workflows: the control signals, and `alert` to the server workflows. */
export type SentSignal = 'pause' | 'resume' | 'abort' | 'alert';
/** Updates the service sends for control requests that wait for the result (`?wait=true`). */
export type SentUpdate = 'pause' | 'resume' | 'abort';
export type AlertFormat = 'alertmanager' | 'generic';

/** Route label of a request that matched no route, so the raw path never becomes a label value. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Methods kept as label values; the rest of Node.js's `http.METHODS` are counted as `other`. */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const HELP = {
  requests: 'HTTP responses sent, by route pattern, method and status code.',
  alerts: 'Alerts received in valid alert requests, by payload format and alert status (firing or resolved).',
  signals: 'Signals sent to workflows, by signal; a bulk pause or resume counts each migration signalled.',
  updates: 'Updates sent to migration workflows (control requests with ?wait=true), by update.',
  temporalErrors: 'Temporal calls that failed because Temporal was unreachable, timed out, lacked the namespace or reported a server error, by operation.',
  temporalUp: '1 when the last census of the migrations from Temporal visibility succeeded, else 0.',
  migrations: 'Running migrations on the service\'s task queue, by the phase they last indexed (search attribute WhmMigratePhase).',
  paused: 'Running migrations on the service\'s task queue with at least one active hold.',
  holds: 'Active holds on running migrations of the service\'s task queue, by kind: the hold source up to its first colon (operator, health, alert, schedule), or other.',
};

/** The counters of one service and the rendering of `GET /metrics`. */
export class ServeMetrics {
  private readonly counters = new MetricsRegistry();

  constructor() {
    // Known series start at 0, so rate() and absent-series alerts work before the first event.
    for (const signal of ['pause', 'resume', 'abort', 'alert'] as const) this.signalsSent(signal, 0);
    for (const update of ['pause', 'resume', 'abort'] as const) this.counters.increment('whm_migrate_serve_updates_sent_total', HELP.updates, { update }, 0);
    for (const format of ['alertmanager', 'generic'] as const) {
      for (const status of ['firing', 'resolved'] as const) this.counters.increment('whm_migrate_serve_alerts_received_total', HELP.alerts, { format, status }, 0);
    }
    for (const operation of TEMPORAL_OPERATIONS) this.counters.increment('whm_migrate_serve_temporal_errors_total', HELP.temporalErrors, { operation }, 0);
  }

  /** Counts a response sent; `route` is the route's pattern, or {@link UNMATCHED_ROUTE}. */
  requestCompleted(route: string, method: string, status: number): void {
    const labels = { route, method: METHODS.has(method) ? method : 'other', status: String(status) };
    this.counters.increment('whm_migrate_serve_http_requests_total', HELP.requests, labels);
  }

  alertReceived(format: AlertFormat, status: 'firing' | 'resolved'): void {
    this.counters.increment('whm_migrate_serve_alerts_received_total', HELP.alerts, { format, status });
  }

  signalsSent(signal: SentSignal, count = 1): void {
    this.counters.increment('whm_migrate_serve_signals_sent_total', HELP.signals, { signal }, count);
  }

  updateSent(update: SentUpdate): void {
    this.counters.increment('whm_migrate_serve_updates_sent_total', HELP.updates, { update });
  }

  temporalFailed(operation: TemporalOperation): void {
    this.counters.increment('whm_migrate_serve_temporal_errors_total', HELP.temporalErrors, { operation });
  }

  /** Renders the counters and the gauges of `reading`; without a census, only `whm_migrate_serve_temporal_up 0` stands for them. */
  render(reading: CensusReading): string {
    const gauges = new MetricsRegistry();
    const { census } = reading;
    gauges.set('whm_migrate_serve_temporal_up', HELP.temporalUp, census === undefined ? 0 : 1);

    if (census !== undefined) {
      for (const [phase, count] of Object.entries(census.phases)) gauges.set('whm_migrate_migrations', HELP.migrations, count, { phase });
      gauges.set('whm_migrate_migrations_paused', HELP.paused, census.paused);
      for (const kind of HOLD_KINDS) gauges.set('whm_migrate_holds_active', HELP.holds, census.holds[kind], { kind });
    }
    return this.counters.render() + gauges.render();
  }
}
