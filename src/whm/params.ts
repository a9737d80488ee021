/**
 * Request parameters of the WHM API 1 functions, as zod schemas that double as the TypeScript types.
 *
 * Keys are WHM's parameter names. Booleans are sent as `1`/`0`, because WHM does not accept
 * `true`/`false`. The client checks parameters against these schemas before sending, so a missing
 * required key or a typo fails fast with a `WhmInvalidParameterError` instead of a round trip.
 * Objects are strict: WHM rejects unknown `enqueue_transfer_item` keys anyway.
 */
import { z } from 'zod';

const text = z.string().min(1);
const positiveInteger = z.number().int().min(1);

/** Transfer session id as returned by `create_*_transfer_session` (WHM checks its format). */
export const transferSessionIdSchema = text;

/** Parameters that name one transfer session. */
export const sessionParamsSchema = z.strictObject({ transfer_session_id: transferSessionIdSchema });

/** Parameters of `create_remote_root_transfer_session`. */
export const createRemoteRootTransferSessionParamsSchema = z.strictObject({
  /** Source server, IPv4 address or domain. */
  host: text,
  /** User for the SSH login, `root` or a user that escalates with `su`/`sudo`. */
  user: text,
  /** `whostmgr*` tries the WHM port first, then SSH. */
  comm_transport: z.enum(['ssh', 'whostmgr', 'whostmgr_insecure']),
  /** Transfer worker processes; WHM caps it at 9 (1 on single-user licences). */
  transfer_threads: positiveInteger,
  /** Restore worker processes; same cap. */
  restore_threads: positiveInteger,
  /** Must be false to use `force` in enqueued items. */
  unrestricted_restore: z.boolean(),
  copy_reseller_privs: z.boolean(),
  compressed: z.boolean(),
  /** True disables encryption, and with it streaming transfers. */
  unencrypted: z.boolean(),
  /** Reuse a backup younger than 24 hours. */
  use_backups: z.boolean(),
  low_priority: z.boolean(),
  enable_custom_pkgacct: z.boolean(),
  /** Password of `user`; omit when logging in with an SSH key. */
  password: z.string().optional(),
  /** SSH port, default 22. */
  port: z.number().int().min(1).max(65535).optional(),
  /** Defaults to `sudo` when `user` is not root. */
  root_escalation_method: z.enum(['su', 'sudo']).optional(),
  /** Root password for `su`. */
  root_password: z.string().optional(),
  /** Key name from WHM's "Manage root's SSH Keys". */
  sshkey_name: z.string().optional(),
  sshkey_passphrase: z.string().optional(),
  /** Not in the OpenAPI document, but used by cPanel's guide (`cpanel`); WHM detects the type anyway. */
  remote_server_type: z.string().optional(),
  /** Seconds an SSH connection may stay inactive; WHM's default is its `transfers_timeout` setting (1800). */
  session_timeout: positiveInteger.optional(),
});

/** Parameters of `create_remote_user_transfer_session`. */
export const createRemoteUserTransferSessionParamsSchema = z.strictObject({
  /** Source server domain. */
  host: text,
  /** Password of the cPanel account; the account name goes into each `AccountRemoteUser` item. */
  password: text,
  /** cPanel's documentation says it must be true. */
  unrestricted_restore: z.boolean(),
});

/** Parameters of `transfer_module_schema`. */
export const transferModuleSchemaParamsSchema = z.strictObject({ module: text });

/** Parameters of `validate_system_user`. */
export const validateSystemUserParamsSchema = z.strictObject({ user: text });

/** Log files `fetch_transfer_session_log` reads: the master logs or an item log named in master.log. */
export const fetchTransferSessionLogParamsSchema = z.strictObject({
  transfer_session_id: transferSessionIdSchema,
  /** `master.log`, `master.error_log`, or an item log such as `item-TRANSFER_AccountRemoteRoot_bob`. */
  logfile: text,
});

/** Parameters of `servicestatus`. */
export const serviceStatusParamsSchema = z.strictObject({
  /** One service, e.g. `httpd`; omit for all. */
  service: text.optional(),
});

/** Parameters of functions that take none. */
export const noParamsSchema = z.strictObject({});

