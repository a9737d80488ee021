import { execFile, spawn } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The Temporal CLI release this project develops and tests against. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
/** Server and Web UI versions embedded in CLI v1.5.1; a source build reports these with CLI version 0.0.0-DEV. */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const TEMPORAL_UI_VERSION = '2.42.1';
const CLI_MODULE = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;

/** Thrown when no fitting Temporal CLI is found and none can be built here. */
export class TemporalCliUnavailableError extends Error {
  override readonly name = 'TemporalCliUnavailableError';
}

export interface TemporalCliVersion {
  cli: string;
  server: string;
  ui: string;
}

export interface ResolveTemporalCliOptions {
  /** Build the CLI with `go install` when no fitting binary is found. @default true */
  install?: boolean;
  /** Receives progress lines, for example while `go install` runs. @default writes to stderr */
  progress?: (line: string) => void;
  /** Environment to read `TEMPORAL_CLI`, `PATH` and the cache location from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/**
 * Returns the cache directory shared by every checkout on this machine:
 * `$WHM_MIGRATE_CACHE_DIR`, else `$XDG_CACHE_HOME/whm-migrate`, else `~/.cache/whm-migrate`.
 */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WHM_MIGRATE_CACHE_DIR) return env.WHM_MIGRATE_CACHE_DIR;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.cache'), 'whm-migrate');
}

/** Parses `temporal --version` output such as `temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)`. */
export function parseTemporalVersion(output: string): TemporalCliVersion | undefined {
  const match = /temporal version (\S+) \(Server (\S+), UI (\S+)\)/.exec(output);
  if (!match) return undefined;
  return { cli: match[1]!, server: match[2]!, ui: match[3]! };
}

/**
 * Tells whether a CLI build fits: release 1.5.1, or a source build (`go install` leaves the version at
 * 0.0.0-DEV) that embeds the same server and UI versions.
 */
export function versionFits(version: TemporalCliVersion): boolean {
  if (version.cli === TEMPORAL_CLI_VERSION) return true;
  return version.cli.startsWith('0.0.0') && version.server === TEMPORAL_SERVER_VERSION && version.ui === TEMPORAL_UI_VERSION;
}

async function readVersion(path: string): Promise<TemporalCliVersion | undefined> {
  try {
    const { stdout } = await execFileAsync(path, ['--version'], { timeout: 30_000 });
    return parseTemporalVersion(stdout);
  } catch {
    return undefined;
  }
}

async function findOnPath(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  return undefined;
}

/**
 * Finds a Temporal CLI that fits, in this order: `$TEMPORAL_CLI`, a `temporal` on PATH, the cache
 * directory, and finally a fresh `go install` into the cache directory (which takes minutes).
 *
 * @throws TemporalCliUnavailableError when `$TEMPORAL_CLI` names a binary that does not fit, or when no
 *   binary fits and Go is missing or the build fails.
 */
export async function resolveTemporalCli(options: ResolveTemporalCliOptions = {}): Promise<string> {
  const env = options.env ?? process.env;
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));

  const explicit = env.TEMPORAL_CLI;
  if (explicit) {
    const version = await readVersion(explicit);
    if (version && versionFits(version)) return explicit;
    throw new TemporalCliUnavailableError(
      `TEMPORAL_CLI=${explicit} is not a usable Temporal CLI v${TEMPORAL_CLI_VERSION} ` +
        `(it reported ${version ? `${version.cli}, server ${version.server}` : 'no version'}). ` +
        'Unset TEMPORAL_CLI to let whm-migrate build one, or point it at a v1.5.1 binary.',
    );
  }

  const onPath = await findOnPath(env);
  if (onPath) {
    const version = await readVersion(onPath);
    if (version && versionFits(version)) return onPath;
    progress(`Ignoring ${onPath}: it is version ${version?.cli ?? 'unknown'}, not ${TEMPORAL_CLI_VERSION}.`);
  }

  const installDir = join(cacheDirectory(env), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const cached = join(installDir, 'temporal');
  const cachedVersion = await readVersion(cached);
  if (cachedVersion && versionFits(cachedVersion)) return cached;

  if (options.install === false) {
    throw new TemporalCliUnavailableError(
      `No Temporal CLI v${TEMPORAL_CLI_VERSION} found (checked TEMPORAL_CLI, PATH and ${cached}). ` +
        'Run `whm-migrate temporal install` to build it.',
    );
  }
  await goInstall(installDir, env, progress);
  return cached;
}

async function goInstall(installDir: string, env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<void> {
  try {
    await execFileAsync('go', ['version'], { env, timeout: 30_000 });
  } catch {
    throw new TemporalCliUnavailableError(
      `The Temporal CLI v${TEMPORAL_CLI_VERSION} is not installed and Go is not available to build it. ` +
        'Install Go 1.25 or later, or download the temporal binary for your platform from the Temporal CLI ' +
        'releases and set TEMPORAL_CLI to its path.',
    );
  }

  // Build into a temporary directory and rename, so a concurrent or interrupted build never leaves a
  // half-written binary at the cached path.
  await mkdir(installDir, { recursive: true });
  const buildDir = await mkdtemp(join(installDir, 'build-'));
  progress(`Building the Temporal CLI v${TEMPORAL_CLI_VERSION} with 'go install ${CLI_MODULE}' into ${installDir}.`);
  progress('This happens once per machine and takes a few minutes.');
  const started = Date.now();
  try {
    await runStreaming('go', ['install', CLI_MODULE], { ...env, GOBIN: buildDir }, progress);
    await rename(join(buildDir, 'temporal'), join(installDir, 'temporal'));
  } catch (error) {
    throw new TemporalCliUnavailableError(
      `Building the Temporal CLI failed: ${(error as Error).message}. ` +
        'Check that the Go module proxy is reachable, or set TEMPORAL_CLI to a v1.5.1 binary.',
      { cause: error },
    );
  } finally {
    await rm(buildDir, { recursive: true, force: true });
  }
  progress(`Built the Temporal CLI in ${Math.round((Date.now() - started) / 1000)} s.`);
}

function runStreaming(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  progress: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let lineCount = 0;
    const onData = (chunk: Buffer): void => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        // `go install` prints one "go: downloading" line per module; show a count, not hundreds of lines.
        if (++lineCount % 50 === 0) progress(`  ... ${lineCount} lines of go output so far`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`'${command} ${args.join(' ')}' exited with ${code}: ${tail.join('\n')}`));
    });
  });
}
