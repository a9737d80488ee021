/**
 * Problems found in a migration plan, as messages a user can act on: each names the field, the
 * value (never one under a credential key) and what to change.
 */
import { z } from 'zod';

import { formatPath } from './rules';
import { CREDENTIAL_KEYS } from './schema';

/** One problem of a plan. */
export interface PlanIssue {
  /** Field path such as `items.accounts[2].localuser`; empty for the plan as a whole. */
  path: string;
  message: string;
  /** 1-based line of the field in the plan file, when the plan came from a file. */
  line?: number;
  /** 1-based column of the field in the plan file, when the plan came from a file. */
  column?: number;
}

/** Thrown by `parsePlan` and `loadPlanFile` for a plan that fails validation; lists every problem. */
export class InvalidPlanError extends Error {
  readonly issues: PlanIssue[];

  /** @param subject what was validated, e.g. `Migration plan` or `Plan file plans/wave-1.yaml`. */
  constructor(issues: PlanIssue[], subject = 'Migration plan') {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`${subject} is invalid (${count}):\n${issues.map((issue) => `  - ${describePlanIssue(issue)}`).join('\n')}`);
    this.name = 'InvalidPlanError';
    this.issues = issues;
  }
}

/** Formats an issue as one line: `path (line N): message`. */
export function describePlanIssue(issue: PlanIssue): string {
  const where = issue.path === '' ? 'plan' : issue.path;
  const line = issue.line === undefined ? '' : ` (line ${issue.line}${issue.column === undefined ? '' : `, column ${issue.column}`})`;
  return `${where}${line}: ${issue.message}`;
}

/**
 * Returns default messages for zod issues that the schema gives no message of its own. It is the
 * `error` option of a parse. {@link planIssuesFromZod} adds the value later, because only the full
 * path tells whether the value may be shown.
 */
export function defaultIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? `missing required key (expects ${article(issue.expected)})` : `expected ${article(issue.expected)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return sizeMessage(issue.origin, 'at least', Number(issue.minimum));
    case 'too_big':
      return sizeMessage(issue.origin, 'at most', Number(issue.maximum));
    default:
      return undefined;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function sizeMessage(origin: string, bound: string, limit: number): string {
  if (origin === 'string') {
    return limit === 1 && bound === 'at least' ? 'must not be empty' : `must have ${bound} ${limit} characters`;
  }
  if (origin === 'array' || origin === 'set') {
    return `must have ${bound} ${limit} entries`;
  }
  return `must be ${bound} ${limit}`;
}

/** Converts zod issues to plan issues; unknown keys become one issue per key, with the allowed keys. */
export function planIssuesFromZod(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): PlanIssue[] {
  return issues.flatMap((issue): PlanIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      const allowed = objectKeysAt(schema, issue.path);
      return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: unknownKeyMessage(key, allowed) }));
    }
    return [{ path: formatPath(issue.path), message: `${issue.message}${valueSuffix(issue)}` }];
  });
}

function valueSuffix(issue: z.core.$ZodIssue): string {
  const input = issue.input;
  const isSecret = issue.path.some((key) => typeof key === 'string' && CREDENTIAL_KEYS.has(key));
  // Cross-field issues carry no input, and a union's message already describes the accepted forms.
  if (isSecret || issue.code === 'invalid_union' || input === undefined) {
    return '';
  }
  if (typeof input === 'string') {
    return ` (got ${JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input)})`;
  }
  if (input === null || typeof input === 'number' || typeof input === 'boolean') {
    return ` (got ${String(input)})`;
  }
  return ` (got ${Array.isArray(input) ? 'an array' : `a value of type ${typeof input}`})`;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = allowed.find((candidate) => isLikelyTypo(key, candidate));
  const hint = suggestion === undefined ? 'Check the spelling or remove it.' : `Did you mean "${suggestion}"?`;
  return allowed.length === 0 ? `unknown key. ${hint}` : `unknown key. ${hint} Allowed keys here: ${allowed.join(', ')}`;
}

/** Whether `key` differs from `candidate` only in case or by at most two edits. */
function isLikelyTypo(key: string, candidate: string): boolean {
  const a = key.toLowerCase();
  const b = candidate.toLowerCase();
  if (a === b) {
    return true;
  }
  // Levenshtein distance over one rolling row.
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]! <= 2;
}

/**
 * Returns the keys of the object schema at `path`, looking through optional, default, transform
 * and union wrappers. Returns an empty list when the path leads to no object schema.
 */
function objectKeysAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  const def = schema._zod.def;
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return objectKeysAt((def as z.core.$ZodOptionalDef).innerType, path);
    case 'pipe':
      return objectKeysAt((def as z.core.$ZodPipeDef).in, path);
    case 'union':
      return [...new Set((def as z.core.$ZodUnionDef).options.flatMap((option) => objectKeysAt(option, path)))];
    case 'array': {
      const [, ...rest] = path;
      return path.length === 0 ? [] : objectKeysAt((def as z.core.$ZodArrayDef).element, rest);
    }
    case 'object': {
      const shape = (def as z.core.$ZodObjectDef).shape;
      if (path.length === 0) {
        return Object.keys(shape);
      }
      const [key, ...rest] = path;
      const child = typeof key === 'string' ? shape[key] : undefined;
      return child === undefined ? [] : objectKeysAt(child, rest);
    }
    default:
      return [];
  }
}
