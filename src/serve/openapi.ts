/**
 * The OpenAPI 3.1 document of `whm-migrate serve`, generated from the zod schemas that the routes
 * validate requests with. `GET /openapi.json` serves it. `contract/openapi.json` is a generated copy
 * that `npm run openapi` rewrites, and a test fails when the copy is out of date.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { alertmanagerPayloadSchema } from './alerts/alertmanager';
import { genericAlertSchema } from './alerts/generic';
import type { Router } from './http/router';
import { controlResultSchema, migrationReportSchema, migrationStatusSchema } from '../contract/schemas';
import { migrationPlanSchema } from '../plan/schema';
import {
  bulkPauseBodySchema,
  bulkResumeBodySchema,
  DEFAULT_WAIT_SECONDS,
  listQuerySchema,
  MAX_WAIT_SECONDS,
  pauseBodySchema,
  resumeBodySchema,
  waitQuerySchema,
} from './migrations/requests';
import {
  bulkResponseSchema,
  controlResponseSchema,
  migrationListSchema,
  migrationStateSchema,
  reportResponseSchema,
  startResponseSchema,
} from './migrations/responses';

/** Location of the generated copy, from `src/serve` and from `dist/serve` alike. */
export const OPENAPI_FILE = path.resolve(__dirname, '../../contract/openapi.json');

/**
 * Version of the HTTP API in `info.version`. The major number changes only for a change that breaks
 * a client: a route, parameter or field removed or retyped, or a new required input.
 */
export const HTTP_API_VERSION = '1.0.0';

type JsonObject = Record<string, unknown>;

const requestIdSchema = z.string().describe('Id of this request, as in the X-Request-Id response header and the service log.');

const problemSchema = z
  .object({
    type: z.string().describe('Always about:blank: the status code names the kind of problem.'),
    title: z.string().describe('The status code\'s reason phrase.'),
    status: z.number().int(),
    detail: z.string().describe('What failed, on which value, and what to do next.'),
    problems: z
      .array(z.object({ path: z.string().describe('Field or query parameter, for example items.accounts[2].user, or (body) for the body as a whole.'), message: z.string() }))
      .optional()
      .describe('Every invalid value of the request, when the request was invalid.'),
    requestId: requestIdSchema,
  })
  .meta({ description: 'An RFC 9457 problem document, sent as application/problem+json for every error.' });

const alertResultSchema = z
  .object({
    accepted: z.number().int().describe('Alerts signalled to their server\'s workflow.'),
    servers: z.array(z.string()).describe('Host names of the servers whose workflows received a signal.'),
    unmapped: z
      .array(z.object({ index: z.number().int(), alertname: z.string().optional(), fingerprint: z.string().optional(), problem: z.string() }))
      .describe('Alerts that name no server this service can read, with the reason; they were not signalled.'),
  })
  .meta({ description: 'What the alert delivery signalled.' });

const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not ready']),
    checks: z
      .record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional().describe('Why the check failed, for example "Cannot reach Temporal at ...".') }))
      .describe('Result of each check by name; the service has one, temporal: Temporal responds and has the namespace.'),
  })
  .meta({ description: 'Readiness report, as the worker\'s /readyz sends it too.' });

/** Components of the document, and the JSON Schema of each zod schema put in. */
class Components {
  readonly schemas: Record<string, JsonObject> = {};
  /** Schemas that every later conversion writes as a reference to their component. */
  private readonly shared = new Map<z.core.$ZodType, string>();

  /** Adds `schema` under `name` and returns a reference to it. */
  add(name: string, schema: z.ZodType): JsonObject {
    this.define(name, this.convert(schema));
    return schemaRef(name);
  }

  /** Adds `schema` under `name`, and makes the schemas added after it refer to it instead of repeating it. */
  share(name: string, schema: z.ZodType): void {
    this.add(name, schema);
    this.shared.set(schema, name);
  }

  /** Returns the JSON Schema of `schema` to write in place, for example for a parameter. */
  inline(schema: z.ZodType): JsonObject {
    return this.convert(schema);
  }

