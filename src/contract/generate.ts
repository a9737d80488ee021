/**
 * The contract for services in other languages: everything a Temporal client needs to start, steer
 * and watch a migration, as one versioned JSON document built from the zod schemas and constants the
 * TypeScript code uses. `contract/` holds the generated copy and a README rendered from it;
 * `npm run contract` rewrites both, and a test fails when they are out of date.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { z } from 'zod';

import { MIGRATION_START_POLICIES } from '../client/migration-client';
import { migrationsQuery } from '../client/visibility';
import {
  abortSignal,
  abortUpdate,
  DEFAULT_TASK_QUEUE,
  MIGRATION_WORKFLOW_TYPE,
  OPERATOR_SOURCE,
  pauseRequestSchema,
  pauseSignal,
  pauseUpdate,
  resumeRequestSchema,
  resumeSignal,
  resumeUpdate,
  SIGNAL_DESCRIPTIONS,
  statusQuery,
} from '../messages';
import { parsePlan } from '../plan/parse';
import type { MigrationPlan } from '../plan/schema';
import { migrationWorkflowId } from '../plan/summary';
import {
  HOLD_SOURCES_ATTRIBUTE,
  MIGRATION_SEARCH_ATTRIBUTES,
  PAUSED_ATTRIBUTE,
  PHASE_ATTRIBUTE,
  SEARCH_ATTRIBUTE_CLI_TYPES,
  SERVERS_ATTRIBUTE,
} from '../search-attributes';
import { renderContractReadme } from './readme';
import { resolvedPlanJsonSchema } from './resolved-plan';
import { controlResultSchema, migrationReportSchema, migrationStatusSchema } from './schemas';

/**
 * Version of the contract. It changes, and the file name with it, only for a change that breaks a
 * caller; see {@link VERSIONING_RULE}.
 */
export const CONTRACT_VERSION = 1;

/** Folder of the generated files, from `src/contract` and from `dist/contract` alike. */
export const CONTRACT_DIRECTORY = path.resolve(__dirname, '../../contract');
export const CONTRACT_FILE_NAME = `whm-migrate-contract.v${CONTRACT_VERSION}.json`;
export const CONTRACT_README_NAME = 'README.md';

const VERSIONING_RULE =
  'contractVersion (and the file name) changes only for a change that breaks a caller: a workflow type, signal, query, update or ' +
  'search attribute renamed or removed, a field removed or retyped, or a new required input field. Within one version, optional ' +
  'input fields, result fields, phases and search attributes may be added: ignore fields you do not know and treat an unknown ' +
  'phase as one you cannot act on.';

type JsonSchema = Record<string, unknown>;

/** One signal or update argument: a single JSON object that may be left out. */
interface ArgumentContract {
  required: false;
  emptyInput: string;
  schema: JsonSchema;
}

export interface MessageContract {
  description: string;
  argument?: ArgumentContract;
  result?: JsonSchema;
  invalidInput?: string;
}

export interface SearchAttributeContract {
  name: string;
  /** Type as `temporal operator search-attribute create --type` spells it. */
  type: string;
  description: string;
}

/** The contract document; its JSON form is contract/whm-migrate-contract.v1.json. */
export interface MigrationContract {
  $comment: string;
  contract: 'whm-migrate';
  contractVersion: number;
  versioning: string;
  temporal: { namespace: string; payloads: string };
  workflow: {
    type: string;
    defaultTaskQueue: string;
    taskQueue: string;
    workflowId: { pattern: string; rule: string; example: string };
    startOptions: { workflowIdConflictPolicy: string; workflowIdReusePolicy: string; reason: string };
    input: { description: string; schema: JsonSchema; example: { plan: MigrationPlan } };
    result: { description: string; schema: JsonSchema };
    failure: string;
  };
  signals: Record<string, MessageContract>;
  queries: Record<string, MessageContract>;
  updates: Record<string, MessageContract>;
  searchAttributes: { registration: string; attributes: SearchAttributeContract[]; exampleQueries: Array<{ description: string; query: string }> };
}

function jsonSchema(schema: z.ZodType): JsonSchema {
  // io 'input' leaves the result objects open (no additionalProperties: false) because VERSIONING_RULE
  // allows new fields. The request schemas are strict objects, so they stay closed.
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' });
}

const EMPTY_INPUT =
  'The argument is one JSON object. It may be left out: no argument, null and {} all mean the defaults, so the Temporal Web UI can ' +
  'send the message with an empty input.';