const itemBase = {
  transfer_session_id: transferSessionIdSchema,
  /** Bytes; the restore picks the home-directory partition by it. Pass the analysis' `bytesused`. */
  size: positiveInteger.optional(),
};

const accountItemFields = {
  ...itemBase,
  /** Account name on the source. */
  user: text,
  /** Account name on this server. */
  localuser: text,
  customip: z.string().optional(),
  detected_remote_user: z.string().optional(),
  domain: z.string().optional(),
  ip: z.boolean().optional(),
  /** `.local`, `.existing` (WHM's default) or a linked-node alias. */
  mail_location: z.string().optional(),
  overwrite_sameowner_dbs: z.boolean().optional(),
  overwrite_sameowner_dbusers: z.boolean().optional(),
  /** Deletes existing files of the destination account first. */
  overwrite_with_delete: z.boolean().optional(),
  replaceip: z.enum(['all', 'basic']).optional(),
  reseller: z.boolean().optional(),
  shared_mysql_server: z.boolean().optional(),
  skipaccount: z.boolean().optional(),
  skipacctdb: z.boolean().optional(),
  skipbwdata: z.boolean().optional(),
  skiphomedir: z.boolean().optional(),
  skipres: z.boolean().optional(),
  skipsubdomains: z.boolean().optional(),
  skipemail: z.boolean().optional(),
  overwrite_all_dbs: z.boolean().optional(),
  overwrite_all_dbusers: z.boolean().optional(),
  keep_local_cpuser_values: z.boolean().optional(),
  disabled: z.boolean().optional(),
  /** Lower runs earlier within a module; WHM's default is 255. */
  priority: z.number().int().min(0).optional(),
  prerequisite_user: z.string().optional(),
  files: z.string().optional(),
  copypoint: z.string().optional(),
  cpmovefile: z.string().optional(),
};

/** `AccountRemoteRoot` item: an account pulled by a root-authenticated session. */
export const accountRemoteRootItemSchema = z.strictObject({
  module: z.literal('AccountRemoteRoot'),
  ...accountItemFields,
  /** Requires `user` = `localuser` and a session created with `unrestricted_restore` false. */
  force: z.boolean().optional(),
  live_transfer: z.boolean().optional(),
  /** "Express Transfer". */
  xferpoint: z.boolean().optional(),
});

/** `AccountRemoteUser` item: an account pulled by a user-authenticated session. */
export const accountRemoteUserItemSchema = z.strictObject({
  module: z.literal('AccountRemoteUser'),
  ...accountItemFields,
  /** Makes WHM log in to the source while enqueueing. */
  live_transfer: z.boolean().optional(),
});

/** `AccountLocal` item: an account restored from an archive on this server. */
export const accountLocalItemSchema = z.strictObject({
  module: z.literal('AccountLocal'),
  ...accountItemFields,
  force: z.boolean().optional(),
});

/** `PackageRemoteRoot` item: a hosting package. */
export const packageRemoteRootItemSchema = z.strictObject({
  module: z.literal('PackageRemoteRoot'),
  ...itemBase,
  package: text,
});

/** `FeatureListRemoteRoot` item: a feature list. */
export const featureListRemoteRootItemSchema = z.strictObject({
  module: z.literal('FeatureListRemoteRoot'),
  ...itemBase,
  featurelist: text,
});

const databaseList = z.union([z.string(), z.array(z.string())]);

/** `LegacyAccountBackup` item: a restore from a legacy backup on this server. */
export const legacyAccountBackupItemSchema = z.strictObject({
  module: z.literal('LegacyAccountBackup'),
  ...itemBase,
  user: text,
  restoretype: z.enum(['monthly', 'weekly', 'daily']),
  restoreall: z.boolean().optional(),
  restoreip: z.boolean().optional(),
  restoremail: z.boolean().optional(),
  restoremysql: z.boolean().optional(),
  restorepsql: z.boolean().optional(),
  restorebwdata: z.boolean().optional(),
  restoresubs: z.boolean().optional(),
  unrestricted_restore: z.boolean().optional(),
  overwrite_all_dbs: z.boolean().optional(),
  overwrite_all_dbusers: z.boolean().optional(),
  overwrite_sameowner_dbs: z.boolean().optional(),
  overwrite_sameowner_dbusers: z.boolean().optional(),
  /** Database names; an array is sent comma-separated. */
  mysql_dbs_to_restore: databaseList.optional(),
  pgsql_dbs_to_restore: databaseList.optional(),
  files: z.string().optional(),
});

