/**
 * One health check: what the `checkServerHealth` activity measured, and its evaluation against the
 * thresholds of the server's configuration. Pure, so the workflow and unit tests can use it.
 */
import { loadThreshold, type ServerHealthConfig } from './config';

/** Maximum length of a reason, because a migration rejects a hold reason above 500 characters. */
export const MAX_REASON_LENGTH = 500;

/** Disk use of one mounted file system, as `getdiskusage` reports it. */
export interface DiskReading {
  mount: string;
  /** Used space in percent, as WHM reports it (rounded by `df`). */
  percent: number;
}

/** State of one required service, as `servicestatus` reports it. */
export interface ServiceReading {
  name: string;
  /** False when WHM does not list the service at all. */
  found: boolean;
  running: boolean;
}

/** Outcome of the HTTP probe. */
export interface ProbeReading {
  url: string;
  /** HTTP status of the response; absent when no response arrived. */
  status?: number;
  /** Why no response arrived: a timeout or a connection error. */
  error?: string;
  durationMs: number;
}

/**
 * Measurements of one health check. WHM failures are part of the result, not errors, because a
 * server that cannot be reached is a data point.
 */
export interface HealthCheckResult {
  host: string;
  /** When the check started (worker clock), ISO 8601. */
  checkedAt: string;
  durationMs: number;
  /** False when a WHM call failed; `error` then names the call and the failure. */
  reachable: boolean;
  error?: string;
  load?: { one: number; five: number; fifteen: number };
  disks?: DiskReading[];
  /** The required services only. */
  services?: ServiceReading[];
  probe?: ProbeReading;
}

/** Verdict of one check for the hysteresis: within thresholds, outside them, or no data from WHM. */
export type HealthVerdict = 'good' | 'bad' | 'unreachable';

export interface HealthEvaluation {
  verdict: HealthVerdict;
  /** One sentence per exceeded threshold, each naming the value, the threshold and the host. */
  problems: string[];
  /** For `unreachable`: why WHM could not be read. */
  error?: string;
}

/** Compares one check with the thresholds of `config`. */
export function evaluateCheck(config: ServerHealthConfig, result: HealthCheckResult): HealthEvaluation {
  if (!result.reachable) {
    return { verdict: 'unreachable', problems: [], error: result.error ?? 'WHM did not respond' };
  }

  const where = `on ${config.host}`;
  const problems: string[] = [];

  const threshold = loadThreshold(config);
  if (result.load !== undefined && result.load.fifteen > threshold) {
    problems.push(`15-minute load ${formatDecimal(result.load.fifteen)} above ${formatDecimal(threshold)} ${where}`);
  }

  const disks = result.disks ?? [];
  const watched = config.mounts ?? disks.map((disk) => disk.mount);
  for (const mount of watched) {
    const disk = disks.find((candidate) => candidate.mount === mount);
    if (disk === undefined) {
      problems.push(`disk ${mount} not reported by WHM ${where}`);
    } else if (disk.percent > config.maxDiskPercent) {
      problems.push(`disk ${mount} ${formatPercent(disk.percent)} used, above ${formatPercent(config.maxDiskPercent)} ${where}`);
    }
  }

  for (const name of config.requiredServices) {
    const service = result.services?.find((candidate) => candidate.name === name);
    if (service === undefined || !service.found) problems.push(`service ${name} not found ${where}`);
    else if (!service.running) problems.push(`service ${name} not running ${where}`);
  }

  if (config.probe !== undefined) {
    const probe = result.probe;
    if (probe === undefined) {
      problems.push(`probe ${config.probe.url} did not run ${where}`);
    } else if (probe.status === undefined) {
      problems.push(`probe ${probe.url} failed ${where}: ${probe.error ?? 'no response'}`);
    } else if (probe.status !== config.probe.expectStatus) {
      problems.push(`probe ${probe.url} returned HTTP ${probe.status} instead of ${config.probe.expectStatus} ${where}`);
    }
  }

  return { verdict: problems.length > 0 ? 'bad' : 'good', problems };
}

/** Joins problems into one hold reason, cut to {@link MAX_REASON_LENGTH} characters. */
export function joinProblems(problems: readonly string[]): string {
  return truncateReason(problems.join('; '));
}

/** Cuts a reason to {@link MAX_REASON_LENGTH} characters, marking the cut with an ellipsis. */
export function truncateReason(reason: string): string {
  return reason.length <= MAX_REASON_LENGTH ? reason : `${reason.slice(0, MAX_REASON_LENGTH - 1)}…`;
}

/** Formats a load value with at least one and at most two decimals: 8 → "8.0", 14.25 → "14.25". */
export function formatDecimal(value: number): string {
  return value.toFixed(2).replace(/0$/, '');
}

function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)}%`;
}

/** One line about a check: the values measured, or why WHM could not be read. */
export function describeCheck(check: HealthCheckResult & HealthEvaluation): string {
  if (!check.reachable) return `WHM unreachable: ${check.error ?? 'no response'}`;
  const parts: string[] = [];
  if (check.load !== undefined) parts.push(`load ${check.load.one} / ${check.load.five} / ${check.load.fifteen}`);
  if (check.disks !== undefined) parts.push(`disks ${check.disks.map((disk) => `${disk.mount} ${disk.percent}%`).join(', ')}`);
  if (check.services !== undefined) parts.push(`services ${check.services.map((service) => `${service.name} ${service.running ? 'running' : 'down'}`).join(', ')}`);
  if (check.probe !== undefined) parts.push(`probe ${check.probe.status === undefined ? (check.probe.error ?? 'failed') : `HTTP ${check.probe.status}`}`);
  const verdict = check.problems.length === 0 ? 'within thresholds' : check.problems.join('; ');
  return `${parts.join('; ')} (${verdict})`;
}
