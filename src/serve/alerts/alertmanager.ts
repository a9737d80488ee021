/**
 * The Prometheus Alertmanager webhook (payload version 4): each alert becomes an `alert` signal
 * for the server its labels name. Fields this service does not read are allowed and ignored, so
 * newer Alertmanager releases that add fields keep working.
 */
import { z } from 'zod';
import { alertRequestSchema } from '../../server-messages';
import { clampReason, type AlertDelivery, type UnmappedAlert } from './delivery';
import { parseServerHost } from './server-host';

const labelSetSchema = z.record(z.string(), z.string());
// Alertmanager writes RFC 3339 times with up to nine fractional digits and a Z or an offset.
const timeSchema = z.iso.datetime({ offset: true, error: 'must be an RFC 3339 time such as 2025-01-31T12:00:00Z' });

const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelSetSchema,
  annotations: labelSetSchema.optional(),
  startsAt: timeSchema.optional(),
  endsAt: timeSchema.optional(),
  fingerprint: z.string().optional(),
});

export const alertmanagerPayloadSchema = z.looseObject({
  version: z.literal('4', { error: 'must be "4", the Alertmanager webhook payload version this service reads' }).optional(),
  status: z.enum(['firing', 'resolved']).optional(),
  receiver: z.string().optional(),
  groupKey: z.string().optional(),
  alerts: z.array(alertSchema),
});

export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;
type AlertmanagerAlert = z.infer<typeof alertSchema>;

/** Labels tried when the configured server label is missing from an alert, in this order. */
export const FALLBACK_SERVER_LABELS = ['server', 'host'] as const;

/**
 * Maps every alert of the payload to a delivery, or to an unmapped entry saying why not.
 *
 * The signal's `receivedAt` is the time the alert took its status (`startsAt` when firing,
 * `endsAt` when resolved), falling back to `now`. The server workflow ignores a delivery older
 * than the last one for the same key, so a notification Alertmanager retries after a newer one
 * cannot bring back a resolved alert, and a repeated notification is the identical signal.
 *
 * @param serverLabel label that names the server, tried before {@link FALLBACK_SERVER_LABELS}.
 * @param now ISO 8601 time the payload arrived.
 */
export function mapAlertmanagerPayload(
  payload: AlertmanagerPayload,
  serverLabel: string,
  now: string,
): { deliveries: AlertDelivery[]; unmapped: UnmappedAlert[] } {
  const deliveries: AlertDelivery[] = [];
  const unmapped: UnmappedAlert[] = [];
  const labelNames = [...new Set([serverLabel, ...FALLBACK_SERVER_LABELS])];

  payload.alerts.forEach((alert, index) => {
    const alertname = alert.labels.alertname;
    const fingerprint = alert.fingerprint;
    const reject = (problem: string): void => {
      unmapped.push({ index, ...(alertname === undefined ? {} : { alertname }), ...(fingerprint === undefined ? {} : { fingerprint }), problem });
    };

    const server = serverOf(alert, labelNames);
    if (!server.ok) return reject(server.problem);

    const key = alertRequestSchema.shape.key.safeParse(fingerprint || alertname);
    if (!key.success) return reject(`has no usable fingerprint or alertname to serve as the alert key (${key.error.issues[0]?.message ?? 'invalid'})`);

    const reason = reasonOf(alert);
    const receivedAt = statusTime(alert) ?? now;
    deliveries.push({ host: server.host, alert: { key: key.data, status: alert.status, ...(reason === undefined ? {} : { reason }), receivedAt } });
  });
  return { deliveries, unmapped };
}

/** Returns the host the first usable label names, or why none does. */
function serverOf(alert: AlertmanagerAlert, labelNames: string[]): { ok: true; host: string } | { ok: false; problem: string } {
  const problems: string[] = [];
  for (const name of labelNames) {
    const value = alert.labels[name];
    if (value === undefined || value.trim() === '') continue;
    const parsed = parseServerHost(value);
    if (parsed.ok) return parsed;
    problems.push(`label ${name}: ${parsed.problem}`);
  }
  if (problems.length > 0) return { ok: false, problem: problems.join('; ') };
  return { ok: false, problem: `has none of the labels ${labelNames.join(', ')} that name the server` };
}

/** Human-readable reason: the summary or description annotation, else the alert name and severity. */
function reasonOf(alert: AlertmanagerAlert): string | undefined {
  const annotations = alert.annotations ?? {};
  const text = clampReason(annotations.summary) ?? clampReason(annotations.description);
  if (text !== undefined) return text;

  const alertname = alert.labels.alertname ?? 'unnamed alert';
  const severity = alert.labels.severity;
  return clampReason(severity === undefined ? alertname : `${alertname} (severity ${severity})`);
}

/**
 * Returns when the alert took its current status, in UTC with milliseconds. Returns undefined when
 * the payload lacks that time or carries Go's zero time (0001-01-01), which means "unset".
 */
function statusTime(alert: AlertmanagerAlert): string | undefined {
  const text = alert.status === 'firing' ? alert.startsAt : alert.endsAt;
  if (text === undefined) return undefined;
  const milliseconds = Date.parse(text);
  return Number.isFinite(milliseconds) && milliseconds > 0 ? new Date(milliseconds).toISOString() : undefined;
}
