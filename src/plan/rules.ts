/**
 * Cross-field rules of the migration plan: constraints that WHM enforces across parameters, or only
 * once a session exists, checked up front so that a bad plan fails before anything starts.
 *
 * Each rule lists the fields it reads. It runs even when other parts of the plan are invalid, so one
 * validation reports every problem, and it is skipped only when a field it reads failed to parse.
 * A value passed to a rule may still be untransformed (a package given as a plain string, an account
 * without `localuser`), so the rules accept those forms too.
 */
import { z } from 'zod';

import { accountRemoteRootItemSchema, accountRemoteUserItemSchema } from '../whm/params';

/** Path pattern of a field a rule reads; {@link ANY_INDEX} matches any array index. */
type FieldPattern = readonly string[];
type Path = readonly PropertyKey[];

const ANY_INDEX = '*';

/** `enqueue_transfer_item` keys that WHM's documentation gives AccountRemoteRoot but not AccountRemoteUser. */
export const ROOT_SESSION_ONLY_OPTIONS: readonly string[] = Object.keys(accountRemoteRootItemSchema.shape).filter(
  (key) => !(key in accountRemoteUserItemSchema.shape),
);

interface CredentialFields {
  password?: unknown;
  sshKey?: unknown;
  accountPassword?: unknown;
}

interface AccountFields {
  user: string;
  localuser?: string | undefined;
  module: string;
  options: { force?: boolean | undefined; skipaccount?: boolean | undefined; ip?: boolean | undefined; customip?: string | undefined };
}

interface ItemsFields {
  packages: readonly (string | { name: string })[];
  featureLists: readonly (string | { name: string })[];
  accounts: readonly AccountFields[];
}

interface PlanFields {
  source: CredentialFields;
  session: { unrestricted_restore: boolean };
  items: { accounts: readonly AccountFields[] };
}

/** Formats a path as the plan issues show it, e.g. `items.accounts[2].localuser`. */
export function formatPath(path: Path): string {
  let text = '';
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  }
  return text;
}

function overlaps(path: Path, field: FieldPattern): boolean {
  const length = Math.min(path.length, field.length);
  for (let index = 0; index < length; index += 1) {
    const matches = field[index] === ANY_INDEX ? typeof path[index] === 'number' : path[index] === field[index];
    if (!matches) {
      return false;
    }
  }
  return true;
}

/**
 * Builds a check that runs unless a field it reads (or a field around it) has an issue that
 * stopped parsing. Issues marked `continue` (a failed pattern, an unknown key) leave the value's
 * type intact, so they do not stop the rule.
 */
function rule<T>(reads: readonly FieldPattern[], check: (value: T, report: (path: Path, message: string) => void) => void) {
  return z.superRefine<T>(
    (value, context) => {
      check(value, (path, message) => {
        // An explicit undefined input keeps zod from attaching the whole object to the issue.
        context.addIssue({ code: 'custom', path: [...path], message, input: undefined });
      });
    },
    {
      when: (payload) =>
        payload.aborted !== true &&
        payload.issues.every((issue) => issue.continue === true || !reads.some((field) => overlaps(issue.path ?? [], field))),
    },
  );
}

function localUserOf(account: AccountFields): string {
  return account.localuser ?? account.user;
}

function nameOf(entry: string | { name: string }): string {
  return typeof entry === 'string' ? entry : entry.name;
}

/** Reports each value that an earlier entry already has, naming the first entry. */
function reportDuplicates(
  values: readonly string[],
  pathOf: (index: number) => Path,
  message: (value: string, firstPath: string) => string,
  report: (path: Path, message: string) => void,
): void {
  const firstIndex = new Map<string, number>();
  values.forEach((value, index) => {
    const first = firstIndex.get(value);
    if (first === undefined) {
      firstIndex.set(value, index);
    } else {
      report(pathOf(index), message(value, formatPath(pathOf(first))));
    }
  });
}

