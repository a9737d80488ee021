/**
 * One health check of a WHM server: load average, disk use, required services and the optional
 * HTTP probe, read in parallel. Failures become part of the result, because an unreachable server
 * is a measurement; only a cancellation of the caller's signal is thrown.
 */
import { errors as undiciErrors, request } from 'undici';
import type { WhmClient } from '../whm';
import { whmCallTimeoutMs, type ServerHealthConfig } from './config';
import type { DiskReading, HealthCheckResult, ProbeReading, ServiceReading } from './evaluate';

export interface CheckHealthOptions {
  /** Aborts the check; it then rejects with `signal.reason`. Activities pass `cancellationSignal()`. */
  signal?: AbortSignal;
}

type WhmReadings = Pick<HealthCheckResult, 'reachable' | 'error' | 'load' | 'disks' | 'services'>;

/**
 * Checks one server. `clientFor` builds the WHM client; when it fails (for example an unset token
 * variable), the server counts as unreachable with that error.
 */
export async function checkHealth(config: ServerHealthConfig, clientFor: () => Promise<WhmClient>, options: CheckHealthOptions = {}): Promise<HealthCheckResult> {
  const { signal } = options;
  const startedAt = Date.now();
  const probe = config.probe === undefined ? undefined : runProbe(config.probe, signal);

  let readings: WhmReadings;
  try {
    readings = await readWhm(await clientFor(), config, signal);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    readings = { reachable: false, error: errorText(error) };
  }

  const result: HealthCheckResult = {
    host: config.host,
    checkedAt: new Date(startedAt).toISOString(),
    durationMs: 0,
    ...readings,
    ...(probe === undefined ? {} : { probe: await probe }),
  };
  if (signal?.aborted) throw signal.reason;
  result.durationMs = Date.now() - startedAt;
  return result;
}

async function readWhm(client: WhmClient, config: ServerHealthConfig, signal: AbortSignal | undefined): Promise<WhmReadings> {
  const call = { signal, timeoutMs: whmCallTimeoutMs(config) };
  const [load, disks, services] = await Promise.allSettled([
    client.systemLoadAverage({}, call),
    client.getDiskUsage({}, call),
    config.requiredServices.length === 0 ? Promise.resolve(undefined) : client.serviceStatus({}, call),
  ]);
  if (signal?.aborted) throw signal.reason;

  const readings: WhmReadings = { reachable: true };
  const failures: string[] = [];
  if (load.status === 'fulfilled') readings.load = { one: load.value.one, five: load.value.five, fifteen: load.value.fifteen };
  else failures.push(errorText(load.reason));
  if (disks.status === 'fulfilled') readings.disks = disks.value.partition.map((disk): DiskReading => ({ mount: disk.mount, percent: disk.percentage }));
  else failures.push(errorText(disks.reason));
  if (services.status === 'fulfilled' && services.value !== undefined) {
    const listed = services.value.service;
    readings.services = config.requiredServices.map((name): ServiceReading => {
      const service = listed.find((candidate) => candidate.name === name);
      return { name, found: service !== undefined, running: service?.running ?? false };
    });
  } else if (services.status === 'rejected') {
    failures.push(errorText(services.reason));
  }

  // Any failed call counts as WHM unreachable: a partial reading cannot show that the server is fine.
  if (failures.length > 0) {
    readings.reachable = false;
    readings.error = failures.length === 1 ? failures[0] : `${failures[0]} (and ${failures.length - 1} more WHM calls failed)`;
  }
  return readings;
}

/** Requests the probe URL once, without following redirects; never rejects unless `signal` aborts. */
async function runProbe(probe: NonNullable<ServerHealthConfig['probe']>, signal: AbortSignal | undefined): Promise<ProbeReading> {
  const startedAt = Date.now();
  const deadline = AbortSignal.timeout(probe.timeoutMs);
  const combined = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
  try {
    const response = await request(probe.url, {
      method: 'GET',
      signal: combined,
      headersTimeout: probe.timeoutMs,
      bodyTimeout: probe.timeoutMs,
    });
    // The body is not needed; reading it lets undici reuse the connection, and past 1 MiB it closes it.
    await response.body.dump({ limit: 1024 * 1024, signal: combined });
    return { url: probe.url, status: response.statusCode, durationMs: Date.now() - startedAt };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const timedOut = deadline.aborted || error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError;
    const text = timedOut ? `timed out after ${probe.timeoutMs} ms` : errorText(error);
    return { url: probe.url, error: text, durationMs: Date.now() - startedAt };
  }
}

/** Returns the message of an error, with the cause's code when the message alone is vague (as undici's are). */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? (error as NodeJS.ErrnoException).code;
  return code !== undefined && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