  /**
   * Converts a schema as a client writes it (`io: 'input'`), so response objects stay open to fields
   * that a later minor version adds. Shared definitions in `$defs` become components of their own,
   * because a `#/$defs/...` reference would resolve against the document's root.
   */
  private convert(schema: z.ZodType): JsonObject {
    const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, {
      io: 'input',
      target: 'draft-2020-12',
      unrepresentable: 'throw',
      override: (context) => {
        const name = this.shared.get(context.zodSchema);
        if (name === undefined || context.path.length === 0) return;
        for (const key of Object.keys(context.jsonSchema)) delete context.jsonSchema[key];
        Object.assign(context.jsonSchema, schemaRef(name));
      },
    });
    for (const [name, definition] of Object.entries($defs ?? {})) this.define(name, rewriteRefs(definition) as JsonObject);
    return rewriteRefs(rest) as JsonObject;
  }

  private define(name: string, schema: JsonObject): void {
    const existing = this.schemas[name];
    if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new Error(`Two different schemas are named ${name} in the OpenAPI document; give one of them another id.`);
    }
    this.schemas[name] = schema;
  }
}

function schemaRef(name: string): JsonObject {
  return { $ref: `#/components/schemas/${name}` };
}

function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => {
      if (key === '$ref' && typeof child === 'string' && child.startsWith('#/$defs/')) return [key, `#/components/schemas/${child.slice('#/$defs/'.length)}`];
      return [key, rewriteRefs(child)];
    }),
  );
}

/** Returns the query parameters of a strict object of optional parameters, each with its description. */
function queryParameters(components: Components, schema: z.ZodObject): JsonObject[] {
  return Object.entries(schema.shape).map(([name, parameter]) => {
    const { description, ...parameterSchema } = components.inline(parameter as z.ZodType);
    return { name, in: 'query', required: false, ...(description === undefined ? {} : { description }), schema: parameterSchema };
  });
}

const REQUEST_ID_HEADER = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };

function jsonResponse(description: string, schema: JsonObject, headers: JsonObject = {}): JsonObject {
  return { description, headers: { ...REQUEST_ID_HEADER, ...headers }, content: { 'application/json': { schema } } };
}

function problemResponse(description: string, headers: JsonObject = {}): JsonObject {
  return { description, headers: { ...REQUEST_ID_HEADER, ...headers }, content: { 'application/problem+json': { schema: schemaRef('Problem') } } };
}

function responseRef(name: string): JsonObject {
  return { $ref: `#/components/responses/${name}` };
}

function jsonBody(schema: JsonObject, required = true, description?: string): JsonObject {
  return { required, ...(description === undefined ? {} : { description }), content: { 'application/json': { schema } } };
}

const ERROR_RESPONSES: Record<string, JsonObject> = {
  BadRequest: problemResponse('The request is invalid: malformed JSON, an invalid field or query parameter. `problems` lists each one.'),
  Unauthorized: problemResponse('The bearer token is missing or wrong.', {
    'WWW-Authenticate': { description: 'Bearer challenge (RFC 6750).', schema: { type: 'string' } },
  }),
  NotFound: problemResponse('No migration has this workflow id in the namespace. Send an id that contains slashes URL-encoded as one path segment.'),
  Conflict: problemResponse('The migration is not in a state that allows this request: it has ended, or its report does not exist yet.'),
  ContentTooLarge: problemResponse('The body exceeds the service\'s limit (1 MiB by default), or the plan exceeds what Temporal accepts as workflow input.'),
  UnsupportedMediaType: problemResponse('The body is not JSON: send it with Content-Type: application/json.'),
  ServiceUnavailable: problemResponse('Temporal is unreachable, lacks the namespace, or no worker answered the status query. Retry after the given delay.', {
    'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } },
  }),
};

const MIGRATION_ID_PARAMETER = {
  name: 'id',
  in: 'path',
  required: true,
  description:
    'Workflow id of the migration, URL-encoded into one path segment because it contains slashes: ' +
    'whm-migrate/dest.example.com/wave-1 is sent as whm-migrate%2Fdest.example.com%2Fwave-1.',
  schema: { type: 'string' },
  example: 'whm-migrate%2Fdest.example.com%2Fwave-1',
};

