import path from 'node:path';
import { InvalidPlanError, parsePlan, type ParsedPlan, type PlanIssue } from '../../plan';
import { formatPath } from '../../plan/rules';
import { CREDENTIAL_KEYS } from '../../plan/schema';
import { BODY_PATH, HttpError } from '../http/errors';

/**
 * Validates a plan that arrived as a request body and applies its defaults.
 *
 * A plan file may name credential and CA files relative to its own folder, but a request body has
 * no folder, and the worker that reads the files may run elsewhere. So every such path must be
 * absolute: a relative one is reported as a problem instead of being resolved against this
 * service's working directory.
 *
 * @throws HttpError 400 that lists every problem of the plan (schema, cross-field rules, relative paths).
 */
export function parsePlanBody(value: unknown): ParsedPlan {
  const pathIssues = relativePathIssues(value);
  let parsed: ParsedPlan | undefined;
  let issues: PlanIssue[] = [];
  try {
    parsed = parsePlan(value, { baseDir: path.parse(process.cwd()).root });
  } catch (error) {
    if (!(error instanceof InvalidPlanError)) throw error;
    issues = error.issues;
  }

  issues = [...issues, ...pathIssues];
  if (parsed !== undefined && issues.length === 0) return parsed;
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  throw new HttpError(400, `The migration plan is invalid (${count}, listed in "problems"); nothing was started.`, {
    problems: issues.map((issue) => ({ path: issue.path === '' ? BODY_PATH : issue.path, message: issue.message })),
  });
}

/** Finds file paths in the raw plan (`{ file }` credential references and `tls.caFile`) that are relative. */
function relativePathIssues(value: unknown, at: PropertyKey[] = []): PlanIssue[] {
  if (typeof value !== 'object' || value === null) return [];

  const issues: PlanIssue[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = [...at, Array.isArray(value) ? Number(key) : key];
    if (CREDENTIAL_KEYS.has(key) && typeof child === 'object' && child !== null && 'file' in child && isRelative(child.file)) {
      issues.push(relativePathIssue([...childPath, 'file']));
    } else if (key === 'caFile' && isRelative(child)) {
      issues.push(relativePathIssue(childPath));
    } else {
      issues.push(...relativePathIssues(child, childPath));
    }
  }
  return issues;
}

function isRelative(file: unknown): file is string {
  return typeof file === 'string' && file !== '' && !path.isAbsolute(file);
}

// The path itself is left out, as plan messages leave out every value under a credential key.
function relativePathIssue(at: PropertyKey[]): PlanIssue {
  return { path: formatPath(at), message: 'must be an absolute path on the worker, because a plan sent over HTTP has no folder that a relative path could start from' };
}
