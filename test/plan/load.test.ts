import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { loadPlanFile, PlanFileError } from '../../src/plan';
import { catchInvalidPlanAsync, issueAt, minimalPlanInput } from './fixtures';
import { RUNNING_AS_ROOT, runPlanSnippetAsNobody } from './unprivileged';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'plan-load-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function writePlan(name: string, text: string): string {
  const file = path.join(folder, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}

async function planFileError(file: string): Promise<PlanFileError> {
  try {
    await loadPlanFile(file);
  } catch (error) {
    if (error instanceof PlanFileError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a PlanFileError, but the plan loaded');
}

const YAML_PLAN = `# a comment
version: 1
name: wave-1
destination:
  host: dest.example.com
  token: { env: WHM_DEST_TOKEN }
source:
  host: source.example.com
  password: { file: secrets/source.password }
items:
  packages: [package1]
  accounts:
    - user: example
      sizeBytes: 123456789
`;

describe('loadPlanFile formats', () => {
  test('JSON file', async () => {
    const file = writePlan('plan.json', JSON.stringify(minimalPlanInput(), null, 2));

    const { plan, warnings } = await loadPlanFile(file);

    expect(plan.name).toBe('wave-1');
    expect(plan.items.accounts[0]?.localuser).toBe('example');
    expect(warnings).toEqual([]);
  });

  test('YAML file', async () => {
    const file = writePlan('plan.yaml', YAML_PLAN);

    const { plan } = await loadPlanFile(file);

    expect(plan.items.packages).toEqual([{ name: 'package1' }]);
    expect(plan.items.accounts[0]?.sizeBytes).toBe(123456789);
  });

  test('yml extension', async () => {
    const file = writePlan('plan.yml', YAML_PLAN);

    await expect(loadPlanFile(file)).resolves.toMatchObject({ plan: { name: 'wave-1' } });
  });

  test('JSON sniffed without extension', async () => {
    const file = writePlan('plan-json', `\n  ${JSON.stringify(minimalPlanInput())}`);

    await expect(loadPlanFile(file)).resolves.toMatchObject({ plan: { name: 'wave-1' } });
  });

  test('YAML sniffed without extension', async () => {
    const file = writePlan('plan.txt', YAML_PLAN);

    await expect(loadPlanFile(file)).resolves.toMatchObject({ plan: { name: 'wave-1' } });
  });

  test('byte order mark ignored', async () => {
    const file = writePlan('bom.json', `\uFEFF${JSON.stringify(minimalPlanInput())}`);

    await expect(loadPlanFile(file)).resolves.toMatchObject({ plan: { name: 'wave-1' } });
  });

  test('paths relative to the plan file', async () => {
    const file = writePlan('nested/dir/plan.yaml', YAML_PLAN);

    const { plan } = await loadPlanFile(file);

    expect(plan.source.password).toEqual({ file: path.join(folder, 'nested/dir/secrets/source.password') });
  });

  test('YAML 1.2 scalars stay strings', async () => {
    const file = writePlan('norway.yaml', YAML_PLAN.replace('name: wave-1', 'name: no'));

    const { plan } = await loadPlanFile(file);

    expect(plan.name).toBe('no');
  });
});

describe('loadPlanFile file errors', () => {
  test('missing file', async () => {
    const file = path.join(folder, 'absent.yaml');

    const error = await planFileError(file);

    expect(error.message).toBe(`plan file ${file} does not exist. Check the path.`);
    expect(error.file).toBe(file);
  });

  test('directory', async () => {
    const directory = path.join(folder, 'plans.d');
    mkdirSync(directory);

    const error = await planFileError(directory);

    expect(error.message).toBe(`plan file ${directory} is a directory. Name the plan file inside it.`);
  });

  test('empty file', async () => {
    const file = writePlan('empty.yaml', '  \n');

    const error = await planFileError(file);

    expect(error.message).toContain('is empty');
  });

  test('unreadable file', async () => {
    const file = writePlan('private/plan.yaml', YAML_PLAN);
    chmodSync(file, 0o600);
    chmodSync(folder, 0o755);
    chmodSync(path.dirname(file), 0o755);

    let message: string;
    if (RUNNING_AS_ROOT) {
      const output = runPlanSnippetAsNobody(
        `plan.loadPlanFile(${JSON.stringify(file)}).then(() => console.log('loaded'), (error) => console.log(error.name + ': ' + error.message));`,
      );
      message = output.trim();
    } else {
      chmodSync(file, 0o000);
      message = `PlanFileError: ${(await planFileError(file)).message}`;
    }

    expect(message).toBe(`PlanFileError: plan file ${file} is not readable by this user (permission denied). Change its mode or run as its owner.`);
  });
});

describe('loadPlanFile syntax errors', () => {
  test('JSON missing comma', async () => {
    const file = writePlan('comma.json', '{\n  "version": 1\n  "name": "wave-1"\n}\n');

    const error = await planFileError(file);

    expect(error.line).toBe(3);
    expect(error.column).toBe(3);
    expect(error.message).toBe(
      `plan file ${file} has a JSON syntax error at line 3, column 3: expected "," or "}" after the property value. Fix the syntax.`,
    );
  });

  test('JSON trailing comma', async () => {
    const file = writePlan('trailing.json', '{\n  "version": 1,\n}\n');

    const error = await planFileError(file);

    expect([error.line, error.column]).toEqual([3, 1]);
    expect(error.message).toContain('trailing comma before "}"');
  });

  test('JSON truncated', async () => {
    const file = writePlan('truncated.json', '{\n  "items": [1, 2');

    const error = await planFileError(file);

    expect([error.line, error.column]).toEqual([2, 17]);
    expect(error.message).toContain('unexpected end of file');
  });

  test('JSON duplicate key', async () => {
    const file = writePlan('duplicate.json', JSON.stringify(minimalPlanInput(), null, 2).replace('"name": "wave-1",', '"name": "wave-1",\n  "name": "wave-2",'));

    const error = await planFileError(file);

    expect(error.line).toBe(4);
    expect(error.message).toContain('duplicate key at line 4');
  });

  test('YAML unclosed flow sequence', async () => {
    const file = writePlan('unclosed.yaml', 'version: 1\nitems:\n  accounts: [a, b\nname: x\n');

    const error = await planFileError(file);

    expect([error.line, error.column]).toEqual([4, 1]);
    expect(error.message).toBe(
      `plan file ${file} has a YAML syntax error at line 4, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]. Fix the syntax.`,
    );
  });

  test('YAML nested compact mapping', async () => {
    const file = writePlan('compact.yaml', 'version: 1\nname: wave: 1\n');

    const error = await planFileError(file);

    expect([error.line, error.column]).toEqual([2, 7]);
  });

  test('YAML duplicate key', async () => {
    const file = writePlan('duplicate.yaml', YAML_PLAN.replace('name: wave-1\n', 'name: wave-1\nname: wave-2\n'));

    const error = await planFileError(file);

    expect(error.line).toBe(4);
    expect(error.message).toContain('Map keys must be unique');
  });

  test('YAML with two documents', async () => {
    const file = writePlan('two.yaml', `${YAML_PLAN}---\n${YAML_PLAN}`);

    const error = await planFileError(file);

    expect(error.message).toContain('YAML syntax error');
  });
});

describe('loadPlanFile validation errors', () => {
  test('YAML issues carry lines', async () => {
    const file = writePlan('invalid.yaml', YAML_PLAN.replace('sizeBytes: 123456789', 'sizeBytes: lots\n      localUser: other'));

    const error = await catchInvalidPlanAsync(() => loadPlanFile(file));

    expect(error.message.split('\n')[0]).toBe(`Plan file ${file} is invalid (2 problems):`);
    expect(issueAt(error.issues, 'items.accounts[0].sizeBytes')).toMatchObject({ line: 14, column: 7 });
    expect(issueAt(error.issues, 'items.accounts[0].localUser')).toMatchObject({ line: 15, column: 7 });
    expect(error.message).toContain('items.accounts[0].localUser (line 15, column 7): unknown key. Did you mean "localuser"?');
  });

  test('missing key points at its parent', async () => {
    const file = writePlan('no-token.yaml', YAML_PLAN.replace('  token: { env: WHM_DEST_TOKEN }\n', ''));

    const error = await catchInvalidPlanAsync(() => loadPlanFile(file));

    expect(issueAt(error.issues, 'destination.token')).toMatchObject({ line: 4, column: 1 });
  });

  test('JSON issues carry lines', async () => {
    const input = minimalPlanInput();
    const file = writePlan('invalid.json', JSON.stringify({ ...input, monitor: { pollIntervalSeconds: 0 } }, null, 2));

    const error = await catchInvalidPlanAsync(() => loadPlanFile(file));

    expect(issueAt(error.issues, 'monitor.pollIntervalSeconds').line).toBe(24);
  });

  test('cross-field issue located', async () => {
    const file = writePlan('dupe.yaml', YAML_PLAN.replace('      sizeBytes: 123456789\n', '    - user: example\n'));

    const error = await catchInvalidPlanAsync(() => loadPlanFile(file));

    expect(issueAt(error.issues, 'items.accounts[1].user')).toMatchObject({ line: 14 });
  });
});