/** Session type of the accounts, or undefined when they mix both modules (a separate issue). */
function sessionTypeOf(accounts: readonly AccountFields[]): 'root' | 'user' | undefined {
  const userSessions = accounts.filter((account) => account.module === 'AccountRemoteUser').length;
  if (userSessions === 0) {
    return 'root';
  }
  return userSessions === accounts.length ? 'user' : undefined;
}

/** Rules of `destination.tls`. */
export const tlsRules = [
  rule<{ insecure?: boolean | undefined; fingerprint256?: string | undefined; caFile?: string | undefined }>(
    [['insecure'], ['fingerprint256'], ['caFile']],
    (tls, report) => {
      if (tls.insecure !== true) {
        return;
      }
      const pinned = [tls.fingerprint256 === undefined ? undefined : 'fingerprint256', tls.caFile === undefined ? undefined : 'caFile'].filter(
        (key) => key !== undefined,
      );
      if (pinned.length > 0) {
        report(
          ['insecure'],
          `insecure: true accepts any certificate, which contradicts ${pinned.join(' and ')}. Remove insecure to verify the certificate, or remove ${pinned.join(' and ')}`,
        );
      }
    },
  ),
];

/** Rules of `source.rootEscalation`. */
export const rootEscalationRules = [
  rule<{ method: string; password?: unknown }>([['method'], ['password']], (escalation, report) => {
    if (escalation.method === 'su' && escalation.password === undefined) {
      report(['password'], 'method "su" needs the root password. Add password: { env: "VARIABLE" } or { file: "/path" }, or use method "sudo"');
    }
  }),
];

/** Rules of one account item. */
export const accountRules = [
  rule<AccountFields>([['user'], ['localuser'], ['options', 'force']], (account, report) => {
    if (account.options.force === true && localUserOf(account) !== account.user) {
      report(
        ['options', 'force'],
        `force requires the same name on both servers, but "${account.user}" becomes "${localUserOf(account)}". Remove force or localuser`,
      );
    }
  }),
  rule<AccountFields>([['user'], ['localuser'], ['options', 'skipaccount']], (account, report) => {
    if (account.options.skipaccount === true && localUserOf(account) !== account.user) {
      report(
        ['options', 'skipaccount'],
        `skipaccount requires the same name on both servers, but "${account.user}" becomes "${localUserOf(account)}". Remove skipaccount or localuser`,
      );
    }
  }),
  rule<AccountFields>([['options', 'customip'], ['options', 'ip']], (account, report) => {
    if (account.options.customip !== undefined && account.options.ip !== true) {
      report(['options', 'customip'], `customip "${account.options.customip}" takes effect only with ip: true. Add ip: true or remove customip`);
    }
  }),
  rule<AccountFields>([['module'], ['options']], (account, report) => {
    if (account.module !== 'AccountRemoteUser') {
      return;
    }
    for (const key of ROOT_SESSION_ONLY_OPTIONS) {
      if ((account.options as Record<string, unknown>)[key] !== undefined) {
        report(['options', key], `${key} is not valid for AccountRemoteUser items, only for AccountRemoteRoot. Remove it`);
      }
    }
  }),
];

