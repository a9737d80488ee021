/**
 * Reading and validating a health config file (YAML or JSON; the YAML parser reads both). Errors
 * name the file and every problem with its field path; warnings name settings that are allowed but
 * probably unintended.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { LineCounter, parseDocument } from 'yaml';

import { defaultIssueMessage, planIssuesFromZod, type PlanIssue } from '../plan/issues';
import { healthConfigSchema, loadThreshold, type HealthConfig, type ServerHealthConfig } from './config';
import { formatDecimal } from './evaluate';

/** One problem of a health config: the field path (such as `servers[1].cpuCount`) and what is wrong. */
export type HealthConfigIssue = Pick<PlanIssue, 'path' | 'message'>;

/** Thrown when a health config fails validation; the message lists every problem. */
export class InvalidHealthConfigError extends Error {
  override readonly name = 'InvalidHealthConfigError';

  constructor(
    readonly issues: HealthConfigIssue[],
    subject = 'Health config',
  ) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(`${subject} is invalid (${count}):\n${issues.map((issue) => `  - ${issue.path === '' ? 'config' : issue.path}: ${issue.message}`).join('\n')}`);
  }
}

/** Thrown when a health config file cannot be read or is not valid YAML or JSON. */
export class HealthConfigFileError extends Error {
  override readonly name = 'HealthConfigFileError';

  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A validated health config and the warnings about it. */
export interface ParsedHealthConfig {
  config: HealthConfig;
  warnings: string[];
}

export interface ParseHealthConfigOptions {
  /** Folder that relative file paths (token files, `tls.caFile`) are resolved against. @default process.cwd() */
  baseDir?: string;
  /** Subject of the error message, e.g. `Health config file monitor.yaml`. */
  subject?: string;
}

/** Validates a health config and applies its defaults; throws {@link InvalidHealthConfigError} listing every problem. */
export function parseHealthConfig(value: unknown, options: ParseHealthConfigOptions = {}): ParsedHealthConfig {
  const result = healthConfigSchema.safeParse(value, { reportInput: true, error: defaultIssueMessage });
  if (!result.success) {
    const issues = planIssuesFromZod(result.error.issues, healthConfigSchema).map(({ path: issuePath, message }) => ({ path: issuePath, message }));
    throw new InvalidHealthConfigError(issues, options.subject);
  }

  const baseDir = options.baseDir ?? process.cwd();
  const config = { ...result.data, servers: result.data.servers.map((server) => resolvePaths(server, baseDir)) };
  const rawServers = (value as { servers: Array<Record<string, unknown>> }).servers;
  return { config, warnings: config.servers.flatMap((server, index) => serverWarnings(server, rawServers[index]!, index)) };
}

/**
 * Reads, parses and validates a health config file. Relative file paths in it are resolved against
 * the file's folder.
 */
export async function loadHealthConfigFile(file: string): Promise<ParsedHealthConfig> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist. Check the path' : `cannot be read (${code ?? (error as Error).message}). Check its permissions`;
    throw new HealthConfigFileError(file, `health config file ${file} ${reason}.`, { cause: error });
  }
  if (text.trim() === '') {
    throw new HealthConfigFileError(file, `health config file ${file} is empty. Write the config into it: version: 1 and a list of servers.`);
  }

  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const [first] = document.errors;
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new HealthConfigFileError(file, `health config file ${file} has a syntax error at line ${line}, column ${col}: ${first.message}. Fix the syntax.`);
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // toJS throws when aliases expand beyond maxAliasCount, a guard against alias bombs.
    throw new HealthConfigFileError(file, `health config file ${file} cannot be converted to data: ${(error as Error).message}.`, { cause: error });
  }

  const parsed = parseHealthConfig(value, { baseDir: path.dirname(path.resolve(file)), subject: `Health config file ${file}` });
  return { config: parsed.config, warnings: [...document.warnings.map((warning) => `${file}: ${warning.message}`), ...parsed.warnings] };
}

function resolvePaths(server: ServerHealthConfig, baseDir: string): ServerHealthConfig {
  const token = 'file' in server.token ? { file: path.resolve(baseDir, server.token.file) } : server.token;
  const tls = server.tls?.caFile === undefined ? server.tls : { ...server.tls, caFile: path.resolve(baseDir, server.tls.caFile) };
  return { ...server, token, ...(tls === undefined ? {} : { tls }) };
}

function serverWarnings(server: ServerHealthConfig, raw: Record<string, unknown>, index: number): string[] {
  const warnings: string[] = [];
  const at = `servers[${index}]`;
  if (raw.cpuCount === undefined) {
    warnings.push(
      `${at}.cpuCount is not set for ${server.host}, so the server counts as 1 CPU and turns unhealthy above a 15-minute load of ` +
        `${formatDecimal(loadThreshold(server))}. WHM API 1 cannot report the CPU count: set cpuCount to the output of nproc on the server.`,
    );
  }
  if (server.scheme === 'http' && !isLoopbackHost(server.host)) {
    warnings.push(`${at}.scheme is "http" for ${server.host}, so the WHM API token crosses the network unencrypted. Use "https" unless this is a test server.`);
  }
  return warnings;
}

function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(name) || name === '::1';
}
