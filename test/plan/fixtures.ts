import { InvalidPlanError, type MigrationPlanInput, type PlanIssue } from '../../src/plan';

/** Smallest valid plan input: one root-session account, credentials from environment variables. */
export function minimalPlanInput(): MigrationPlanInput {
  return {
    version: 1,
    name: 'wave-1',
    destination: { host: 'dest.example.com', token: { env: 'WHM_DEST_TOKEN' } },
    source: { host: 'source.example.com', password: { env: 'SOURCE_ROOT_PASSWORD' } },
    items: { accounts: [{ user: 'example' }] },
  };
}

const SECTIONS = ['destination', 'source', 'session', 'items', 'monitor'];

/**
 * Returns the minimal plan with `changes` applied: object sections are merged one level deep
 * (a key set to undefined removes it), other keys are replaced.
 */
export function planWith(changes: Record<string, unknown>): Record<string, unknown> {
  const plan: Record<string, unknown> = { ...minimalPlanInput() };
  for (const [key, value] of Object.entries(changes)) {
    const current = plan[key];
    plan[key] = SECTIONS.includes(key) && typeof current === 'object' && typeof value === 'object' ? { ...current, ...value } : value;
  }
  return JSON.parse(JSON.stringify(plan)) as Record<string, unknown>;
}

/** Returns the InvalidPlanError `action` throws; fails the test when it throws nothing or another error. */
export function catchInvalidPlan(action: () => unknown): InvalidPlanError {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidPlanError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an InvalidPlanError, but the plan was accepted');
}

/** Async variant of {@link catchInvalidPlan}. */
export async function catchInvalidPlanAsync(action: () => Promise<unknown>): Promise<InvalidPlanError> {
  try {
    await action();
  } catch (error) {
    if (error instanceof InvalidPlanError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected an InvalidPlanError, but the plan was accepted');
}

/** Paths of the issues, for assertions that do not depend on wording. */
export function issuePaths(issues: readonly PlanIssue[]): string[] {
  return issues.map((issue) => issue.path);
}

/** The one issue at `path`; fails when there is none or more than one. */
export function issueAt(issues: readonly PlanIssue[], path: string): PlanIssue {
  const matches = issues.filter((issue) => issue.path === path);
  if (matches.length !== 1) {
    throw new Error(`expected one issue at ${path}, found ${matches.length}: ${JSON.stringify(issues, null, 2)}`);
  }
  return matches[0]!;
}
