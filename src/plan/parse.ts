/**
 * Validation of a migration plan: schema, cross-field rules, warnings, and resolution of relative
 * file paths so that the parsed plan no longer depends on where its file was.
 */
import path from 'node:path';

import { defaultIssueMessage, InvalidPlanError, planIssuesFromZod, type PlanIssue } from './issues';
import { migrationPlanSchema, type CredentialRef, type MigrationPlan } from './schema';
import { planSessionType } from './summary';

/** Options of {@link parsePlan}. */
export interface ParsePlanOptions {
  /**
   * Folder that relative file paths in the plan (credential files, `tls.caFile`) are resolved
   * against; normally the plan file's folder. @default process.cwd()
   */
  baseDir?: string;
}

/** A validated plan and the warnings about it. */
export interface ParsedPlan {
  plan: MigrationPlan;
  /** Things that are allowed but probably unintended, one sentence each. */
  warnings: string[];
}

/**
 * Validates a plan and applies its defaults. Throws an {@link InvalidPlanError} that lists every
 * problem found: schema problems and cross-field problems together.
 */
export function parsePlan(value: unknown, options: ParsePlanOptions = {}): ParsedPlan {
  return validatePlan(value, { baseDir: options.baseDir ?? process.cwd() });
}

/** Settings of {@link validatePlan} besides the value. */
export interface ValidatePlanSettings {
  baseDir: string;
  /** Subject of the error message, e.g. `Plan file wave-1.yaml`. */
  subject?: string;
  /** Adds the file position of an issue's field, when the plan came from a file. */
  locate?: (issue: PlanIssue, path: readonly PropertyKey[]) => PlanIssue;
}

/** Implements {@link parsePlan}, with hooks that `loadPlanFile` uses to name the file and its lines. */
export function validatePlan(value: unknown, settings: ValidatePlanSettings): ParsedPlan {
  const result = migrationPlanSchema.safeParse(value, { reportInput: true, error: defaultIssueMessage });
  if (!result.success) {
    const issues = planIssuesFromZod(result.error.issues, migrationPlanSchema);
    const locate = settings.locate;
    const paths = issuePaths(result.error.issues);
    const located = locate === undefined ? issues : issues.map((issue, index) => locate(issue, paths[index]!));
    throw new InvalidPlanError(located, settings.subject);
  }

  const plan = resolvePlanPaths(result.data, settings.baseDir);
  return { plan, warnings: planWarnings(plan) };
}

/** Raw zod paths aligned with the issues `planIssuesFromZod` returns (one per unknown key). */
function issuePaths(issues: readonly { code: string; path: PropertyKey[]; keys?: string[] }[]): PropertyKey[][] {
  return issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? (issue.keys ?? []).map((key) => [...issue.path, key]) : [issue.path]));
}

function resolveFileRef<T extends CredentialRef | undefined>(ref: T, baseDir: string): T {
  if (ref === undefined || !('file' in ref)) {
    return ref;
  }
  return { file: path.resolve(baseDir, ref.file) } as T;
}

/** Returns a copy of the plan with every relative file path made absolute against `baseDir`. */
function resolvePlanPaths(plan: MigrationPlan, baseDir: string): MigrationPlan {
  const { destination, source } = plan;
  const tls = destination.tls === undefined ? undefined : { ...destination.tls };
  if (tls?.caFile !== undefined) {
    tls.caFile = path.resolve(baseDir, tls.caFile);
  }

  return {
    ...plan,
    destination: {
      ...destination,
      token: resolveFileRef(destination.token, baseDir),
      ...(tls === undefined ? {} : { tls }),
    },
    source: {
      ...source,
      ...(source.password === undefined ? {} : { password: resolveFileRef(source.password, baseDir) }),
      ...(source.accountPassword === undefined ? {} : { accountPassword: resolveFileRef(source.accountPassword, baseDir) }),
      ...(source.sshKey === undefined
        ? {}
        : {
            sshKey: {
              ...source.sshKey,
              ...(source.sshKey.passphrase === undefined ? {} : { passphrase: resolveFileRef(source.sshKey.passphrase, baseDir) }),
            },
          }),
      ...(source.rootEscalation === undefined
        ? {}
        : {
            rootEscalation: {
              ...source.rootEscalation,
              ...(source.rootEscalation.password === undefined ? {} : { password: resolveFileRef(source.rootEscalation.password, baseDir) }),
            },
          }),
    },
  };
}

function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '::1';
}

/** Returns the warnings about a valid plan: settings that are allowed but probably unintended. */
export function planWarnings(plan: MigrationPlan): string[] {
  const warnings: string[] = [];
  const { destination, source } = plan;

  if (destination.scheme === 'http' && !isLoopbackHost(destination.host)) {
    warnings.push(
      `destination.scheme is "http" for ${destination.host}, which is not a loopback address, so the WHM API token crosses the network unencrypted. Use "https" unless this is a test server.`,
    );
  }
  if (source.rootEscalation !== undefined && source.user === 'root') {
    warnings.push('source.rootEscalation is ignored because source.user is root. Remove it, or set source.user to the user that escalates.');
  }

  if (planSessionType(plan) === 'user') {
    const unused = (['password', 'sshKey', 'rootEscalation'] as const).filter((key) => source[key] !== undefined);
    if (unused.length > 0) {
      warnings.push(
        `${unused.map((key) => `source.${key}`).join(', ')} is not used by a user-authenticated session (AccountRemoteUser), which logs in with source.accountPassword. Remove it.`,
      );
    }
    if (!plan.session.unrestricted_restore) {
      warnings.push(
        'session.unrestricted_restore is false, but cPanel documents user-authenticated sessions as requiring true. Set it to true if WHM refuses to create the session.',
      );
    }
  } else if (source.accountPassword !== undefined && plan.items.accounts.length > 0) {
    warnings.push('source.accountPassword is used only by AccountRemoteUser accounts, and this plan has none. Remove it.');
  }

  return warnings;
}
