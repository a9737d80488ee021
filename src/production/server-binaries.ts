/**
 * Provides the Temporal server and its SQL tool (temporal-sql-tool), built once per machine with
 * `go install` from the Go module proxy. Next to them it keeps the server module's files that a
 * PostgreSQL deployment needs: the development-postgres12 config, the SQL dynamic config and the
 * versioned PostgreSQL schemas.
 */
import { spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDirectory, TEMPORAL_SERVER_VERSION } from '../temporal/cli-binary';
import { runCommand } from './child-process';

const SERVER_MODULE = 'go.temporal.io/server';
const PACKAGES = [`${SERVER_MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${SERVER_MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`];

/**
 * Module files copied next to the binaries, so the cache directory works without $GOMODCACHE. The
 * temporalio/server image renders docker/config_template.yaml from its environment; tests read it to
 * check the variable names docker-compose.yml sets.
 */
const MODULE_FILES = ['config/development-postgres12.yaml', 'config/dynamicconfig/development-sql.yaml', 'docker/config_template.yaml'];
const MODULE_DIRECTORIES = ['schema/postgresql/v12/temporal/versioned', 'schema/postgresql/v12/visibility/versioned'];

/** Thrown when the server binaries are missing and cannot be built here. */
export class TemporalServerUnavailableError extends Error {
  override readonly name = 'TemporalServerUnavailableError';
}

/** Paths of one server installation in the cache directory. */
export interface TemporalServerBinaries {
  /** The server binary (`go.temporal.io/server/cmd/server`). */
  readonly server: string;
  /** temporal-sql-tool (`go.temporal.io/server/cmd/tools/sql`). */
  readonly sqlTool: string;
  /** `config/development-postgres12.yaml` of the server module, the base of generated configs. */
  readonly configTemplate: string;
  /** `config/dynamicconfig/development-sql.yaml` of the server module. */
  readonly dynamicConfigTemplate: string;
  /** Directory with `temporal/versioned` and `visibility/versioned`, the input of `update-schema -d`. */
  readonly schemaDirectory: string;
  /** `docker/config_template.yaml`: the config the temporalio/server image renders from its environment. */
  readonly dockerConfigTemplate: string;
  readonly version: string;
}

export interface ResolveServerBinariesOptions {
  /** Build with `go install` when the cache lacks a fitting installation. @default true */
  install?: boolean;
  /** Receives progress lines while `go install` runs. @default writes to stderr */
  progress?: (line: string) => void;
  /** Environment with PATH, the Go settings and the cache location. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Returns where the server installation lives: `<cache directory>/temporal-server-1.29.1`. */
export function serverInstallDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDirectory(env), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
}

function layout(directory: string): TemporalServerBinaries {
  return {
    server: join(directory, 'temporal-server'),
    sqlTool: join(directory, 'temporal-sql-tool'),
    configTemplate: join(directory, MODULE_FILES[0]!),
    dynamicConfigTemplate: join(directory, MODULE_FILES[1]!),
    schemaDirectory: join(directory, 'schema/postgresql/v12'),
    dockerConfigTemplate: join(directory, MODULE_FILES[2]!),
    version: TEMPORAL_SERVER_VERSION,
  };
}

/** Reads `<binary> --version`; both binaries print `<name> version 1.29.1`. */
async function reportsVersion(binary: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    const output = await runCommand(binary, ['--version'], { env, timeoutMs: 30_000 });
    return output.trim().endsWith(` version ${TEMPORAL_SERVER_VERSION}`);
  } catch {
    return false;
  }
}

async function isComplete(installDirectory: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  try {
    for (const path of [...MODULE_FILES, ...MODULE_DIRECTORIES]) await access(join(installDirectory, path), constants.R_OK);
  } catch {
    return false;
  }
  const binaries = layout(installDirectory);
  return (await reportsVersion(binaries.server, env)) && (await reportsVersion(binaries.sqlTool, env));
}

/**
 * Finds the server installation in the cache directory, building it with `go install` (a few
 * minutes) when it is missing or incomplete.
 *
 * @throws TemporalServerUnavailableError when nothing fits and `install` is false, Go is missing, or
 *   the build fails.
 */
