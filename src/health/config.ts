/**
 * Schema of the health monitor's configuration: per WHM server, how to reach it (the same shape as a
 * migration plan's `destination`), the thresholds that make it unhealthy and how many checks in a
 * row change its state.
 *
 * The server workflow validates `configureHealth` payloads with this schema too, so this module
 * imports only zod and the plan schema, which workflow code may import.
 */
import { z } from 'zod';

import { migrationPlanSchema } from '../plan/schema';

const destination = migrationPlanSchema.shape.destination.shape;

function wholeNumber(unit: string, min: number, max: number) {
  const message = `must be a whole number of ${unit} from ${min} to ${max}`;
  return z.number({ error: message }).int({ error: message }).min(min, { error: message }).max(max, { error: message });
}

function checkCount(description: string) {
  return wholeNumber('checks', 1, 100).describe(description);
}

// Service names as `servicestatus` spells them, e.g. httpd, mysql, exim, cpsrvd.
const serviceNameSchema = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, {
  error: 'must be a service name as WHM\'s servicestatus reports it, such as "httpd" or "mysql"',
});

// The same rule as a plan's `destination.host`, built from zod's string formats. The plan schema
// tests `z.regexes.hostname`, which is undefined in the workflow bundle, and workflows parse this schema.
const hostSchema = z.union([z.hostname(), z.ipv4(), z.ipv6()], { error: 'must be a host name or an IP address (IPv6 without brackets)' });

const mountSchema = z.string().regex(/^\/\S*$/, { error: 'must be a mount point such as "/" or "/home"' });

const probeSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      // The URL is stored in workflow history and shown in status, so it must not carry a login. The
      // explicit undefined input keeps the URL, and so the password, out of the error message.
      .superRefine((url, context) => {
        if (/^[a-z]+:\/\/[^/?#]*@/i.test(url)) context.addIssue({ code: 'custom', message: 'must not contain a user name or password', input: undefined });
      })
      .describe('URL the worker requests with GET.'),
    expectStatus: wholeNumber('HTTP status', 100, 599).default(200).describe('HTTP status that counts as healthy.'),
    timeoutMs: wholeNumber('milliseconds', 100, 60_000).default(5_000).describe('How long the request may take, in milliseconds.'),
  })
  .describe('HTTP request that must return `expectStatus`, for example a site hosted on the server.');

/** Health monitor settings of one WHM server. */
export const serverHealthConfigSchema = z
  .strictObject({
    host: hostSchema.describe('WHM server to monitor; the same name as `destination.host` in the plans of its migrations.'),
    port: destination.port,
    scheme: destination.scheme,
    user: destination.user,
    token: destination.token,
    tls: destination.tls,
    cpuCount: wholeNumber('CPUs', 1, 4096)
      .default(1)
      .describe('CPUs of the server. WHM API 1 cannot report it, and the load threshold is per CPU, so set it; 1 when unset.'),
    maxLoadPerCpu: z
      .number({ error: 'must be a number above 0' })
      .positive({ error: 'must be a number above 0' })
      .default(2)
      .describe('Highest healthy 15-minute load average per CPU; the server is over it when the load exceeds maxLoadPerCpu x cpuCount.'),
    maxDiskPercent: z
      .number({ error: 'must be a percentage from 1 to 100' })
      .min(1, { error: 'must be a percentage from 1 to 100' })
      .max(100, { error: 'must be a percentage from 1 to 100' })
      .default(90)
      .describe('Highest healthy disk use of a watched mount, in percent.'),
    mounts: z.array(mountSchema).min(1, { error: 'must list at least one mount point, or be left out to watch all' }).optional()
      .describe('Mount points to watch; all that getdiskusage reports when left out.'),
    requiredServices: z.array(serviceNameSchema).default([]).describe('Services that must be running, e.g. ["httpd", "mysql", "exim", "cpsrvd"].'),
    probe: probeSchema.optional(),
    intervalSeconds: wholeNumber('seconds', 1, 3600).default(60).describe('Seconds between two health checks.'),
    unhealthyAfter: checkCount('Consecutive bad checks that make a healthy server unhealthy.').default(3),
    healthyAfter: checkCount('Consecutive good checks that make an unhealthy server healthy again.').default(5),
    unreachableAfter: checkCount('Consecutive checks in which WHM cannot be reached before that counts as unhealthy.').default(3),
    unreachableIsUnhealthy: z
      .boolean({ error: 'must be true or false' })
      .default(true)
      .describe('Whether a WHM that cannot be reached for unreachableAfter checks counts as unhealthy (the cautious default) or is ignored.'),
  });

/** The health configuration file: a list of servers. */
export const healthConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file, for editors; ignored.'),
    version: z.literal(1, { error: 'must be 1, the only health config version this whm-migrate reads' }),
    servers: z.array(serverHealthConfigSchema).min(1, { error: 'must list at least one server' }),
  })
  .superRefine((config, context) => {
    const seen = new Map<string, number>();
    config.servers.forEach((server, index) => {
      const host = server.host.toLowerCase();
      const first = seen.get(host);
      if (first === undefined) {
        seen.set(host, index);
        return;
      }
      context.addIssue({
        code: 'custom',
        path: ['servers', index, 'host'],
        message: `"${server.host}" is already configured at servers[${first}]. Keep one entry per server`,
        input: undefined,
      });
    });
  });

/** Validated settings of one server, with defaults applied: the `configureHealth` payload. */
export type ServerHealthConfig = z.output<typeof serverHealthConfigSchema>;
/** Settings of one server as a user writes them. */
export type ServerHealthConfigInput = z.input<typeof serverHealthConfigSchema>;
/** A validated health configuration file. */
export type HealthConfig = z.output<typeof healthConfigSchema>;
/** A health configuration file as a user writes it. */
export type HealthConfigInput = z.input<typeof healthConfigSchema>;

/** Maximum duration of one WHM call of a health check, in ms: 10 s, or the interval when shorter. */
export function whmCallTimeoutMs(config: Pick<ServerHealthConfig, 'intervalSeconds'>): number {
  return Math.min(10_000, config.intervalSeconds * 1000);
}

/** Highest healthy 15-minute load average of a server: the per-CPU limit times its CPUs. */
export function loadThreshold(config: Pick<ServerHealthConfig, 'maxLoadPerCpu' | 'cpuCount'>): number {
  return config.maxLoadPerCpu * config.cpuCount;
}