const DESCRIPTION = [
  'Starts, watches and steers cPanel & WHM account migrations, which run as Temporal workflows, and turns monitoring alerts into holds on them.',
  '',
  'Every route except /healthz, /readyz, /metrics and /openapi.json needs `Authorization: Bearer <token>` with the token the service was started with.',
  'Every JSON response carries a `requestId`, also sent as the X-Request-Id header; a request may choose its own id with that header',
  '(1-128 letters, digits or . _ : -). Errors are RFC 9457 problem documents. Workflow ids contain slashes, so a route that takes one',
  'expects it URL-encoded into one path segment. Lists and bulk operations read Temporal visibility, which lags a moment behind',
  'starts and phase changes.',
].join('\n');

/** Builds the OpenAPI 3.1 document of the service. */
export function buildOpenApiDocument(): JsonObject {
  const components = new Components();
  // extend() makes a new schema, which would lose the description that meta() stored for the old one.
  const withRequestId = (schema: z.ZodObject) => schema.extend({ requestId: requestIdSchema }).meta(schema.meta() ?? {});

  components.add('Problem', problemSchema);
  components.share('MigrationStatus', migrationStatusSchema);
  components.share('MigrationReport', migrationReportSchema);
  components.share('ControlResult', controlResultSchema);
  const plan = components.add('MigrationPlan', migrationPlanSchema);
  const pauseRequest = components.add('PauseRequest', pauseBodySchema);
  const resumeRequest = components.add('ResumeRequest', resumeBodySchema);
  const bulkPauseRequest = components.add('BulkPauseRequest', bulkPauseBodySchema);
  const bulkResumeRequest = components.add('BulkResumeRequest', bulkResumeBodySchema);
  const alertmanagerPayload = components.add('AlertmanagerPayload', alertmanagerPayloadSchema);
  const genericAlert = components.add('GenericAlert', genericAlertSchema);

  const started = components.add('StartedMigration', withRequestId(startResponseSchema));
  const state = components.add('MigrationState', withRequestId(migrationStateSchema));
  const list = components.add('MigrationList', withRequestId(migrationListSchema));
  const report = components.add('MigrationReportResponse', withRequestId(reportResponseSchema));
  const control = components.add('ControlResponse', withRequestId(controlResponseSchema));
  const bulk = components.add('BulkSignalResult', withRequestId(bulkResponseSchema));
  const alertResult = components.add('AlertDeliveryResult', withRequestId(alertResultSchema));
  const readiness = components.add('ReadinessReport', withRequestId(readinessSchema));

  const waitParameters = queryParameters(components, waitQuerySchema);
  const controlOperation = (action: 'pause' | 'resume' | 'abort', summary: string, body: JsonObject): JsonObject => ({
    operationId: `${action}Migration`,
    tags: ['migrations'],
    summary,
    description:
      `Without wait=true, sends the ${action} signal and returns 202 at once. With wait=true, sends the ${action}Migration update and ` +
      `waits up to timeout seconds (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS}) for the workflow to confirm it: 200 with the ` +
      'resulting state, or 202 when WHM has not confirmed it by then. The body is optional: no body means {}.',
    parameters: [MIGRATION_ID_PARAMETER, ...waitParameters],
    requestBody: jsonBody(body, false),
    responses: {
      200: jsonResponse('With wait=true: the workflow confirmed the change; `result` shows where the migration stands.', control),
      202: jsonResponse('The signal was sent, or with wait=true the update was accepted but WHM has not confirmed it within the timeout.', control),
      400: responseRef('BadRequest'),
      401: responseRef('Unauthorized'),
      404: responseRef('NotFound'),
      409: problemResponse('The migration has already ended.'),
      413: responseRef('ContentTooLarge'),
      415: responseRef('UnsupportedMediaType'),
      503: responseRef('ServiceUnavailable'),
      504: problemResponse('With wait=true: the workflow did not accept the update within the timeout, for example because no worker runs.'),
    },
  });
  const bulkOperation = (action: 'pause' | 'resume', body: JsonObject): JsonObject => ({
    operationId: `${action}Migrations`,
    tags: ['migrations'],
    summary: `${action === 'pause' ? 'Pause' : 'Resume'} every running migration on a server, or all of them`,
    description:
      `Sends the ${action} signal to each running migration that the visibility query selects, a few at a time. ` +
      'A migration that cannot be signalled, for example because it ended in between, is listed in `failed`.',
    requestBody: jsonBody(body),
    responses: {
      202: jsonResponse('The signals were sent.', bulk),
      400: responseRef('BadRequest'),
      401: responseRef('Unauthorized'),
      413: responseRef('ContentTooLarge'),
      415: responseRef('UnsupportedMediaType'),
      503: responseRef('ServiceUnavailable'),
    },
  });
  const probe = (operationId: string, summary: string, status: string): JsonObject => ({
    operationId,
    tags: ['health'],
    summary,
    security: [],
    responses: {
      200: jsonResponse('Healthy.', components.inline(withRequestId(z.object({ status: z.literal(status) })))),
    },
  });

  const paths: Record<string, JsonObject> = {
    '/migrations': {
      post: {
        operationId: 'startMigration',
        tags: ['migrations'],
        summary: 'Start the migration of a plan',
        description:
          'Validates the plan and starts its migration under the workflow id whm-migrate/<destination host>/<name>. While that migration runs, ' +
          'the running one is returned with 200 instead of starting another; once it has ended, the same plan starts a new run. File paths ' +
          'in the plan (credential files, tls.caFile) must be absolute, because the body has no folder to resolve them against.',
        requestBody: jsonBody(plan, true, 'A migration plan, as the plan files of `whm-migrate start` contain it, in JSON.'),
        responses: {
          201: jsonResponse('The migration started.', started, { Location: { description: 'The status route of the migration.', schema: { type: 'string' } } }),
          200: jsonResponse('The plan\'s migration was already running and is returned; nothing was started.', started, {
            'Content-Location': { description: 'The status route of the migration.', schema: { type: 'string' } },
          }),
          400: problemResponse('The plan is invalid; `problems` lists every problem with its plan path. Nothing was started.'),
          401: responseRef('Unauthorized'),
          413: responseRef('ContentTooLarge'),
          415: responseRef('UnsupportedMediaType'),
          503: responseRef('ServiceUnavailable'),
        },
      },
      get: {
        operationId: 'listMigrations',
        tags: ['migrations'],
        summary: 'List migrations',
        description: 'Lists running migrations, or with all=true every migration in the namespace, filtered by the search attributes the workflow keeps.',
        parameters: queryParameters(components, listQuerySchema),
        responses: {
          200: jsonResponse('The migrations that match.', list),
          400: responseRef('BadRequest'),
          401: responseRef('Unauthorized'),
          500: problemResponse('The namespace lacks the search attributes; starting `whm-migrate worker` once registers them.'),
          503: responseRef('ServiceUnavailable'),
        },
      },
    },
    '/migrations/pause': { post: bulkOperation('pause', bulkPauseRequest) },
    '/migrations/resume': { post: bulkOperation('resume', bulkResumeRequest) },
    '/migrations/{id}': {
      get: {
        operationId: 'getMigration',
        tags: ['migrations'],
        summary: 'Read the state of a migration',
        description: 'While the migration runs: the result of its status query. Once it ended: its report, or the failure of a workflow that ended without one.',
        parameters: [MIGRATION_ID_PARAMETER],
        responses: {
          200: jsonResponse('The state of the migration.', state),
          401: responseRef('Unauthorized'),
          404: responseRef('NotFound'),
          503: responseRef('ServiceUnavailable'),
        },
      },
    },
    '/migrations/{id}/report': {
      get: {
        operationId: 'getMigrationReport',
        tags: ['migrations'],
        summary: 'Read the report of a migration that ended',
        description: `With wait=true, waits up to timeout seconds (default ${DEFAULT_WAIT_SECONDS}, at most ${MAX_WAIT_SECONDS}) for the migration to end.`,
        parameters: [MIGRATION_ID_PARAMETER, ...waitParameters],
        responses: {
          200: jsonResponse('The migration has ended: its report, or the failure of a workflow that ended without one.', report),
          400: responseRef('BadRequest'),
          401: responseRef('Unauthorized'),
          404: responseRef('NotFound'),
          409: problemResponse('The migration is still running (with wait=true: still running when the timeout passed).'),
          503: responseRef('ServiceUnavailable'),
        },
      },
    },
    '/migrations/{id}/pause': { post: controlOperation('pause', 'Hold a migration', pauseRequest) },
    '/migrations/{id}/resume': { post: controlOperation('resume', 'Release a hold on a migration', resumeRequest) },
    '/migrations/{id}/abort': { post: controlOperation('abort', 'Abort a migration', pauseRequest) },
    '/alerts/alertmanager': {
      post: {
        operationId: 'receiveAlertmanagerWebhook',
        tags: ['alerts'],
        summary: 'Receive a Prometheus Alertmanager webhook (payload version 4)',
        description: 'A firing alert holds the migrations of the server its labels name; a resolved one releases that hold.',
        requestBody: jsonBody(alertmanagerPayload),
        responses: {
          202: jsonResponse('The alerts were signalled to their servers\' workflows.', alertResult),
          400: responseRef('BadRequest'),
          401: responseRef('Unauthorized'),
          413: responseRef('ContentTooLarge'),
          415: responseRef('UnsupportedMediaType'),
          503: responseRef('ServiceUnavailable'),
        },
      },
    },
    '/alerts': {
      post: {
        operationId: 'receiveAlert',
        tags: ['alerts'],
        summary: 'Receive a health report about one server from any other sender',
        requestBody: jsonBody(genericAlert),
        responses: {
          202: jsonResponse('The alert was signalled to the server\'s workflow.', alertResult),
          400: responseRef('BadRequest'),
          401: responseRef('Unauthorized'),
          413: responseRef('ContentTooLarge'),
          415: responseRef('UnsupportedMediaType'),
          503: responseRef('ServiceUnavailable'),
        },
      },
    },
    '/healthz': { get: probe('getLiveness', 'Liveness: the process serves HTTP', 'ok') },
    '/readyz': {
      get: {
        operationId: 'getReadiness',
        tags: ['health'],
        summary: 'Readiness: Temporal responds and has the namespace',
        security: [],
        responses: {
          200: jsonResponse('Ready: every check passed.', readiness),
          503: jsonResponse('Not ready: a check failed, and its `detail` says why.', readiness, {
            'Retry-After': { description: 'Seconds to wait before probing again.', schema: { type: 'integer' } },
          }),
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'getMetrics',
        tags: ['health'],
        summary: 'Prometheus metrics',
        description:
          'Counters of HTTP responses, alerts received, signals and updates sent, and failed Temporal calls, and gauges of the running ' +
          'migrations on the service\'s task queue: by phase, paused, and active holds by kind. The gauges come from Temporal visibility, ' +
          'read at most once every 5 seconds and for at most 3 seconds. While Temporal cannot be read, the response is still 200, with ' +
          'whm_migrate_serve_temporal_up 0 in place of the gauges.',
        security: [],
        responses: {
          200: {
            description: 'The metrics in the Prometheus text format, version 0.0.4.',
            headers: REQUEST_ID_HEADER,
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApiDocument',
        tags: ['meta'],
        summary: 'This document',
        security: [],
        responses: { 200: { description: 'The OpenAPI document.', headers: REQUEST_ID_HEADER, content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  };

  return {
    openapi: '3.1.0',
    info: { title: 'whm-migrate serve', version: HTTP_API_VERSION, description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: 'http://127.0.0.1:8080', description: 'The default address of `whm-migrate serve`.' }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: 'migrations', description: 'Start, watch and steer migrations.' },
      { name: 'alerts', description: 'Monitoring alerts that hold and release the migrations of a server.' },
      { name: 'health', description: 'Probes and metrics, which need no token.' },
      { name: 'meta', description: 'The API description.' },
    ],
    paths,
    components: {
      schemas: components.schemas,
      responses: ERROR_RESPONSES,
      headers: { RequestId: { description: 'Id of the request: the one the client sent in X-Request-Id, or one the service chose.', schema: { type: 'string' } } },
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'The token of WHM_MIGRATE_SERVE_TOKEN or WHM_MIGRATE_SERVE_TOKEN_FILE.' } },
    },
  };
}

/** Returns the text of `contract/openapi.json`: the document as indented JSON with a final newline. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}

/** Writes the document to `file`. `npm run openapi` calls it. */
export function writeOpenApiDocument(file = OPENAPI_FILE): void {
  writeFileSync(file, openApiText());
}

/** Registers `GET /openapi.json`, which needs no token. The document is built once, here. */
export function addOpenApiRoute(router: Router): void {
  const document = buildOpenApiDocument();
  router.add('GET', '/openapi.json', () => Promise.resolve({ status: 200, body: document, requestIdInBody: false }), { auth: false });
}
