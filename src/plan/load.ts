/**
 * Reading a migration plan file: JSON or YAML, chosen by extension (`.json`, `.yaml`, `.yml`) or,
 * for other names, by the first character. Errors name the file, and syntax and validation errors
 * also name the line and column.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';

import type { PlanIssue } from './issues';
import { findJsonSyntaxError, positionAt } from './json-syntax';
import { validatePlan, type ParsedPlan } from './parse';

/** Thrown by {@link loadPlanFile} when the file cannot be read or has a syntax error. */
export class PlanFileError extends Error {
  /** The plan file as given by the caller. */
  readonly file: string;
  /** 1-based line of a syntax error. */
  readonly line: number | undefined;
  /** 1-based column of a syntax error. */
  readonly column: number | undefined;

  constructor(file: string, message: string, options: { line?: number; column?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlanFileError';
    this.file = file;
    this.line = options.line;
    this.column = options.column;
  }
}

type PlanFormat = 'json' | 'yaml';

/**
 * Reads, parses and validates a plan file. Relative file paths in the plan are resolved against
 * the file's folder. Throws a {@link PlanFileError} when the file is missing, unreadable or not
 * valid JSON/YAML, and an `InvalidPlanError` when the plan fails validation.
 */
export async function loadPlanFile(file: string): Promise<ParsedPlan> {
  const text = await readPlanText(file);
  if (text.trim() === '') {
    throw new PlanFileError(file, `plan file ${file} is empty. Write the plan into it, see examples/plan.example.yaml.`);
  }

  const format = planFormat(file, text);
  const value = format === 'json' ? parseJson(file, text) : undefined;
  const document = parseYamlDocument(text);
  const warnings: string[] = [];
  let data: unknown;
  if (format === 'json') {
    reportDuplicateJsonKeys(file, document.yaml, document.lineCounter);
    data = value;
  } else {
    data = yamlToData(file, document.yaml, document.lineCounter);
    warnings.push(...document.yaml.warnings.map((warning) => `${file}: ${warning.message}`));
  }

  const parsed = validatePlan(data, {
    baseDir: path.dirname(path.resolve(file)),
    subject: `Plan file ${file}`,
    locate: (issue, issuePath) => locateIssue(issue, issuePath, document),
  });
  return { plan: parsed.plan, warnings: [...warnings, ...parsed.warnings] };
}

async function readPlanText(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reasons: Record<string, string> = {
      ENOENT: `plan file ${file} does not exist. Check the path.`,
      EACCES: `plan file ${file} is not readable by this user (permission denied). Change its mode or run as its owner.`,
      EPERM: `plan file ${file} is not readable by this user (operation not permitted). Change its mode or run as its owner.`,
      EISDIR: `plan file ${file} is a directory. Name the plan file inside it.`,
    };
    throw new PlanFileError(file, reasons[code ?? ''] ?? `plan file ${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

function planFormat(file: string, text: string): PlanFormat {
  const extension = path.extname(file).toLowerCase();
  if (extension === '.json') {
    return 'json';
  }
  if (extension === '.yaml' || extension === '.yml') {
    return 'yaml';
  }
  // A JSON plan is an object; a YAML plan is a block mapping, which cannot start with "{".
  return text.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const found = findJsonSyntaxError(text);
    if (found === undefined) {
      throw new PlanFileError(file, `plan file ${file} is not valid JSON. Fix the syntax.`, { cause: error });
    }
    const { line, column } = positionAt(text, found.offset);
    throw new PlanFileError(file, `plan file ${file} has a JSON syntax error at line ${line}, column ${column}: ${found.message}. Fix the syntax.`, {
      line,
      column,
      cause: error,
    });
  }
}

interface YamlDocument {
  yaml: Document.Parsed;
  lineCounter: LineCounter;
}

function parseYamlDocument(text: string): YamlDocument {
  const lineCounter = new LineCounter();
  // prettyErrors adds a code excerpt to messages; the position is reported separately instead.
  const yaml = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  return { yaml, lineCounter };
}

function yamlToData(file: string, yaml: Document.Parsed, lineCounter: LineCounter): unknown {
  const [first] = yaml.errors;
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    const more = yaml.errors.length > 1 ? ` (and ${yaml.errors.length - 1} more)` : '';
    throw new PlanFileError(file, `plan file ${file} has a YAML syntax error at line ${line}, column ${col}: ${first.message}${more}. Fix the syntax.`, {
      line,
      column: col,
    });
  }
  try {
    return yaml.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // toJS throws when aliases expand beyond maxAliasCount, a guard against alias bombs.
    throw new PlanFileError(file, `plan file ${file} cannot be converted to data: ${(error as Error).message}.`, { cause: error });
  }
}

/** Rejects duplicate keys, which JSON.parse accepts silently by keeping the last value. */
function reportDuplicateJsonKeys(file: string, yaml: Document.Parsed, lineCounter: LineCounter): void {
  const duplicate = yaml.errors.find((error) => error.code === 'DUPLICATE_KEY');
  if (duplicate !== undefined) {
    const { line, col } = lineCounter.linePos(duplicate.pos[0]);
    throw new PlanFileError(
      file,
      `plan file ${file} has a duplicate key at line ${line}, column ${col}, and only its last value would count. Remove or merge the duplicate.`,
      { line, column: col },
    );
  }
}

/**
 * Adds the file position of the field an issue names: the key of the deepest field present in
 * the file, so a missing key points at its parent. JSON is read with the YAML parser for this,
 * because JSON is valid YAML; when that parse failed, the issue keeps no position.
 */
function locateIssue(issue: PlanIssue, issuePath: readonly PropertyKey[], document: YamlDocument): PlanIssue {
  if (document.yaml.errors.length > 0) {
    return issue;
  }
  let node: unknown = document.yaml.contents;
  let position: Node['range'] | undefined = (node as Node | null)?.range;
  for (const segment of issuePath) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (pair === undefined) {
        break;
      }
      position = (pair.key as Node).range ?? position;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      position = (node as Node).range ?? position;
    } else {
      break;
    }
  }
  if (position === undefined || position === null) {
    return issue;
  }
  const { line, col } = document.lineCounter.linePos(position[0]);
  return { ...issue, line, column: col };
}
