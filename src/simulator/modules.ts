import { WhmFunctionFailure, apiFailure } from './envelope';

/** Processing category of a module's items in the simulator. */
export type ModuleKind = 'account' | 'package' | 'featurelist' | 'config' | 'unmodelled';

/** Column type of a schema key; `transfer_module_schema` reports it as an SQL column definition. */
type KeyType = 'name' | 'text' | 'flag' | 'bytes' | 'priority';

const COLUMN_DEFINITIONS: Record<KeyType, string> = {
  name: 'VARCHAR(255) NOT NULL',
  text: 'TEXT',
  flag: 'TINYINT(1) DEFAULT 0',
  bytes: 'BIGINT DEFAULT 1',
  priority: 'INT DEFAULT 255',
};

/** A transfer session module: its processing order, item schema and where it may be enqueued. */
export interface TransferModule {
  name: string;
  /** Module number from `available_transfer_modules`; lower numbers are processed first. */
  priority: number;
  kind: ModuleKind;
  keys: Readonly<Record<string, KeyType>>;
  required: readonly string[];
  /** Key whose value must be unique per module within a session. */
  primary: string;
  /** Session type the module requires; undefined: any session. */
  sessionType?: 'RemoteRoot' | 'RemoteUser';
  /** Human name of one item, used in item logs. */
  itemLabel: string;
}

/** Keys of the account schema that cPanel 11.120 shares between AccountRemoteRoot, AccountRemoteUser and AccountLocal. */
const ACCOUNT_KEYS: Record<string, KeyType> = {
  user: 'name', localuser: 'name', size: 'bytes', priority: 'priority',
  customip: 'text', detected_remote_user: 'text', domain: 'text', ip: 'flag', mail_location: 'text',
  overwrite_sameowner_dbs: 'flag', overwrite_sameowner_dbusers: 'flag', overwrite_with_delete: 'flag',
  replaceip: 'text', reseller: 'flag', shared_mysql_server: 'flag', skipaccount: 'flag', skipacctdb: 'flag',
  skipbwdata: 'flag', skiphomedir: 'flag', skipres: 'flag', force: 'flag', live_transfer: 'flag',
  xferpoint: 'flag', files: 'text', prerequisite_user: 'text', skipsubdomains: 'flag', skipemail: 'flag',
  overwrite_all_dbs: 'flag', overwrite_all_dbusers: 'flag', copypoint: 'text', cpmovefile: 'text',
  disabled: 'flag', keep_local_cpuser_values: 'flag',
};

const LEGACY_BACKUP_KEYS: Record<string, KeyType> = {
  user: 'name', restoretype: 'name', size: 'bytes', restoreall: 'flag', restoreip: 'flag', restoremail: 'flag',
  restoremysql: 'flag', restorebwdata: 'flag', restoresubs: 'flag', unrestricted_restore: 'flag',
  overwrite_all_dbs: 'flag', overwrite_sameowner_dbs: 'flag', overwrite_sameowner_dbusers: 'flag',
  mysql_dbs_to_restore: 'text', pgsql_dbs_to_restore: 'text', files: 'text', restorepsql: 'flag',
  overwrite_all_dbusers: 'flag',
};

function accountModule(name: string, priority: number, sessionType?: 'RemoteRoot' | 'RemoteUser'): TransferModule {
  const module: TransferModule = {
    name, priority, kind: name === 'AccountLocal' ? 'unmodelled' : 'account', keys: ACCOUNT_KEYS,
    required: ['user', 'localuser'], primary: 'user', itemLabel: 'Account',
  };
  if (sessionType !== undefined) module.sessionType = sessionType;
  return module;
}

function configModule(name: string, priority: number): TransferModule {
  return {
    name, priority, kind: 'config', keys: { name: 'name', size: 'bytes' }, required: ['name'], primary: 'name',
    sessionType: 'RemoteRoot', itemLabel: name.replace(/RemoteRoot$/, ' configuration'),
  };
}

/**
 * NOTE: the key sets of AccountUpload, RearrangeAccount and MailboxConversion are not documented.
 * The simulator accepts `user` and `size` for them and does not process their items.
 */
function undocumentedModule(name: string, priority: number): TransferModule {
  return {
    name, priority, kind: 'unmodelled', keys: { user: 'name', size: 'bytes' }, required: ['user'], primary: 'user',
    itemLabel: name,
  };
}

