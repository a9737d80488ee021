import { readFileSync } from 'node:fs';

import { PLAN_JSON_SCHEMA_FILE, planJsonSchema, planJsonSchemaText } from '../../src/plan';

describe('planJsonSchema', () => {
  test('committed file is up to date', () => {
    const committed = readFileSync(PLAN_JSON_SCHEMA_FILE, 'utf8');

    if (committed !== planJsonSchemaText()) {
      throw new Error('schemas/plan.schema.json differs from the plan schema in src/plan. Run `npm run schemas` and commit the result.');
    }
    expect(committed).toBe(planJsonSchemaText());
  });

  test('defaults are optional', () => {
    const schema = planJsonSchema() as { required: string[]; properties: Record<string, { required?: string[] }> };

    expect(schema.required).toEqual(['version', 'name', 'destination', 'source', 'items']);
    expect(schema.properties.destination?.required).toEqual(['host', 'token']);
  });

  test('objects reject unknown keys', () => {
    const schema = planJsonSchema() as { additionalProperties: unknown; properties: Record<string, { additionalProperties?: unknown }> };

    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.session?.additionalProperties).toBe(false);
  });

  test('credential reference shared', () => {
    const schema = planJsonSchema() as { $defs: Record<string, unknown> };

    expect(Object.keys(schema.$defs)).toEqual(['CredentialRef']);
  });
});