function argument(schema: z.ZodType): ArgumentContract {
  return { required: false, emptyInput: EMPTY_INPUT, schema: jsonSchema(schema) };
}

const SIGNAL_INVALID_INPUT =
  'The workflow ignores a signal whose argument does not match the schema and lists it in the status query\'s rejectedRequests.';
const UPDATE_INVALID_INPUT =
  'A validator rejects an argument that does not match the schema before anything is written to history. The caller receives ' +
  'an update failure whose message names each invalid field, for example "reason: must not be empty", and the value received.';

const SEARCH_ATTRIBUTE_DESCRIPTIONS: Record<string, string> = {
  [PHASE_ATTRIBUTE.name]: 'Current phase of the migration, as in the status query\'s phase.',
  [PAUSED_ATTRIBUTE.name]: 'True while at least one hold is active.',
  [HOLD_SOURCES_ATTRIBUTE.name]: `Sources of the active holds, for example "${OPERATOR_SOURCE}" or "health-check".`,
  [SERVERS_ATTRIBUTE.name]: 'Host names of the source and destination servers, lower-cased as the plan spells them.',
};

function searchAttributes(): MigrationContract['searchAttributes'] {
  const attributes = MIGRATION_SEARCH_ATTRIBUTES.map((attribute) => {
    const description = SEARCH_ATTRIBUTE_DESCRIPTIONS[attribute.name];
    const type = SEARCH_ATTRIBUTE_CLI_TYPES[attribute.name];
    if (description === undefined || type === undefined) {
      throw new Error(`Search attribute ${attribute.name} has no description or type for the contract. Add it to SEARCH_ATTRIBUTE_DESCRIPTIONS in src/contract/generate.ts.`);
    }
    return { name: attribute.name, type, description };
  });

  const server = 'dest.example.com';
  const running = migrationsQuery({}, 'contract');
  return {
    registration:
      'The worker registers the attributes in its namespace when it starts. Where it may not, create each one with ' +
      '`temporal operator search-attribute create --name NAME --type TYPE`.',
    attributes,
    exampleQueries: [
      { description: 'Running migrations.', query: running },
      { description: `Running migrations on ${server} as source or destination; whm-migrate pause-all and resume-all use this query.`, query: migrationsQuery({ server }, 'contract') },
      { description: `Paused migrations on ${server}.`, query: `${migrationsQuery({ server }, 'contract')} AND ${PAUSED_ATTRIBUTE.name} = true` },
      { description: 'Running migrations held by the health check.', query: `${running} AND ${HOLD_SOURCES_ATTRIBUTE.name} = 'health-check'` },
      { description: 'Migrations in the transferring phase.', query: migrationsQuery({ phase: 'transferring' }, 'contract') },
      { description: 'Migrations that ended with phase failed, including closed ones.', query: migrationsQuery({ running: false, phase: 'failed' }, 'contract') },
    ],
  };
}

/** A resolved plan as `parsePlan` produces it, shown in the contract and its README. */
const EXAMPLE_PLAN: MigrationPlan = parsePlan({
  version: 1,
  name: 'wave-1',
  destination: { host: 'dest.example.com', token: { env: 'WHM_DEST_TOKEN' } },
  source: { host: 'source.example.com', password: { env: 'SOURCE_ROOT_PASSWORD' } },
  items: { packages: ['starter'], accounts: [{ user: 'alice', domain: 'alice.example' }, { user: 'bob', localuser: 'bob2' }] },
}).plan;