/** The 19 modules cPanel & WHM 11.120 lists in `available_transfer_modules`, by module number. */
export const TRANSFER_MODULES: readonly TransferModule[] = [
  {
    name: 'FeatureListRemoteRoot', priority: 1000, kind: 'featurelist', keys: { featurelist: 'name', size: 'bytes' },
    required: ['featurelist'], primary: 'featurelist', sessionType: 'RemoteRoot', itemLabel: 'Feature List',
  },
  configModule('BackupsRemoteRoot', 1045),
  configModule('EximRemoteRoot', 1050),
  configModule('ThemesRemoteRoot', 1052),
  configModule('ApacheRemoteRoot', 1054),
  configModule('MySQLRemoteRoot', 1056),
  configModule('WHMConfRemoteRoot', 1058),
  configModule('GreyListRemoteRoot', 1060),
  configModule('HulkRemoteRoot', 1061),
  configModule('AutoSSLOptionsRemoteRoot', 1062),
  configModule('ModSecurityRemoteRoot', 1070),
  {
    name: 'PackageRemoteRoot', priority: 2000, kind: 'package', keys: { package: 'name', size: 'bytes' },
    required: ['package'], primary: 'package', sessionType: 'RemoteRoot', itemLabel: 'Package',
  },
  accountModule('AccountRemoteRoot', 3000, 'RemoteRoot'),
  accountModule('AccountRemoteUser', 4000, 'RemoteUser'),
  accountModule('AccountLocal', 5000),
  {
    name: 'LegacyAccountBackup', priority: 6000, kind: 'unmodelled', keys: LEGACY_BACKUP_KEYS,
    required: ['user', 'restoretype'], primary: 'user', itemLabel: 'Legacy Backup',
  },
  undocumentedModule('AccountUpload', 7000),
  undocumentedModule('RearrangeAccount', 8000),
  undocumentedModule('MailboxConversion', 9000),
];

const MODULES_BY_NAME = new Map(TRANSFER_MODULES.map((module) => [module.name, module]));

/** Returns the module, or fails with cPanel's text for an unknown module name. */
export function findModule(name: string): TransferModule {
  const module = MODULES_BY_NAME.get(name);
  if (module === undefined) throw new WhmFunctionFailure(`The transfer session module “${name}” does not exist.`);
  return module;
}

/** `data.schema` of `transfer_module_schema`. */
export function moduleSchemaData(module: TransferModule): Record<string, unknown> {
  const keys = Object.fromEntries(
    Object.entries(module.keys).map(([key, type]) => [key, { def: COLUMN_DEFINITIONS[type] }]),
  );
  return { keys, required: [...module.required], primary: [module.primary] };
}

/** The item fields the simulator needs after validation. */
export interface ValidatedItem {
  primaryValue: string;
  /** Name on this server: `localuser` for account modules, the primary value otherwise. */
  localName: string;
  /** Bytes; cPanel uses it to pick the home partition, the simulator to time the steps. */
  size: number;
  /** Order within a module; lower first. */
  priority: number;
  values: Record<string, string>;
}

/** Perl truth, as cPanel reads 0/1 parameters: empty and "0" are false, anything else is true. */
export function isPerlTrue(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
}

function parseWholeNumber(key: string, value: string | undefined, fallback: number, minimum: number): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < minimum) {
    throw apiFailure(`The “${key}” parameter must be a whole number of at least ${minimum}, not “${value}”.`);
  }
  return Number(value);
}

/**
 * Checks an item against its module schema, with cPanel's messages: required keys first, then keys
 * the schema does not have. `values` contains the item's keys without `transfer_session_id` and `module`.
 */
export function validateItem(
  module: TransferModule,
  values: Record<string, string>,
  sessionIsUnrestricted: boolean,
): ValidatedItem {
  for (const key of module.required) {
    if ((values[key] ?? '') === '') {
      throw new WhmFunctionFailure(`The “${key}” parameter is required for the “${module.name}” module.`);
    }
  }
  for (const key of Object.keys(values)) {
    if (!(key in module.keys)) {
      throw new WhmFunctionFailure(`The “${key}” parameter is not valid for the “${module.name}” module.`);
    }
  }

  const primaryValue = values[module.primary] ?? '';
  const localName = module.kind === 'account' || module.name === 'AccountLocal'
    ? values.localuser ?? primaryValue
    : primaryValue;

  if (values.replaceip !== undefined && !['all', 'basic'].includes(values.replaceip)) {
    throw apiFailure(`The “replaceip” parameter must be “all” or “basic”, not “${values.replaceip}”.`);
  }
  for (const key of ['force', 'skipaccount']) {
    if (isPerlTrue(values[key]) && values.user !== values.localuser) {
      throw apiFailure(`The “${key}” parameter requires that “user” and “localuser” are the same.`);
    }
  }
  if (isPerlTrue(values.force) && sessionIsUnrestricted) {
    throw apiFailure('The “force” parameter is not allowed in a session created with “unrestricted_restore=1”.');
  }

  return {
    primaryValue,
    localName,
    size: parseWholeNumber('size', values.size, 1, 1),
    priority: parseWholeNumber('priority', values.priority, 255, 0),
    values: { ...values },
  };
}
