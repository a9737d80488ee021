/**
 * JSON Schema of the migration plan, generated from the zod schema, for editors and other tools.
 * `schemas/plan.schema.json` contains a generated copy; `npm run schemas` rewrites it, and a test
 * fails when it is out of date.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { migrationPlanSchema } from './schema';

/** Location of the generated file, from `src/plan` and from `dist/plan` alike. */
export const PLAN_JSON_SCHEMA_FILE = path.resolve(__dirname, '../../schemas/plan.schema.json');

/**
 * Returns the JSON Schema (draft 2020-12) of a plan as a user writes it: keys with defaults are
 * optional. Cross-field rules are not expressible in it; `parsePlan` checks them.
 */
export function planJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(migrationPlanSchema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' });
}

/** Returns the text of `schemas/plan.schema.json`: the schema as indented JSON with a final newline. */
export function planJsonSchemaText(): string {
  return `${JSON.stringify(planJsonSchema(), null, 2)}\n`;
}

/** Writes the JSON Schema to `file`; `npm run schemas` calls it. */
export function writePlanJsonSchema(file = PLAN_JSON_SCHEMA_FILE): void {
  writeFileSync(file, planJsonSchemaText());
}