/**
 * Server configuration modules of root sessions. WHM 11.120 has them, cPanel's documentation does
 * not list them; each item is keyed by `name`.
 */
export const CONFIG_REMOTE_ROOT_MODULES = [
  'BackupsRemoteRoot',
  'EximRemoteRoot',
  'ThemesRemoteRoot',
  'ApacheRemoteRoot',
  'MySQLRemoteRoot',
  'WHMConfRemoteRoot',
  'GreyListRemoteRoot',
  'HulkRemoteRoot',
  'AutoSSLOptionsRemoteRoot',
  'ModSecurityRemoteRoot',
] as const;

/** A server configuration item of a root session. */
export const configRemoteRootItemSchema = z.strictObject({
  module: z.enum(CONFIG_REMOTE_ROOT_MODULES),
  ...itemBase,
  name: text,
});

/** Parameters of `enqueue_transfer_item`, discriminated by `module`. */
export const enqueueTransferItemParamsSchema = z.discriminatedUnion('module', [
  accountRemoteRootItemSchema,
  accountRemoteUserItemSchema,
  accountLocalItemSchema,
  packageRemoteRootItemSchema,
  featureListRemoteRootItemSchema,
  legacyAccountBackupItemSchema,
  configRemoteRootItemSchema,
]);

/**
 * Enqueue parameters of a module this client has no schema for. The client sends them unchecked
 * and WHM validates them, so modules of newer WHM versions stay usable.
 */
export const otherModuleItemSchema = z
  .object({ module: text, transfer_session_id: transferSessionIdSchema })
  .catchall(z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]));

/** Parameters of `create_remote_root_transfer_session`. */
export type CreateRemoteRootTransferSessionParams = z.input<typeof createRemoteRootTransferSessionParamsSchema>;
/** Parameters of `create_remote_user_transfer_session`. */
export type CreateRemoteUserTransferSessionParams = z.input<typeof createRemoteUserTransferSessionParamsSchema>;
/** Parameters that name one transfer session. */
export type TransferSessionParams = z.input<typeof sessionParamsSchema>;
/** Parameters of `transfer_module_schema`. */
export type TransferModuleSchemaParams = z.input<typeof transferModuleSchemaParamsSchema>;
/** Parameters of `validate_system_user`. */
export type ValidateSystemUserParams = z.input<typeof validateSystemUserParamsSchema>;
/** Parameters of `fetch_transfer_session_log`. */
export type FetchTransferSessionLogParams = z.input<typeof fetchTransferSessionLogParamsSchema>;
/** Parameters of `servicestatus`. */
export type ServiceStatusParams = z.input<typeof serviceStatusParamsSchema>;
/** Parameters of a function that takes none. */
export type NoParams = z.input<typeof noParamsSchema>;
/** Parameters of `enqueue_transfer_item`, one variant per module. */
export type EnqueueTransferItemParams = z.input<typeof enqueueTransferItemParamsSchema>;
/** Name of a transfer module the client has an enqueue schema for. */
export type KnownTransferModule = EnqueueTransferItemParams['module'];

/** Value a WHM parameter can take before encoding. */
export type WhmParamValue = string | number | boolean | readonly string[] | undefined;

/**
 * Encodes parameters as an `application/x-www-form-urlencoded` body with `api.version=1`.
 * Booleans become `1`/`0`, arrays are joined with commas, undefined values are left out.
 */
export function encodeFormBody(params: Readonly<Record<string, WhmParamValue>>): string {
  const form = new URLSearchParams({ 'api.version': '1' });
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) {
      continue;
    }
    if (typeof value === 'boolean') {
      form.append(key, value ? '1' : '0');
    } else if (Array.isArray(value)) {
      form.append(key, value.join(','));
    } else {
      form.append(key, String(value));
    }
  }
  return form.toString();
}
