import Ajv2020 from 'ajv/dist/2020';
import type { ServeService } from '../../src/serve';
import { buildOpenApiDocument } from '../../src/serve/openapi';
import type { SimulatorPair } from '../../src/simulator';
import { uniqueId } from '../helpers/temporal';
import { call, type HttpResult } from './helpers';

/** Builds a plan for the simulator pair as a client sends it, before defaults; `overrides` replace top-level sections. */
export function planInput(pair: SimulatorPair, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    name: uniqueId('wave').toLowerCase(),
    destination: { host: '127.0.0.1', port: pair.destination.port, scheme: 'http', token: { env: 'TEST_DEST_TOKEN' } },
    source: { host: pair.source.hostname, password: { env: 'TEST_SOURCE_PASSWORD' } },
    items: { packages: ['starter'], accounts: [{ user: 'alice' }, { user: 'carol' }] },
    monitor: { pollIntervalSeconds: 1 },
    ...overrides,
  };
}

/** Returns the path of a migration route: the workflow id URL-encoded into one segment, then `suffix`. */
export function migrationPath(workflowId: string, suffix = ''): string {
  return `/migrations/${encodeURIComponent(workflowId)}${suffix}`;
}

type JsonObject = Record<string, unknown>;

const document = buildOpenApiDocument();
const paths = document.paths as Record<string, Record<string, { responses: Record<string, JsonObject> }>>;
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(closeObjects(structuredClone(document)) as JsonObject, 'openapi');

/**
 * Marks every object schema that lists its properties as closed. The document leaves response objects
 * open so that clients accept fields a later version adds; the tests close them, so that a field a
 * route sends without documenting it fails.
 */
function closeObjects(value: unknown): unknown {
  if (Array.isArray(value)) value.forEach(closeObjects);
  if (typeof value !== 'object' || value === null) return value;
  const node = value as JsonObject;
  if (typeof node.properties === 'object' && node.additionalProperties === undefined) node.additionalProperties = false;
  Object.values(node).forEach(closeObjects);
  return value;
}

/** Returns the document's path template for a request path, preferring literal segments over `{id}`. */
function pathTemplate(path: string): string | undefined {
  const segments = path.split('?')[0]!.split('/');
  const matching = Object.keys(paths).filter((template) => {
    const parts = template.split('/');
    return parts.length === segments.length && parts.every((part, index) => part.startsWith('{') || part === segments[index]);
  });
  return matching.sort((a, b) => a.split('{').length - b.split('{').length)[0];
}

const escapePointer = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1');

/** Lists how `response` differs from what the OpenAPI document says `method path` returns; empty when it matches. */
export function undocumentedParts(method: string, path: string, response: HttpResult): string[] {
  const template = pathTemplate(path);
  const operation = template === undefined ? undefined : paths[template]?.[method.toLowerCase()];
  if (template === undefined || operation === undefined) return [`the document has no operation ${method} ${path}`];

  let pointer = `#/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${response.status}`;
  let declared = operation.responses[String(response.status)];
  if (declared === undefined) return [`${method} ${template} documents no ${response.status} response`];
  if (typeof declared.$ref === 'string') {
    pointer = declared.$ref;
    declared = (document.components as { responses: Record<string, JsonObject> }).responses[declared.$ref.split('/').pop()!]!;
  }

  const mediaType = String(response.headers['content-type']).split(';')[0]!;
  if (!Object.hasOwn(declared.content as JsonObject, mediaType)) return [`${method} ${template} documents no ${mediaType} body for ${response.status}`];
  const validate = ajv.compile({ $ref: `openapi${pointer}/content/${escapePointer(mediaType)}/schema` });
  if (validate(mediaType.endsWith('json') ? response.body : response.text)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '(body)'} ${error.message ?? 'is invalid'} ${JSON.stringify(error.params)}`);
}

/**
 * Sends a request as {@link call} does, and fails when the response differs from the OpenAPI
 * document: an undocumented status, media type or field, or a field of the wrong type.
 */
export async function callApi(service: ServeService, method: 'GET' | 'POST', path: string, options: Parameters<typeof call>[3] = {}): Promise<HttpResult> {
  const response = await call(service, method, path, options);
  const differences = undocumentedParts(method, path, response);
  if (differences.length > 0) {
    throw new Error(`Response ${response.status} to ${method} ${path} differs from the OpenAPI document:\n  ${differences.join('\n  ')}\nBody: ${JSON.stringify(response.body).slice(0, 2000)}`);
  }
  return response;
}
