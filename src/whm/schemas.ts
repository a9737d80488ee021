/**
 * Zod schemas for the `data` part of WHM API 1 responses, one per function.
 *
 * Keys keep WHM's own names so they match cPanel's documentation. Values are normalised: 0/1 flags
 * become booleans and numbers that WHM sends as strings (`available_transfer_modules` does, and
 * other fields drift between versions) become numbers. Objects accept unknown extra keys, because
 * newer WHM versions add fields.
 */
import { z } from 'zod';

/** A number, or a string holding a decimal number. */
export const numeric = z.union([
  z.number(),
  z.string().regex(/^\s*-?\d+(?:\.\d+)?\s*$/, 'expected a number or a numeric string').transform(Number),
]);

/** A WHM Boolean: 1/0, "1"/"0" or true/false. */
export const flag = z
  .union([z.literal(0), z.literal(1), z.literal('0'), z.literal('1'), z.boolean()])
  .transform((value) => value === 1 || value === '1' || value === true);

const optionalText = z.string().nullish().transform((value) => value ?? undefined);

/** Schema for functions that return metadata only: whatever `data` contains is ignored. */
export const noDataSchema = z.unknown().transform(() => undefined);

/** `create_remote_root_transfer_session` data. */
export const createRemoteRootTransferSessionDataSchema = z.looseObject({
  transfer_session_id: z.string().min(1),
  /** Text log of the creation steps (credential check, token creation, streaming test). */
  create_rawout: optionalText,
  /** Text log of the remote analysis that creation runs. */
  analyze_rawout: optionalText,
});

/** `create_remote_user_transfer_session` data. */
export const createRemoteUserTransferSessionDataSchema = z.looseObject({
  transfer_session_id: z.string().min(1),
});

/** `available_transfer_modules` data: module name to processing order, lower first. */
export const availableTransferModulesDataSchema = z.looseObject({
  modules: z.record(z.string(), numeric),
});

/** `transfer_module_schema` data. */
export const transferModuleSchemaDataSchema = z.looseObject({
  schema: z.looseObject({
    /** Accepted item keys with their SQL column definitions. */
    keys: z.record(z.string(), z.looseObject({ def: z.string().optional() })),
    required: z.array(z.string()).default([]),
    primary: z.array(z.string()).default([]),
    prerequisite: z.unknown().optional(),
  }),
});

/** One account found on the source server by the remote analysis. */
export const remoteAccountSchema = z.looseObject({
  user: z.string(),
  domain: z.string(),
  /** Disk usage in bytes (quota KB x 1024); pass it as the enqueue `size`. */
  bytesused: numeric.optional(),
  filesused: numeric.optional(),
  owner: optionalText,
  ensim_user: optionalText,
  has_dedicated_ip: flag.optional(),
  worker_nodes: z.unknown().optional(),
});

/** One hosting package found on the source server. */
export const remotePackageSchema = z.looseObject({
  name: z.string(),
  featurelist: optionalText,
});

/** Analysis result of one transfer module, with its warning or error text. */
export const moduleAnalysisSchema = z.looseObject({
  name: optionalText,
  analysis: z.unknown().optional(),
  warning: optionalText,
  error: optionalText,
});

/** `retrieve_transfer_session_remote_analysis` data. */
export const remoteAnalysisDataSchema = z.looseObject({
  transfer_session_id: z.string().optional(),
  items: z
    .looseObject({
      accounts: z.array(remoteAccountSchema).default([]),
      packages: z.array(remotePackageSchema).default([]),
    })
    .prefault({}),
  local: z
    .looseObject({
      /** Users that exist on this (destination) server, name to 1. */
      users: z.record(z.string(), z.unknown()).default({}),
      /** Domains that exist on this server, domain to owner. */
      domains: z.record(z.string(), z.unknown()).default({}),
      host: optionalText,
      version: z.union([z.string(), z.number()]).optional(),
      major_version: z.union([z.string(), z.number()]).optional(),
    })
    .prefault({}),
  remote: z
    .looseObject({
      hostname: optionalText,
      host: optionalText,
      server_type: optionalText,
      cpversion: z.union([z.string(), z.number()]).optional(),
      version: z.union([z.string(), z.number()]).optional(),
      major_version: z.union([z.string(), z.number()]).optional(),
      supports_live_transfers: flag.optional(),
    })
    .prefault({}),
  config: z.looseObject({}).optional(),
  options: z.looseObject({}).optional(),
  modules: z.record(z.string(), moduleAnalysisSchema).default({}),
});

