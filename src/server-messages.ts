/**
 * Server workflow messages: its id, the hold sources it owns, its signals and query with their
 * payload schemas. Shared by the server workflow, the `monitor` CLI, the webhook service and other
 * clients. This module is bundled into workflow code, so it imports nothing that needs Node.js or I/O.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { z } from 'zod';
import type { ServerHealthConfig } from './health/config';
import type { HealthCheckResult, HealthEvaluation } from './health/evaluate';
import type { HealthStatus } from './health/hysteresis';
import type { RejectedRequest } from './messages';
import type { Hold, HoldEvent } from './workflows/holds';

/** Workflow type name of the per-server workflow. */
export const SERVER_WORKFLOW_TYPE = 'serverWorkflow';

/** Host name as server workflow ids, hold sources and the `WhmMigrateServers` attribute spell it. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase();
}

/** Id of the one server workflow of `host`: `whm-migrate-server/<host lower-cased>`. */
export function serverWorkflowId(host: string): string {
  return `whm-migrate-server/${normalizeHost(host)}`;
}

// A migration accepts hold sources of 1-64 characters from this set (see `pause` in messages.ts).
const MAX_SOURCE_LENGTH = 64;
const SOURCE_CHARACTERS = /^[A-Za-z0-9._:@/-]+$/;
const HEALTH_PREFIX = 'health:';
const ALERT_PREFIX = 'alert:';
/** Maximum host length kept whole in alert sources, leaving room for ":" and a 16-digit Alertmanager fingerprint. */
const MAX_ALERT_HOST_LENGTH = MAX_SOURCE_LENGTH - ALERT_PREFIX.length - 1 - 16;

/**
 * Hold source of the health monitor of `host`: `health:<host>`. A host longer than 57 characters
 * is cut and ends in a digest of the whole name, so the source fits the 64 characters a migration accepts.
 */
export function healthHoldSource(host: string): string {
  return HEALTH_PREFIX + shorten(normalizeHost(host), MAX_SOURCE_LENGTH - HEALTH_PREFIX.length);
}

/**
 * Hold source of one alert on `host`: `alert:<host>:<key>`. A key that is too long to fit, or has
 * characters a source may not contain, is replaced by a shortened form ending in a digest. A host
 * longer than 41 characters is shortened the same way.
 */
export function alertHoldSource(host: string, key: string): string {
  const prefix = alertSourcePrefix(host);
  const room = MAX_SOURCE_LENGTH - prefix.length - 1;
  const safeKey = key.length <= room && SOURCE_CHARACTERS.test(key) ? key : shorten(key.replace(/[^A-Za-z0-9._@/-]/g, '-'), room, key);
  return `${prefix}:${safeKey}`;
}

function alertSourcePrefix(host: string): string {
  return ALERT_PREFIX + shorten(normalizeHost(host), MAX_ALERT_HOST_LENGTH);
}

/**
 * Source prefixes the server workflow of `host` owns. A prefix owns the source equal to it and
 * every source that continues it after a colon ({@link ownsSource}).
 */
export function serverOwnedSourcePrefixes(host: string): string[] {
  return [healthHoldSource(host), alertSourcePrefix(host)];
}

/** Returns whether `source` equals one of `prefixes` or continues one after a colon. */
export function ownsSource(prefixes: readonly string[], source: string): boolean {
  return prefixes.some((prefix) => source === prefix || source.startsWith(`${prefix}:`));
}

/** `text` if it fits in `max` characters, else its start, a dot and an 8-digit digest of `digestOf`. */
function shorten(text: string, max: number, digestOf = text): string {
  if (text.length <= max && text === digestOf) return text;
  const digest = fnv1a(digestOf);
  const keep = Math.max(0, max - digest.length - 1);
  return keep === 0 ? digest : `${text.slice(0, keep)}.${digest}`;
}

/** 32-bit FNV-1a digest in hex: short, stable and free of Node.js, which workflow code cannot use. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/** Payload of `alert`: an alert firing or resolved. */
export const alertRequestSchema = z.strictObject({
  key: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters')
    .describe('Alertmanager fingerprint, the alertname, or "generic".'),
  status: z.enum(['firing', 'resolved']),
  reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
  receivedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 time such as 2025-01-31T12:00:00Z' }).optional()
    .describe('When the sender received the alert; an older delivery than the last one seen for this key is ignored.'),
});

export type AlertRequest = z.infer<typeof alertRequestSchema>;

// Signal arguments are typed `unknown` on purpose: the workflow validates every payload.
export const alertSignal = defineSignal<[unknown?]>('alert');
/** Payload: a server health config (`serverHealthConfigSchema`), or `null` to stop health checks. */
export const configureHealthSignal = defineSignal<[unknown?]>('configureHealth');
export const serverStatusQuery = defineQuery<ServerStatus>('serverStatus');

export const SERVER_SIGNAL_DESCRIPTIONS = {
  alert:
    'An alert about this server: {"key": "...", "status": "firing" | "resolved", "reason": "...", "receivedAt": "..."}. ' +
    'Firing holds every running migration of the server until the alert is resolved; repeated deliveries change nothing.',
  configureHealth:
    'Health monitor settings of this server (as one entry of a health config file), or null to stop health checks ' +
    'and release the health hold.',
  serverStatus: 'Health state and last check, active alerts, holds this workflow owns and the migrations it last reconciled.',
} as const;

/** Input of the server workflow. `carried` is set only by continue-as-new. */
export interface ServerWorkflowInput {
  /** The WHM server, as plans name it in `destination.host` (compared in lower case). */
  host: string;
  /**
   * Reconcile only migrations on this task queue. @default every task queue; tests that share a
   * Temporal server use it to keep to their own migrations.
   */
  migrationTaskQueue?: string;
  carried?: import('./workflows/server-state').ServerCarriedState;
  /** Test hook: continue as new after this many loop iterations. */
  continueAsNewAfterIterations?: number;
}

/** An active alert. */
export interface ActiveAlert {
  key: string;
  /** Hold source of the alert on the server's migrations. */
  source: string;
  reason: string;
  since: string;
  receivedAt?: string;
}

/** A health check as recorded by the workflow: what was measured and how it counted. */
export type RecordedCheck = HealthCheckResult & HealthEvaluation;

/** Outcome of a reconciliation. */
export interface ReconcileRecord {
  at: string;
  /** Workflow ids of the running migrations of the server. */
  migrations: string[];
  paused: Array<{ workflowId: string; source: string }>;
  resumed: Array<{ workflowId: string; source: string }>;
  /** Signals that failed, for example because the migration ended meanwhile. */
  failed: Array<{ workflowId: string; error: string }>;
  /** Error of the reconciliation as a whole; the other fields are then empty. */
  error?: string;
}

export interface ServerStatus {
  host: string;
  health: {
    monitored: boolean;
    state: HealthStatus;
    consecutiveGood: number;
    consecutiveBad: number;
    consecutiveUnreachable: number;
    reason?: string;
    since?: string;
    config?: ServerHealthConfig;
    lastCheck?: RecordedCheck;
    /** Error that kept the last check from running at all (not a WHM failure, which `lastCheck` records). */
    lastCheckError?: string;
    nextCheckAt?: string;
  };
  alerts: ActiveAlert[];
  holds: Hold[];
  holdHistory: HoldEvent[];
  lastReconcile?: ReconcileRecord;
  rejectedRequests: RejectedRequest[];
  startedAt: string;
  updatedAt: string;
}
