import { evaluateReadiness } from '../production/health-endpoint';
import type { Router } from './http/router';
import type { ServerWorkflows } from './server-workflows';

export interface HealthRoutesOptions {
  serverWorkflows: ServerWorkflows;
  /** How long the Temporal check of /readyz may take, in milliseconds. */
  checkTimeoutMs: number;
  /** Seconds a client should wait before probing again after a 503. */
  retryAfterSeconds: number;
}

/**
 * Registers the probes, which need no token: `GET /healthz` (the process serves HTTP) and
 * `GET /readyz` (Temporal responds and has the namespace, so alerts can be stored; 503 otherwise).
 * `/readyz` sends the same report as the worker's: the overall status and each check's result.
 */
export function addHealthRoutes(router: Router, options: HealthRoutesOptions): void {
  router.add('GET', '/healthz', () => Promise.resolve({ status: 200, body: { status: 'ok' } }), { auth: false });

  const checks = {
    temporal: async () => {
      await options.serverWorkflows.checkReady();
      return { ok: true };
    },
  };
  router.add(
    'GET',
    '/readyz',
    async (context) => {
      const report = await evaluateReadiness(checks, options.checkTimeoutMs);
      if (report.status === 'ready') return { status: 200, body: { ...report } };

      context.logger.warn({ checks: report.checks }, 'not ready: a readiness check failed');
      return { status: 503, headers: { 'retry-after': String(options.retryAfterSeconds) }, body: { ...report } };
    },
    { auth: false },
  );
}
