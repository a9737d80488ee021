import { PROMETHEUS_CONTENT_TYPE } from '../../metrics';
import type { Router } from '../http/router';
import type { MigrationCensus } from './census';
import type { ServeMetrics } from './serve-metrics';

/**
 * Registers `GET /metrics` (and so HEAD), which needs no token, as Prometheus scrapes without one.
 * It returns 200 while Temporal is down: the counters still count, and `whm_migrate_serve_temporal_up`
 * is 0 in place of the migration gauges.
 */
export function addMetricsRoute(router: Router, metrics: ServeMetrics, census: MigrationCensus): void {
  router.add(
    'GET',
    '/metrics',
    async () => {
      const reading = await census.read();
      return { status: 200, headers: { 'content-type': PROMETHEUS_CONTENT_TYPE }, text: metrics.render(reading) };
    },
    { auth: false },
  );
}
