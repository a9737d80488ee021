/**
 * Schema of the migration plan: the file a user writes to describe one migration from a source
 * cPanel server to a destination WHM server.
 *
 * The parsed plan is the migration workflow's input, so it is plain JSON data. It contains no secrets,
 * only credential references that the worker resolves when it calls WHM. Session and item options
 * keep WHM API 1's parameter names, so cPanel's documentation applies to them. This module imports
 * only zod, so workflow code may import it.
 */
import { z } from 'zod';

import {
  accountRemoteRootItemSchema,
  createRemoteRootTransferSessionParamsSchema,
} from '../whm/params';
import { accountRules, itemsRules, planRules, rootEscalationRules, tlsRules } from './rules';
import { scheduleSchema } from '../schedule/window';

/** Module of an account item: the type of the WHM transfer session that moves it. */
export const ACCOUNT_MODULES = ['AccountRemoteRoot', 'AccountRemoteUser'] as const;

/** Key names whose values are credential references; values under them never appear in messages. */
export const CREDENTIAL_KEYS: ReadonlySet<string> = new Set(['token', 'password', 'passphrase', 'accountPassword']);

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

const credentialFromEnvSchema = z.strictObject({
  env: z
    .string()
    .regex(ENV_NAME, { error: 'must be an environment variable name: upper-case letters, digits and "_", not starting with a digit' })
    .describe('Environment variable on the worker that contains the secret.'),
});

const credentialFromFileSchema = z.strictObject({
  file: z
    .string()
    .min(1, { error: 'must be a file path' })
    .describe('File on the worker that contains the secret; a relative path is resolved against the plan file\'s folder.'),
});

/**
 * Reference to a secret: the environment variable or file the worker reads it from when it needs
 * it. The plan names the place, never the secret.
 */
export const credentialRefSchema = z
  .union([credentialFromEnvSchema, credentialFromFileSchema], {
    error: (issue) =>
      issue.input === undefined
        ? 'missing. Set it to { env: "VARIABLE" } or { file: "/path/to/file" }'
        : 'must be { env: "VARIABLE" } or { file: "/path/to/file" }, exactly one of them. Put the secret itself in that variable or file on the worker, never in the plan',
  })
  .meta({ id: 'CredentialRef', description: 'Reference to a secret: { "env": "VARIABLE" } or { "file": "/path/to/file" }.' });

/** Reference to a secret: an environment variable or a file on the worker. */
export type CredentialRef = z.output<typeof credentialRefSchema>;

