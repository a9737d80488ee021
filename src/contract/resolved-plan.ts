/**
 * JSON Schema of the plan as the migration workflow receives it: resolved, with every default
 * written out. `parsePlan` produces this form for TypeScript callers. Other callers must send it
 * themselves, because the workflow reads the plan as given and does not fill in defaults.
 */
import { z } from 'zod';

import { migrationPlanSchema } from '../plan/schema';

type JsonSchema = Record<string, unknown>;

/** Object form of a package or feature list, which the workflow reads as `{ name }`. */
const namedItemSchema = z.strictObject({ name: z.string().min(1) });

/**
 * The output of each transform in the plan schema, keyed by its JSON Schema path. Zod cannot derive
 * the output of a transform, so each one is stated here. `input` means that the transform keeps the
 * shape of its input: the account transform only fills in `localuser`, which the workflow also
 * defaults, and the worker normalises a certificate fingerprint again before it compares one.
 */
const TRANSFORM_OUTPUTS: Record<string, z.ZodType | 'input'> = {
  'properties/items/properties/packages/items': namedItemSchema,
  'properties/items/properties/featureLists/items': namedItemSchema,
  'properties/items/properties/accounts/items': 'input',
  'properties/destination/properties/tls/properties/fingerprint256': 'input',
};

function renderPart(schema: z.ZodType, path: string): JsonSchema {
  const { $schema: _dialect, ...rendered } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12', unrepresentable: 'throw' });
  if ('$defs' in rendered) {
    throw new Error(`The resolved plan schema at ${path} needs shared definitions, which renderPart cannot merge; inline them or extend renderPart.`);
  }
  return rendered;
}

/**
 * Returns the JSON Schema (draft 2020-12) of a resolved plan: keys with defaults are required, and
 * packages and feature lists are `{ "name": ... }` objects.
 *
 * @throws Error when the plan schema gained a transform that {@link TRANSFORM_OUTPUTS} does not describe.
 */
export function resolvedPlanJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(migrationPlanSchema, {
    io: 'output',
    target: 'draft-2020-12',
    // Transforms render as {} first; the override below replaces every one of them or throws.
    unrepresentable: 'any',
    override: (context) => {
      const def = context.zodSchema._zod.def;
      if (def.type !== 'pipe' || def.out._zod.def.type !== 'transform') return;

      const path = context.path.join('/');
      const output = TRANSFORM_OUTPUTS[path];
      if (output === undefined) {
        throw new Error(`The plan schema has a transform at ${path} whose output the contract does not describe. Add it to TRANSFORM_OUTPUTS in src/contract/resolved-plan.ts.`);
      }
      const rendered = renderPart(output === 'input' ? (def.in as z.ZodType) : output, path);
      const description = context.jsonSchema.description;
      for (const key of Object.keys(context.jsonSchema)) delete context.jsonSchema[key];
      Object.assign(context.jsonSchema, rendered, description === undefined ? {} : { description });
    },
  });

  return {
    ...schema,
    title: 'whm-migrate resolved migration plan',
    description:
      'The plan as the migration workflow receives it: every key that has a default is present, and packages and feature lists are ' +
      '{"name": "..."} objects. Credentials are references ({"env": "VARIABLE"} or {"file": "/path"}) that the worker resolves; ' +
      'file paths are read on the worker, so give them as absolute paths.',
  };
}
