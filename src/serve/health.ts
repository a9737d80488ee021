import type { Router } from './http/router';
import type { ServerWorkflows } from './server-workflows';

/**
 * Registers the probes, which need no token: `GET /healthz` (the process serves HTTP) and
 * `GET /readyz` (Temporal responds and has the namespace, so alerts can be stored; 503 otherwise).
 */
export function addHealthRoutes(router: Router, serverWorkflows: ServerWorkflows): void {
  router.add('GET', '/healthz', () => Promise.resolve({ status: 200, body: { status: 'ok' } }), { auth: false });

  router.add(
    'GET',
    '/readyz',
    async () => {
      await serverWorkflows.checkReady();
      return { status: 200, body: { status: 'ready' } };
    },
    { auth: false },
  );
}