/** `validate_system_user` data. */
export const validateSystemUserDataSchema = z.looseObject({
  exists: flag,
  reserved: flag,
  valid_for_new: flag,
  valid_for_transfer: flag,
});

/** `start_transfer_session` data: the process id of the session's master process. */
export const startTransferSessionDataSchema = z.looseObject({
  pid: numeric,
});

/** `get_transfer_session_state` data. */
export const transferSessionStateDataSchema = z.looseObject({
  state_name: z.string().min(1),
});

/** `fetch_transfer_session_log` data: the whole log file as one JSON Lines string. */
export const transferSessionLogDataSchema = z.looseObject({
  log: z.string().nullish().transform((value) => value ?? ''),
});

/** `systemloadavg` data: 1, 5 and 15 minute load averages. */
export const systemLoadAverageDataSchema = z.looseObject({
  one: numeric,
  five: numeric,
  fifteen: numeric,
});

/** One mounted file system reported by `getdiskusage`; sizes in KiB. */
export const diskPartitionSchema = z.looseObject({
  mount: z.string(),
  device: optionalText,
  disk: optionalText,
  filesystem: optionalText,
  total: numeric,
  used: numeric,
  available: numeric,
  percentage: numeric,
  inodes_total: numeric.optional(),
  inodes_used: numeric.optional(),
  inodes_available: numeric.optional(),
  inodes_ipercentage: numeric.optional(),
});

/** `getdiskusage` data. */
export const diskUsageDataSchema = z.looseObject({
  partition: z.array(diskPartitionSchema),
});

/** One service reported by `servicestatus`. */
export const serviceStatusSchema = z.looseObject({
  name: z.string(),
  display_name: optionalText,
  enabled: flag,
  installed: flag,
  monitored: flag,
  running: flag,
});

/** `servicestatus` data. */
export const serviceStatusDataSchema = z.looseObject({
  service: z.array(serviceStatusSchema),
});

/** `version` data, e.g. `11.120.0.16`. */
export const versionDataSchema = z.looseObject({
  version: z.string(),
});

/** Data of `create_remote_root_transfer_session`. */
export type CreateRemoteRootTransferSessionData = z.output<typeof createRemoteRootTransferSessionDataSchema>;
/** Data of `create_remote_user_transfer_session`. */
export type CreateRemoteUserTransferSessionData = z.output<typeof createRemoteUserTransferSessionDataSchema>;
/** Data of `available_transfer_modules`. */
export type AvailableTransferModules = z.output<typeof availableTransferModulesDataSchema>;
/** Data of `transfer_module_schema`. */
export type TransferModuleSchema = z.output<typeof transferModuleSchemaDataSchema>;
/** One source account from the remote analysis. */
export type RemoteAccount = z.output<typeof remoteAccountSchema>;
/** One source package from the remote analysis. */
export type RemotePackage = z.output<typeof remotePackageSchema>;
/** Analysis result of one transfer module. */
export type ModuleAnalysis = z.output<typeof moduleAnalysisSchema>;
/** Data of `retrieve_transfer_session_remote_analysis`. */
export type RemoteAnalysis = z.output<typeof remoteAnalysisDataSchema>;
/** Data of `validate_system_user`. */
export type SystemUserValidation = z.output<typeof validateSystemUserDataSchema>;
/** Data of `start_transfer_session`. */
export type StartTransferSessionData = z.output<typeof startTransferSessionDataSchema>;
/** Data of `systemloadavg`. */
export type SystemLoadAverage = z.output<typeof systemLoadAverageDataSchema>;
/** One file system from `getdiskusage`. */
export type DiskPartition = z.output<typeof diskPartitionSchema>;
/** Data of `getdiskusage`. */
export type DiskUsage = z.output<typeof diskUsageDataSchema>;
/** One service from `servicestatus`. */
export type ServiceStatus = z.output<typeof serviceStatusSchema>;
/** Data of `servicestatus`. */
export type ServiceStatusList = z.output<typeof serviceStatusDataSchema>;
/** Data of `version`. */
export type WhmVersion = z.output<typeof versionDataSchema>;