export async function resolveTemporalServerBinaries(options: ResolveServerBinariesOptions = {}): Promise<TemporalServerBinaries> {
  const env = options.env ?? process.env;
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const installDirectory = serverInstallDirectory(env);
  const binaries = layout(installDirectory);
  if (await isComplete(installDirectory, env)) return binaries;

  if (options.install === false) {
    throw new TemporalServerUnavailableError(
      `No Temporal server v${TEMPORAL_SERVER_VERSION} found in ${installDirectory}. ` +
        'Run `node dist/production/cli.js install` to build it.',
    );
  }
  await buildInto(installDirectory, env, progress);
  if (!(await isComplete(installDirectory, env))) {
    throw new TemporalServerUnavailableError(`The build finished but ${installDirectory} is incomplete; delete it and build again.`);
  }
  return binaries;
}

async function buildInto(installDirectory: string, env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<void> {
  try {
    await runCommand('go', ['version'], { env, timeoutMs: 30_000 });
  } catch {
    throw new TemporalServerUnavailableError(
      `The Temporal server v${TEMPORAL_SERVER_VERSION} is not built and Go is not available to build it. ` +
        'Install Go 1.25 or later (the server module needs it) and run the command again.',
    );
  }

  // Everything goes into a fresh directory that is renamed at the end, so an interrupted build never
  // leaves a half-written installation at the cached path.
  await mkdir(join(installDirectory, '..'), { recursive: true });
  const buildDirectory = await mkdtemp(`${installDirectory}.build-`);
  progress(`Building the Temporal server and temporal-sql-tool v${TEMPORAL_SERVER_VERSION} with 'go install' into ${installDirectory}.`);
  progress('This happens once per machine and takes a few minutes.');
  const started = Date.now();
  try {
    // CGO_ENABLED=0 as in the server's own Makefile: the SQLite and PostgreSQL drivers are pure Go.
    await goInstall(PACKAGES, { ...env, GOBIN: buildDirectory, CGO_ENABLED: '0' }, progress);
    await rename(join(buildDirectory, 'server'), join(buildDirectory, 'temporal-server'));
    await rename(join(buildDirectory, 'sql'), join(buildDirectory, 'temporal-sql-tool'));
    await copyModuleFiles(await moduleDirectory(env), buildDirectory);
    await rm(installDirectory, { recursive: true, force: true });
    await rename(buildDirectory, installDirectory);
  } catch (error) {
    await rm(buildDirectory, { recursive: true, force: true });
    throw new TemporalServerUnavailableError(
      `Building the Temporal server failed: ${(error as Error).message}. Check that the Go module proxy is reachable.`,
      { cause: error },
    );
  }
  progress(`Built the Temporal server in ${Math.round((Date.now() - started) / 1000)} s.`);
}

/** Returns the server module's source directory, downloading the module if the cache lacks it. */
async function moduleDirectory(env: NodeJS.ProcessEnv): Promise<string> {
  const output = await runCommand('go', ['mod', 'download', '-json', `${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`], { env, timeoutMs: 600_000 });
  const { Dir: directory } = JSON.parse(output) as { Dir?: string };
  if (!directory) throw new Error(`'go mod download' did not report a directory for ${SERVER_MODULE}@v${TEMPORAL_SERVER_VERSION}`);
  return directory;
}

// Files in the module cache are read-only, so copies that kept their mode could not be deleted by a
// later rebuild. Reading and writing them gives ordinary files.
async function copyModuleFiles(source: string, target: string): Promise<void> {
  const files = [...MODULE_FILES];
  for (const directory of MODULE_DIRECTORIES) {
    for (const entry of await readdir(join(source, directory), { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) files.push(join(entry.parentPath, entry.name).slice(source.length + 1));
    }
  }
  for (const file of files) {
    await mkdir(join(target, file, '..'), { recursive: true });
    await writeFile(join(target, file), await readFile(join(source, file)));
  }
}

function goInstall(packages: readonly string[], env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['install', ...packages], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let lineCount = 0;
    // `go install` prints one "go: downloading" line per module, and nothing while it compiles: a
    // count every 50 lines and a heartbeat every 30 s show that the build is alive.
    const heartbeat = setInterval(() => progress(`  ... still building (${lineCount} lines of go output so far)`), 30_000);
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (++lineCount % 50 === 0) progress(`  ... ${lineCount} lines of go output so far`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(heartbeat);
      if (code === 0) resolve();
      else reject(new Error(`'go install ${packages.join(' ')}' exited with ${code}: ${tail.join('\n')}`));
    });
  });
}
