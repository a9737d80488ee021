import type { Logger } from '../../log';
import { readJsonBody } from '../http/body';
import type { Reply, RequestContext, Router } from '../http/router';
import type { ServeMetrics } from '../metrics/serve-metrics';
import type { ServerWorkflows } from '../server-workflows';
import { alertmanagerPayloadSchema, mapAlertmanagerPayload } from './alertmanager';
import type { AlertDelivery, UnmappedAlert } from './delivery';
import { genericAlertSchema, mapGenericAlert } from './generic';

export interface AlertRoutesOptions {
  serverWorkflows: ServerWorkflows;
  metrics: ServeMetrics;
  /** Alert label that names the server. */
  serverLabel: string;
  maxBodyBytes: number;
}

/** Registers `POST /alerts/alertmanager` and `POST /alerts`. */
export function addAlertRoutes(router: Router, options: AlertRoutesOptions): void {
  router.add('POST', '/alerts/alertmanager', async (context) => {
    const payload = await readJsonBody(context.request, alertmanagerPayloadSchema, options.maxBodyBytes);
    for (const alert of payload.alerts) options.metrics.alertReceived('alertmanager', alert.status);
    const { deliveries, unmapped } = mapAlertmanagerPayload(payload, options.serverLabel, new Date().toISOString());

    const batch = { receiver: payload.receiver, groupKey: payload.groupKey, alerts: payload.alerts.length };
    for (const alert of unmapped) {
      context.logger.warn({ ...batch, ...alert, serverLabel: options.serverLabel }, 'alert names no server; reported back as unmapped');
    }
    return deliver(context, options, deliveries, unmapped);
  });

  router.add('POST', '/alerts', async (context) => {
    const alert = await readJsonBody(context.request, genericAlertSchema, options.maxBodyBytes);
    const delivery = mapGenericAlert(alert, new Date().toISOString());
    options.metrics.alertReceived('generic', delivery.alert.status);
    return deliver(context, options, [delivery], []);
  });
}

/**
 * Sends every delivery and replies 202. Signals for one server go in payload order, because a
 * firing and a resolved of the same alert in one payload must arrive in that order. Servers are
 * signalled in parallel. If any signal fails, the whole request fails (503 when Temporal is
 * unreachable) and the sender retries it. Signals that already went through then arrive again,
 * which the server workflow ignores.
 */
async function deliver(context: RequestContext, options: AlertRoutesOptions, deliveries: AlertDelivery[], unmapped: UnmappedAlert[]): Promise<Reply> {
  const byHost = new Map<string, AlertDelivery[]>();
  for (const delivery of deliveries) byHost.set(delivery.host, [...(byHost.get(delivery.host) ?? []), delivery]);

  const results = await Promise.allSettled([...byHost.values()].map((list) => signalInOrder(context.logger, options, list)));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure !== undefined) throw failure.reason;

  return { status: 202, body: { accepted: deliveries.length, servers: [...byHost.keys()], unmapped } };
}

async function signalInOrder(logger: Logger, options: AlertRoutesOptions, deliveries: AlertDelivery[]): Promise<void> {
  for (const { host, alert } of deliveries) {
    const fields = { host, key: alert.key, status: alert.status };
    try {
      const target = await options.serverWorkflows.signalAlert(host, alert);
      options.metrics.signalsSent('alert');
      logger.info({ ...fields, ...target }, 'alert signalled to the server workflow');
    } catch (error) {
      logger.error({ ...fields, err: error }, 'failed to signal the alert to the server workflow');
      throw error;
    }
  }
}
