import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
  buildContract,
  CONTRACT_DIRECTORY,
  CONTRACT_FILE_NAME,
  CONTRACT_README_NAME,
  contractReadmeText,
  contractText,
  resolvedPlanJsonSchema,
} from '../../src/contract';
import { SIGNAL_DESCRIPTIONS } from '../../src/messages';
import { migrationPlanSchema } from '../../src/plan';
import { MIGRATION_SEARCH_ATTRIBUTES } from '../../src/search-attributes';

type Schema = { properties: Record<string, Schema>; required?: string[]; items?: Schema; $defs?: Record<string, unknown>; additionalProperties?: unknown };

function committed(name: string): string {
  return readFileSync(path.join(CONTRACT_DIRECTORY, name), 'utf8');
}

describe('contract files', () => {
  test('committed JSON is up to date', () => {
    const text = committed(CONTRACT_FILE_NAME);

    if (text !== contractText()) {
      throw new Error(`contract/${CONTRACT_FILE_NAME} differs from the code in src/contract. Run \`npm run contract\` and commit the result.`);
    }
    expect(text).toBe(contractText());
  });

  test('committed README is up to date', () => {
    const text = committed(CONTRACT_README_NAME);

    if (text !== contractReadmeText()) {
      throw new Error(`contract/${CONTRACT_README_NAME} differs from the code in src/contract. Run \`npm run contract\` and commit the result.`);
    }
    expect(text).toBe(contractReadmeText());
  });

  test('file name carries the version', () => {
    expect(CONTRACT_FILE_NAME).toBe(`whm-migrate-contract.v${buildContract().contractVersion}.json`);
  });
});

describe('contract document', () => {
  const contract = buildContract();

  test('names the workflow and task queue', () => {
    expect(contract.workflow.type).toBe('migrationWorkflow');
    expect(contract.workflow.defaultTaskQueue).toBe('whm-migrate');
  });

  test('workflow id example follows the rule', () => {
    expect(contract.workflow.workflowId.example).toBe('whm-migrate/dest.example.com/wave-1');
  });

  test('lists every signal, query and update', () => {
    const names = [...Object.keys(contract.signals), ...Object.keys(contract.queries), ...Object.keys(contract.updates)];

    expect(names.sort()).toEqual(Object.keys(SIGNAL_DESCRIPTIONS).sort());
  });

  test('signal and update arguments are optional objects', () => {
    for (const message of [...Object.values(contract.signals), ...Object.values(contract.updates)]) {
      expect(message.argument?.required).toBe(false);
      expect(message.argument?.emptyInput).toContain('may be left out');
      expect(message.argument?.schema).toMatchObject({ type: 'object', additionalProperties: false });
    }
  });

  test('resume argument accepts all', () => {
    const schema = contract.signals.resume!.argument!.schema as Schema;

    expect(Object.keys(schema.properties)).toEqual(['reason', 'source', 'all']);
  });

  test('updates return the control result', () => {
    for (const update of Object.values(contract.updates)) {
      expect((update.result as Schema).required).toEqual(['phase', 'paused', 'holds']);
    }
  });

  test('status query returns the status', () => {
    const status = contract.queries.status!.result as Schema & { title: string };

    expect(status.title).toBe('MigrationStatus');
    expect(status.required).toContain('holds');
  });

  test('result objects stay open for new fields', () => {
    expect((contract.queries.status!.result as Schema).additionalProperties).toBeUndefined();
    expect((contract.workflow.result.schema as Schema).additionalProperties).toBeUndefined();
  });

  test('input holds the plan and its definitions', () => {
    const input = contract.workflow.input.schema as Schema;

    expect(input.required).toEqual(['plan']);
    expect(Object.keys(input.$defs ?? {})).toEqual(['CredentialRef']);
    expect(JSON.stringify(input.properties.plan)).toContain('"$ref":"#/$defs/CredentialRef"');
  });

  test('example input is a resolved plan', () => {
    const plan = contract.workflow.input.example.plan;

    expect(migrationPlanSchema.parse(plan)).toEqual(plan);
  });

  test('search attributes match the workflow', () => {
    const names = contract.searchAttributes.attributes.map((attribute) => attribute.name);

    expect(names).toEqual(MIGRATION_SEARCH_ATTRIBUTES.map((attribute) => attribute.name));
  });

  test('example queries use the attributes', () => {
    const queries = contract.searchAttributes.exampleQueries.map((example) => example.query).join('\n');

    for (const attribute of contract.searchAttributes.attributes) expect(queries).toContain(attribute.name);
  });
});

describe('resolvedPlanJsonSchema', () => {
  const schema = resolvedPlanJsonSchema() as Schema;

  test('defaults are required', () => {
    expect(schema.required).toEqual(['version', 'name', 'destination', 'source', 'session', 'items', 'onConflict', 'monitor']);
    expect(schema.properties.destination!.required).toEqual(['host', 'port', 'scheme', 'user', 'token']);
    expect(schema.properties.monitor!.required).toEqual(['pollIntervalSeconds']);
  });

  test('packages are name objects', () => {
    const packages = schema.properties.items!.properties.packages!.items!;

    expect(packages).toEqual({ type: 'object', properties: { name: { type: 'string', minLength: 1 } }, required: ['name'], additionalProperties: false });
  });

  test('accounts need module and options', () => {
    const account = schema.properties.items!.properties.accounts!.items!;

    expect(account.required).toEqual(['user', 'module', 'options']);
    expect(account.additionalProperties).toBe(false);
  });

  test('fingerprint keeps its pattern', () => {
    const tls = schema.properties.destination!.properties.tls!;

    expect(tls.properties.fingerprint256).toMatchObject({ type: 'string', pattern: '^(?:[0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$' });
  });
});
