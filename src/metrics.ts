/**
 * Prometheus metrics helpers. They parse listen addresses from the environment and configure the
 * worker's SDK metrics exporter, which the SDK's Rust core serves at `/metrics`. A small registry
 * renders the metrics of whm-migrate's own HTTP services, and a parser reads scrapes in tests.
 */
import { isIP } from 'node:net';
import type { TelemetryOptions } from '@temporalio/worker';
import { z } from 'zod';

/** A TCP listen address: an IPv4 address or host name, or an IPv6 address in brackets, and a port. */
export interface ListenAddress {
  /** Host without brackets, for `server.listen(port, host)`. */
  readonly host: string;
  readonly port: number;
  /** `host:port` with IPv6 hosts in brackets, as the SDK's `bindAddress` and URLs take it. */
  readonly text: string;
}

/** Values of an address variable that turn the listener off. */
const OFF_VALUES = new Set(['off', 'false', '0', 'none', 'disabled']);

/**
 * zod schema of a listen-address variable: `host:port` (`127.0.0.1:9464`, `0.0.0.0:9464`,
 * `[::1]:9464`), or `off`. Parses to a {@link ListenAddress}, or undefined for `off`.
 */
export const listenAddressSchema = z
  .string()
  .trim()
  .transform((value, context): ListenAddress | undefined => {
    if (OFF_VALUES.has(value.toLowerCase())) return undefined;
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(value);
    const port = Number(match?.[3]);
    const host = match?.[1] ?? match?.[2];
    if (!match || host === undefined || port < 1 || port > 65535 || (match[1] !== undefined && isIP(match[1]) !== 6)) {
      context.addIssue({ code: 'custom', message: 'must be host:port (for example 127.0.0.1:9464, 0.0.0.0:9464 or [::1]:9464) or off' });
      return z.NEVER;
    }
    return Object.freeze({ host, port, text: match[1] === undefined ? `${host}:${port}` : `[${host}]:${port}` });
  });

/**
 * Telemetry options that make the SDK's Rust core serve its worker metrics (task latencies, poll
 * results, sticky cache, activity and workflow outcomes) for Prometheus at `http://<address>/metrics`.
 * Metric names keep the SDK's defaults: prefix `temporal_`, durations in milliseconds.
 */
export function prometheusTelemetryOptions(address: ListenAddress, globalTags: Record<string, string> = {}): Pick<TelemetryOptions, 'metrics'> {
  return { metrics: { prometheus: { bindAddress: address.text }, globalTags } };
}

type Labels = Readonly<Record<string, string>>;

interface MetricFamily {
  type: 'counter' | 'gauge';
  help: string;
  /** Values by their rendered label set, for example `{route="alerts"}`. */
  values: Map<string, number>;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function renderLabels(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return '';
  for (const [name] of entries) if (!LABEL_NAME.test(name)) throw new Error(`"${name}" is not a valid Prometheus label name`);
  const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${entries.map(([name, value]) => `${name}="${escape(value)}"`).join(',')}}`;
}

/**
 * Counters and gauges rendered in the Prometheus text format (version 0.0.4), for services that
 * serve their own `/metrics`. Label values are stored as given, so callers must keep their number
 * small (route names, outcomes), never ids or hosts without bound.
 */
export class MetricsRegistry {
  private readonly families = new Map<string, MetricFamily>();

  /** Adds `amount` (at least 0) to a counter. */
  increment(name: string, help: string, labels: Labels = {}, amount = 1): void {
    if (!(amount >= 0)) throw new Error(`Counter ${name} can only grow: ${amount} is not a non-negative number`);
    const family = this.family(name, 'counter', help);
    const key = renderLabels(labels);
    family.values.set(key, (family.values.get(key) ?? 0) + amount);
  }

  /** Sets a gauge to `value`. */
  set(name: string, help: string, value: number, labels: Labels = {}): void {
    this.family(name, 'gauge', help).values.set(renderLabels(labels), value);
  }

  /** Renders every metric, families in name order. */
  render(): string {
    const lines: string[] = [];
    for (const [name, family] of [...this.families].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${family.type}`);
      for (const [labels, value] of family.values) lines.push(`${name}${labels} ${value}`);
    }
    return `${lines.join('\n')}\n`;
  }

  private family(name: string, type: MetricFamily['type'], help: string): MetricFamily {
    if (!METRIC_NAME.test(name)) throw new Error(`"${name}" is not a valid Prometheus metric name`);
    const existing = this.families.get(name);
    if (existing && existing.type !== type) throw new Error(`Metric ${name} is a ${existing.type}, not a ${type}`);
    if (existing) return existing;
    const family: MetricFamily = { type, help, values: new Map() };
    this.families.set(name, family);
    return family;
  }
}

/** The content type of the Prometheus text format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One sample of a scrape. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Converts a sample value; the text format spells infinities `+Inf` and `-Inf`. */
function parseSampleValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * Parses the samples of a Prometheus text-format scrape; comment lines (`# HELP`, `# TYPE`) are
 * skipped. Handles the escapes of label values.
 * @throws Error naming the first line that is not a sample
 */
export function parsePrometheusText(text: string): PrometheusSample[] {
  const samples: PrometheusSample[] = [];
  for (const [index, rawLine] of text.split('\n').entries()) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/.exec(line);
    if (!match) throw new Error(`Line ${index + 1} of the scrape is not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const label of (match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
    }
    samples.push({ name: match[1]!, labels, value: parseSampleValue(match[4]!) });
  }
  return samples;
}