/** Builds the contract document from the schemas and constants the TypeScript code uses. */
export function buildContract(): MigrationContract {
  const exampleHost = 'Dest.Example.com';
  return {
    $comment: 'Generated by `npm run contract` from src/contract. Do not edit; change the code and regenerate.',
    contract: 'whm-migrate',
    contractVersion: CONTRACT_VERSION,
    versioning: VERSIONING_RULE,
    temporal: {
      namespace: 'The namespace the worker polls: TEMPORAL_NAMESPACE on the worker, "default" when unset.',
      payloads:
        'Every argument and result is one JSON payload (encoding json/plain), the default data converter of every Temporal SDK. ' +
        'The worker uses no payload codec.',
    },
    workflow: {
      type: MIGRATION_WORKFLOW_TYPE,
      defaultTaskQueue: DEFAULT_TASK_QUEUE,
      taskQueue: `The task queue the worker polls: WHM_MIGRATE_TASK_QUEUE on the worker, "${DEFAULT_TASK_QUEUE}" when unset.`,
      workflowId: {
        pattern: 'whm-migrate/{destination host}/{plan name}',
        rule:
          'The destination host as the plan gives it, lower-cased and without a trailing dot, then the plan name. One id per ' +
          'destination and name means a second start finds the running migration instead of starting another.',
        example: migrationWorkflowId({ name: 'wave-1', destination: { host: exampleHost } }),
      },
      startOptions: {
        ...MIGRATION_START_POLICIES,
        reason:
          'USE_EXISTING returns the running migration when it is started again; ALLOW_DUPLICATE lets a plan run again after its ' +
          'previous run closed, for example for another wave.',
      },
      input: {
        // NOTE: the workflow does not parse its input. Once it applies the plan schema itself, callers
        // could send the plan as a user writes it (schemas/plan.schema.json) and this rule could relax.
        description:
          'One argument: {"plan": <resolved plan>}. The workflow reads the plan as given and does not apply defaults, so send ' +
          'every key the schema marks required, with the value of its "default" when you have no other. Other keys of the ' +
          'input are internal to the workflow.',
        schema: workflowInputSchema(),
        example: { plan: EXAMPLE_PLAN },
      },
      result: { description: 'The report, once the migration ends: succeeded, with failures, aborted or stopped on conflicts.', schema: jsonSchema(migrationReportSchema) },
      failure:
        'When a phase fails after its retries, the workflow fails with a non-retryable ApplicationFailure of type "MigrationFailed" ' +
        'whose message names the phase; there is no report then, and the status query\'s lastError holds the cause.',
    },
    signals: {
      [pauseSignal.name]: { description: SIGNAL_DESCRIPTIONS.pause, argument: argument(pauseRequestSchema), invalidInput: SIGNAL_INVALID_INPUT },
      [resumeSignal.name]: { description: SIGNAL_DESCRIPTIONS.resume, argument: argument(resumeRequestSchema), invalidInput: SIGNAL_INVALID_INPUT },
      [abortSignal.name]: { description: SIGNAL_DESCRIPTIONS.abort, argument: argument(pauseRequestSchema), invalidInput: SIGNAL_INVALID_INPUT },
    },
    queries: {
      [statusQuery.name]: { description: `${SIGNAL_DESCRIPTIONS.status} Takes no argument.`, result: jsonSchema(migrationStatusSchema) },
    },
    updates: {
      [pauseUpdate.name]: { description: SIGNAL_DESCRIPTIONS.pauseMigration, argument: argument(pauseRequestSchema), result: jsonSchema(controlResultSchema), invalidInput: UPDATE_INVALID_INPUT },
      [resumeUpdate.name]: { description: SIGNAL_DESCRIPTIONS.resumeMigration, argument: argument(resumeRequestSchema), result: jsonSchema(controlResultSchema), invalidInput: UPDATE_INVALID_INPUT },
      [abortUpdate.name]: { description: SIGNAL_DESCRIPTIONS.abortMigration, argument: argument(pauseRequestSchema), result: jsonSchema(controlResultSchema), invalidInput: UPDATE_INVALID_INPUT },
    },
    searchAttributes: searchAttributes(),
  };
}

/**
 * Returns the schema of the workflow's input, `{ plan }`. The plan's shared definitions move to the
 * top level, where its `#/$defs/...` references point once the plan schema sits under `properties`.
 */
function workflowInputSchema(): JsonSchema {
  const { $schema: dialect, $defs: definitions, ...plan } = resolvedPlanJsonSchema();
  return {
    $schema: dialect,
    type: 'object',
    properties: { plan },
    required: ['plan'],
    additionalProperties: false,
    ...(definitions === undefined ? {} : { $defs: definitions }),
  };
}

/** Returns the text of the contract file: indented JSON with a final newline. */
export function contractText(): string {
  return `${JSON.stringify(buildContract(), null, 2)}\n`;
}

/** Returns the text of contract/README.md. */
export function contractReadmeText(): string {
  return renderContractReadme(buildContract(), CONTRACT_FILE_NAME);
}

/** Writes the contract file and its README into `directory`; `npm run contract` calls it. */
export function writeContract(directory = CONTRACT_DIRECTORY): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, CONTRACT_FILE_NAME), contractText());
  writeFileSync(path.join(directory, CONTRACT_README_NAME), contractReadmeText());
}
