import { z } from 'zod';

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
}

/** One mounted file system, as `getdiskusage` reports it. Sizes in KiB. */
export interface DiskHealth {
  mount: string;
  totalKb: number;
  usedKb: number;
  /** @default derived from the mount point, for example '/dev/sim-home' */
  device?: string;
  /** @default 'xfs' */
  filesystem?: string;
  /** @default totalKb / 16 */
  inodesTotal?: number;
  /** @default the same fraction of inodesTotal as usedKb is of totalKb */
  inodesUsed?: number;
}

export interface ServiceHealth {
  running: boolean;
  /** @default true */
  enabled?: boolean;
  /** @default true */
  monitored?: boolean;
}

/** A change to the simulated server health; omitted fields keep their value. */
export interface HealthPatch {
  loadAverage?: LoadAverage;
  /** NOTE: WHM API 1 has no function that reports the CPU count; only the control endpoint shows it. */
  cpuCount?: number;
  /** Replaces the whole disk list. */
  disks?: DiskHealth[];
  /** Merged by service name; a new name adds a service. */
  services?: Record<string, ServiceHealth>;
}

export interface HealthSnapshot {
  loadAverage: LoadAverage;
  cpuCount: number;
  disks: DiskHealth[];
  services: Record<string, Required<ServiceHealth>>;
}

const serviceNameSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be a service name such as “httpd”');

export const healthPatchSchema = z.strictObject({
  loadAverage: z.strictObject({
    one: z.number().nonnegative(),
    five: z.number().nonnegative(),
    fifteen: z.number().nonnegative(),
  }).optional(),
  cpuCount: z.number().int().positive().optional(),
  disks: z.array(z.strictObject({
    mount: z.string().startsWith('/'),
    totalKb: z.number().int().positive(),
    usedKb: z.number().int().nonnegative(),
    device: z.string().min(1).optional(),
    filesystem: z.string().min(1).optional(),
    inodesTotal: z.number().int().positive().optional(),
    inodesUsed: z.number().int().nonnegative().optional(),
  }).refine((disk) => disk.usedKb <= disk.totalKb, 'usedKb must not exceed totalKb')).optional(),
  services: z.record(serviceNameSchema, z.strictObject({
    running: z.boolean(),
    enabled: z.boolean().optional(),
    monitored: z.boolean().optional(),
  })).optional(),
});

/** Display names WHM shows for the default services. */
const SERVICE_DISPLAY_NAMES: Record<string, string> = {
  cpsrvd: 'cPanel Daemon',
  crond: 'Cron Daemon',
  dovecot: 'IMAP Server',
  exim: 'Exim Mail Server',
  httpd: 'Apache Web Server',
  mysql: 'Database Server',
  named: 'DNS Server',
  sshd: 'SSH Daemon',
};

const GIB_IN_KB = 1024 * 1024;

/** Load averages, CPU count, disks and services of a simulated server; changeable while it runs. */
export class HealthState {
  private loadAverage: LoadAverage = { one: 0.25, five: 0.2, fifteen: 0.15 };
  private cpuCount = 4;
  private disks: DiskHealth[] = [
    { mount: '/', totalKb: 80 * GIB_IN_KB, usedKb: 20 * GIB_IN_KB, device: '/dev/sim-root' },
    { mount: '/home', totalKb: 500 * GIB_IN_KB, usedKb: 100 * GIB_IN_KB, device: '/dev/sim-home' },
  ];
  private readonly services = new Map<string, Required<ServiceHealth>>(
    Object.keys(SERVICE_DISPLAY_NAMES).map((name) => [name, { running: true, enabled: true, monitored: true }]),
  );

  /** Applies a patch that {@link healthPatchSchema} already validated. */
  apply(patch: HealthPatch): void {
    if (patch.loadAverage !== undefined) this.loadAverage = { ...patch.loadAverage };
    if (patch.cpuCount !== undefined) this.cpuCount = patch.cpuCount;
    if (patch.disks !== undefined) this.disks = patch.disks.map((disk) => ({ ...disk }));
    for (const [name, service] of Object.entries(patch.services ?? {})) {
      const previous = this.services.get(name);
      this.services.set(name, {
        running: service.running,
        enabled: service.enabled ?? previous?.enabled ?? true,
        monitored: service.monitored ?? previous?.monitored ?? true,
      });
    }
  }

  snapshot(): HealthSnapshot {
    return {
      loadAverage: { ...this.loadAverage },
      cpuCount: this.cpuCount,
      disks: this.disks.map((disk) => ({ ...disk })),
      services: Object.fromEntries([...this.services].map(([name, service]) => [name, { ...service }])),
    };
  }

  /** `data` of `systemloadavg`. */
  loadAverageData(): Record<string, unknown> {
    return { ...this.loadAverage };
  }

  /** `data.partition` of `getdiskusage`, in KiB like cPanel's `df` parsing. */
  diskPartitions(): Array<Record<string, unknown>> {
    return this.disks.map((disk) => {
      const device = disk.device ?? `/dev/sim${disk.mount === '/' ? '-root' : disk.mount.replace(/\//g, '-')}`;
      const inodesTotal = disk.inodesTotal ?? Math.floor(disk.totalKb / 16);
      const inodesUsed = disk.inodesUsed ?? Math.floor(inodesTotal * (disk.usedKb / disk.totalKb));
      return {
        device,
        disk: device.replace(/^\/dev\//, ''),
        filesystem: disk.filesystem ?? 'xfs',
        mount: disk.mount,
        total: disk.totalKb,
        used: disk.usedKb,
        available: disk.totalKb - disk.usedKb,
        percentage: Math.round((disk.usedKb / disk.totalKb) * 100),
        inodes_total: inodesTotal,
        inodes_used: inodesUsed,
        inodes_available: inodesTotal - inodesUsed,
        inodes_ipercentage: Math.round((inodesUsed / inodesTotal) * 100),
      };
    });
  }

  /** `data.service` of `servicestatus`, for one service or all; undefined when the name is unknown. */
  serviceRecords(name?: string): Array<Record<string, unknown>> | undefined {
    const names = name === undefined ? [...this.services.keys()].sort() : [name];
    const records: Array<Record<string, unknown>> = [];
    for (const serviceName of names) {
      const service = this.services.get(serviceName);
      if (service === undefined) return undefined;
      records.push({
        name: serviceName,
        display_name: SERVICE_DISPLAY_NAMES[serviceName] ?? serviceName,
        enabled: service.enabled ? 1 : 0,
        installed: 1,
        monitored: service.monitored ? 1 : 0,
        running: service.running ? 1 : 0,
      });
    }
    return records;
  }
}