/** Rules across the items of a plan. */
export const itemsRules = [
  rule<ItemsFields>([['accounts', ANY_INDEX, 'user']], (items, report) => {
    reportDuplicates(
      items.accounts.map((account) => account.user),
      (index) => ['accounts', index, 'user'],
      (user, first) => `account "${user}" is listed twice, first at items.${first}. Remove one of them`,
      report,
    );
  }),
  rule<ItemsFields>([['accounts', ANY_INDEX, 'user'], ['accounts', ANY_INDEX, 'localuser']], (items, report) => {
    reportDuplicates(
      items.accounts.map(localUserOf),
      (index) => ['accounts', index, 'localuser'],
      (localuser, first) =>
        `destination account name "${localuser}" is already used at items.${first.replace(/\.localuser$/, '')}. Give each account its own localuser`,
      report,
    );
  }),
  rule<ItemsFields>([['packages', ANY_INDEX]], (items, report) => {
    reportDuplicates(
      items.packages.map(nameOf),
      (index) => ['packages', index],
      (name, first) => `package "${name}" is listed twice, first at items.${first}. Remove one of them`,
      report,
    );
  }),
  rule<ItemsFields>([['featureLists', ANY_INDEX]], (items, report) => {
    reportDuplicates(
      items.featureLists.map(nameOf),
      (index) => ['featureLists', index],
      (name, first) => `feature list "${name}" is listed twice, first at items.${first}. Remove one of them`,
      report,
    );
  }),
  rule<ItemsFields>([['accounts', ANY_INDEX, 'module']], (items, report) => {
    const firstRoot = items.accounts.findIndex((account) => account.module !== 'AccountRemoteUser');
    if (firstRoot === -1 || sessionTypeOf(items.accounts) !== undefined) {
      return;
    }
    items.accounts.forEach((account, index) => {
      if (account.module === 'AccountRemoteUser') {
        report(
          ['accounts', index, 'module'],
          `AccountRemoteUser cannot share a plan with AccountRemoteRoot accounts (first at items.accounts[${firstRoot}]), because one WHM transfer session has one type. Write two plans, one per module`,
        );
      }
    });
  }),
  rule<ItemsFields>([['accounts', ANY_INDEX, 'module'], ['packages'], ['featureLists']], (items, report) => {
    if (items.accounts.length === 0 || !items.accounts.every((account) => account.module === 'AccountRemoteUser')) {
      return;
    }
    const kinds = [
      { key: 'packages', what: 'packages', count: items.packages.length },
      { key: 'featureLists', what: 'feature lists', count: items.featureLists.length },
    ];
    for (const { key, what, count } of kinds) {
      if (count > 0) {
        report(
          [key],
          `a user-authenticated session (AccountRemoteUser) cannot transfer ${what}, only accounts. Move the ${what} to a plan with AccountRemoteRoot accounts or remove them`,
        );
      }
    }
  }),
  rule<ItemsFields>([['accounts'], ['packages'], ['featureLists']], (items, report) => {
    if (items.accounts.length + items.packages.length + items.featureLists.length === 0) {
      report([], 'the plan transfers nothing. Add at least one account, package or feature list');
    }
  }),
];

/** Rules across sections of the plan. */
export const planRules = [
  rule<PlanFields>(
    [['items', 'accounts', ANY_INDEX, 'module'], ['source', 'password'], ['source', 'sshKey'], ['source', 'accountPassword']],
    (plan, report) => {
      const sessionType = sessionTypeOf(plan.items.accounts);
      if (sessionType === 'user' && plan.source.accountPassword === undefined) {
        report(
          ['source', 'accountPassword'],
          'AccountRemoteUser items need the cPanel account\'s password for the user-authenticated session. Add source.accountPassword: { env: "VARIABLE" } or { file: "/path" }',
        );
      }
      if (sessionType === 'root' && plan.source.password === undefined && plan.source.sshKey === undefined) {
        report(
          ['source'],
          'a root-authenticated session (AccountRemoteRoot) logs in to the source over SSH and needs source.password or source.sshKey. Add one of them',
        );
      }
    },
  ),
  rule<PlanFields>([['items', 'accounts', ANY_INDEX, 'options', 'force'], ['session', 'unrestricted_restore']], (plan, report) => {
    if (!plan.session.unrestricted_restore) {
      return;
    }
    plan.items.accounts.forEach((account, index) => {
      if (account.options.force === true) {
        report(
          ['items', 'accounts', index, 'options', 'force'],
          'force is not allowed when session.unrestricted_restore is true, because WHM rejects it. Set unrestricted_restore to false or remove force',
        );
      }
    });
  }),
];