// Own patterns rather than z.regexes, which is undefined when zod is bundled into workflow code,
// and the workflow parses plans too.
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME_PATTERN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*\\.?$`);
const IPV4_PATTERN = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6_PATTERN = /^(?=.*:)[0-9A-Fa-f:.]{2,45}$/;
const DOMAIN_PATTERN = new RegExp(`^(?:${LABEL}\\.)+[A-Za-z]{2,63}$`);

const hostSchema = z
  .string()
  .refine((host) => HOSTNAME_PATTERN.test(host) || IPV4_PATTERN.test(host) || IPV6_PATTERN.test(host), {
    error: 'must be a host name or an IP address (IPv6 without brackets)',
  });

const portSchema = z
  .number({ error: 'must be a port number' })
  .int({ error: 'must be a whole port number' })
  .min(1, { error: 'must be a port number from 1 to 65535' })
  .max(65535, { error: 'must be a port number from 1 to 65535' });

// Linux user names as useradd accepts them by default; WHM reseller names follow cPanel's rules.
const systemUserSchema = z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}$/, {
  error: 'must be a user name: up to 32 lower-case letters, digits, "_", "." or "-", starting with a letter or "_"',
});

// Mirrors normalizeFingerprint256 in the WHM client, which imports Node's TLS modules and therefore
// cannot be used in a module that workflow code imports.
const fingerprint256Schema = z
  .string()
  .regex(/^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, {
    error: 'must be a SHA-256 fingerprint: 32 bytes in hex, like "AB:CD:…" as openssl x509 -fingerprint -sha256 prints it',
  })
  .transform((value) => value.replace(/:/g, '').toUpperCase().match(/../g)!.join(':'));

const tlsSchema = z
  .strictObject({
    caFile: z
      .string()
      .min(1, { error: 'must be a file path' })
      .optional()
      .describe('PEM file with the CA certificates that signed the destination\'s certificate; a relative path is resolved against the plan file\'s folder.'),
    fingerprint256: fingerprint256Schema
      .optional()
      .describe('SHA-256 fingerprint of the destination\'s certificate to pin; colons optional, any case.'),
    insecure: z.boolean().optional().describe('Accept any certificate. Only for tests: anyone on the path can read the token.'),
  })
  .check(...tlsRules)
  .describe('How the worker checks the destination\'s TLS certificate; the default is the system CA store.');

const destinationSchema = z
  .strictObject({
    host: hostSchema.describe('Destination WHM server; every WHM API call goes here, because the destination runs the transfer.'),
    port: portSchema.default(2087).describe('WHM port: 2087 for HTTPS, 2086 for HTTP.'),
    scheme: z.enum(['https', 'http']).default('https'),
    user: systemUserSchema.default('root').describe('WHM user that owns the API token.'),
    token: credentialRefSchema.describe('WHM API token of `user`.'),
    tls: tlsSchema.optional(),
  })
  .describe('The destination WHM server, which pulls the accounts.');

const sshKeySchema = z.strictObject({
  name: z
    .string()
    .min(1, { error: 'must be the name of a key in WHM\'s "Manage root\'s SSH Keys"' })
    .describe('Name of a key in the destination WHM\'s "Manage root\'s SSH Keys".'),
  passphrase: credentialRefSchema.optional().describe('Passphrase of the key.'),
});

const rootEscalationSchema = z
  .strictObject({
    method: createRemoteRootTransferSessionParamsSchema.shape.root_escalation_method.unwrap(),
    password: credentialRefSchema.optional().describe('Root password; required by `su`.'),
  })
  .check(...rootEscalationRules)
  .describe('How `user` becomes root on the source when it is not root. WHM uses sudo when this is omitted.');

const sourceSchema = z
  .strictObject({
    host: hostSchema.describe('Source cPanel server.'),
    sshPort: portSchema.default(22).describe('SSH port of the source.'),
    user: systemUserSchema.default('root').describe('SSH login user on the source.'),
    password: credentialRefSchema.optional().describe('SSH password of `user`.'),
    sshKey: sshKeySchema.optional(),
    rootEscalation: rootEscalationSchema.optional(),
    commTransport: createRemoteRootTransferSessionParamsSchema.shape.comm_transport
      .default('ssh')
      .describe('Channel WHM uses to reach the source; the whostmgr ones try the WHM port first, then SSH.'),
    accountPassword: credentialRefSchema
      .optional()
      .describe('Password of the cPanel account, for AccountRemoteUser plans (user-authenticated sessions).'),
  })
  .describe('The source cPanel server the accounts come from.');

const threadsSchema = z
  .number()
  .int({ error: 'must be a whole number from 1 to 9' })
  .min(1, { error: 'must be a whole number from 1 to 9' })
  .max(9, { error: 'must be at most 9, because WHM runs at most 9 threads' })
  .default(1);

const sessionSchema = z
  .strictObject({
    transfer_threads: threadsSchema.describe('Accounts packaged and copied at the same time (WHM caps it at 9).'),
    restore_threads: threadsSchema.describe('Accounts restored at the same time (WHM caps it at 9).'),
    unrestricted_restore: z.boolean().default(false).describe('Restore without Restricted Restore\'s checks; must be false to use `force`.'),
    copy_reseller_privs: z.boolean().default(false),
    compressed: z.boolean().default(true),
    unencrypted: z.boolean().default(false).describe('Copy without encryption, which also disables streaming.'),
    use_backups: z.boolean().default(false).describe('Reuse a backup on the source that is less than 24 hours old.'),
    low_priority: z.boolean().default(false),
    enable_custom_pkgacct: z.boolean().default(false),
  })
  .prefault({})
  .describe('Options of the WHM transfer session, with WHM API 1\'s parameter names.');

/**
 * Per-account `enqueue_transfer_item` parameters of WHM, typed as the WHM client types them. The
 * plan sets module, user, localuser, domain and size itself, and the worker adds the session id.
 */
export const accountOptionsSchema = accountRemoteRootItemSchema
  .omit({ module: true, transfer_session_id: true, size: true, user: true, localuser: true, domain: true })
  .prefault({})
  .describe('enqueue_transfer_item parameters of the account, with WHM API 1\'s names; booleans are true or false.');

const cpanelUserSchema = z.string().regex(/^[a-z][a-z0-9]{0,15}$/, {
  error: 'must be a cPanel user name: 1-16 lower-case letters and digits, starting with a letter',
});

const accountSchema = z
  .strictObject({
    user: cpanelUserSchema.describe('Account name on the source.'),
    localuser: cpanelUserSchema.optional().describe('Account name on the destination; defaults to `user`.'),
    domain: z
      .string()
      .regex(DOMAIN_PATTERN, { error: 'must be a domain name such as example.com' })
      .optional()
      .describe('Main domain of the account.'),
    sizeBytes: z
      .number()
      .int({ error: 'must be a whole number of bytes' })
      .min(0, { error: 'must not be negative' })
      .optional()
      .describe('Disk use of the account in bytes, when known; otherwise the analysis of the source supplies it.'),
    module: z.enum(ACCOUNT_MODULES).default('AccountRemoteRoot').describe('AccountRemoteRoot (root session) or AccountRemoteUser (user session).'),
    options: accountOptionsSchema,
  })
  .check(...accountRules)
  .transform((account) => ({ ...account, localuser: account.localuser ?? account.user }));

function namedItemSchema(kind: string) {
  return z
    .union([z.string().min(1), z.strictObject({ name: z.string().min(1) })], {
      error: `must be a ${kind} name or { name: "…" }`,
    })
    .transform((entry) => (typeof entry === 'string' ? { name: entry } : entry));
}

const itemsSchema = z
  .strictObject({
    packages: z.array(namedItemSchema('package')).default([]).describe('Hosting packages to copy (root sessions only).'),
    featureLists: z.array(namedItemSchema('feature list')).default([]).describe('Feature lists to copy (root sessions only).'),
    accounts: z.array(accountSchema).default([]),
  })
  .check(...itemsRules)
  .describe('What to transfer; the plan needs at least one item.');

const monitorSchema = z
  .strictObject({
    pollIntervalSeconds: z
      .number()
      .int({ error: 'must be a whole number of seconds from 1 to 300' })
      .min(1, { error: 'must be a whole number of seconds from 1 to 300' })
      .max(300, { error: 'must be a whole number of seconds from 1 to 300' })
      .default(5)
      .describe('Seconds between two reads of the transfer session\'s state.'),
  })
  .prefault({});

/** The migration plan. Parse with `parsePlan`, which also reports cross-field problems and warnings. */
export const migrationPlanSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema of this file, for editors; ignored.'),
    version: z.literal(1, { error: 'must be 1, the only plan version this whm-migrate reads' }),
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, {
        error: 'must be 1-63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit',
      })
      .describe('Migration name; with the destination host it forms the workflow id, so it must be unique per destination.'),
    destination: destinationSchema,
    source: sourceSchema,
    session: sessionSchema,
    items: itemsSchema,
    onConflict: z
      .enum(['stop', 'skip', 'proceed'])
      .default('stop')
      .describe('When an account conflicts with one on the destination: stop before starting, skip that account, or enqueue it anyway.'),
    monitor: monitorSchema,
    schedule: scheduleSchema.optional(),
  })
  .check(...planRules)
  .meta({ title: 'whm-migrate migration plan', description: 'One migration from a source cPanel server to a destination WHM server.' });

/** A validated migration plan with defaults applied: the migration workflow's input. */
export type MigrationPlan = z.output<typeof migrationPlanSchema>;
/** A migration plan as a user writes it, before defaults. */
export type MigrationPlanInput = z.input<typeof migrationPlanSchema>;
/** One account of a validated plan; `localuser` is filled in. */
export type PlanAccount = MigrationPlan['items']['accounts'][number];
/** `enqueue_transfer_item` options of one account. */
export type AccountOptions = PlanAccount['options'];
/** Module of an account item. */
export type AccountModule = (typeof ACCOUNT_MODULES)[number];
