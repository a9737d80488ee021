/**
 * The generic alert form, for senders other than Alertmanager (a cron check, a script, another
 * monitoring system): `{ "server": "dest.example.com", "healthy": false, "reason": "...", "key": "..." }`.
 */
import { z } from 'zod';
import { alertRequestSchema } from '../../server-messages';
import { MAX_REASON_LENGTH, type AlertDelivery } from './delivery';
import { parseServerHost } from './server-host';

/** Alert key of a generic alert that names none. */
export const GENERIC_ALERT_KEY = 'generic';

export const genericAlertSchema = z.strictObject({
  server: z.string().transform((value, context) => {
    const parsed = parseServerHost(value);
    if (parsed.ok) return parsed.host;
    context.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }),
  healthy: z.boolean({ error: 'must be true (resolves the alert) or false (fires it)' }),
  reason: z.string().trim().min(1, 'must not be empty').max(MAX_REASON_LENGTH, `must be at most ${MAX_REASON_LENGTH} characters`).optional(),
  key: alertRequestSchema.shape.key.optional(),
});

export type GenericAlert = z.infer<typeof genericAlertSchema>;

/** Maps a generic alert to its delivery: unhealthy fires the alert, healthy resolves it. */
export function mapGenericAlert(alert: GenericAlert, receivedAt: string): AlertDelivery {
  const reason = alert.reason ?? (alert.healthy ? undefined : `${alert.server} reported unhealthy through POST /alerts`);
  return {
    host: alert.server,
    alert: {
      key: alert.key ?? GENERIC_ALERT_KEY,
      status: alert.healthy ? 'resolved' : 'firing',
      ...(reason === undefined ? {} : { reason }),
      receivedAt,
    },
  };
}
