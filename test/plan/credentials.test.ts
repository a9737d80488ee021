import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { CredentialUnavailableError, MAX_CREDENTIAL_FILE_BYTES, resolveCredential, type CredentialRef } from '../../src/plan';
import { RUNNING_AS_ROOT, runPlanSnippetAsNobody } from './unprivileged';

const SECRET = 'tok-3x4mple-S3CRET';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'plan-credentials-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function writeSecretFile(name: string, content: string | Buffer): string {
  const file = path.join(folder, name);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

async function resolutionError(ref: CredentialRef, env: NodeJS.ProcessEnv = {}): Promise<CredentialUnavailableError> {
  try {
    await resolveCredential(ref, env);
  } catch (error) {
    if (error instanceof CredentialUnavailableError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a CredentialUnavailableError, but the credential resolved');
}

describe('resolveCredential environment', () => {
  test('reads the variable', async () => {
    await expect(resolveCredential({ env: 'WHM_DEST_TOKEN' }, { WHM_DEST_TOKEN: SECRET })).resolves.toBe(SECRET);
  });

  test('trims one trailing newline', async () => {
    await expect(resolveCredential({ env: 'T' }, { T: `${SECRET}\n\n` })).resolves.toBe(`${SECRET}\n`);
  });

  test('keeps other whitespace', async () => {
    await expect(resolveCredential({ env: 'T' }, { T: ` ${SECRET} ` })).resolves.toBe(` ${SECRET} `);
  });

  test('unset variable named', async () => {
    const error = await resolutionError({ env: 'WHM_DEST_TOKEN' }, { OTHER: SECRET });

    expect(error.message).toBe(
      "environment variable WHM_DEST_TOKEN is not set on the worker. Set it in the worker's environment and restart the worker.",
    );
    expect(error.ref).toEqual({ env: 'WHM_DEST_TOKEN' });
  });

  test('empty variable rejected', async () => {
    const error = await resolutionError({ env: 'T' }, { T: '' });

    expect(error.message).toContain('environment variable T is empty');
  });

  test('newline only rejected', async () => {
    const error = await resolutionError({ env: 'T' }, { T: '\n' });

    expect(error.message).toContain('is empty');
  });

  test('defaults to process environment', async () => {
    process.env.WHM_MIGRATE_PLAN_TEST_SECRET = SECRET;
    try {
      await expect(resolveCredential({ env: 'WHM_MIGRATE_PLAN_TEST_SECRET' })).resolves.toBe(SECRET);
    } finally {
      delete process.env.WHM_MIGRATE_PLAN_TEST_SECRET;
    }
  });
});

describe('resolveCredential file', () => {
  test('reads the file', async () => {
    const file = writeSecretFile('plain', SECRET);

    await expect(resolveCredential({ file })).resolves.toBe(SECRET);
  });

  test('trims one CRLF', async () => {
    const file = writeSecretFile('crlf', `${SECRET}\r\n`);

    await expect(resolveCredential({ file })).resolves.toBe(SECRET);
  });

  test('missing file named', async () => {
    const file = path.join(folder, 'absent.token');

    const error = await resolutionError({ file });

    expect(error.message).toMatch(new RegExp(`^credential file ${file} does not exist on the worker\\. Create it, readable by the worker's user `));
    expect(error.ref).toEqual({ file });
  });

  test('empty file rejected', async () => {
    const file = writeSecretFile('empty', '');

    const error = await resolutionError({ file });

    expect(error.message).toBe(`credential file ${file} is empty. Write the secret into ${file}.`);
  });

  test('directory rejected', async () => {
    const directory = path.join(folder, 'a-directory');
    mkdirSync(directory);

    const error = await resolutionError({ file: directory });

    expect(error.message).toContain('is not a regular file');
  });

  test('device rejected without reading', async () => {
    const error = await resolutionError({ file: '/dev/zero' });

    expect(error.message).toContain('credential file /dev/zero is not a regular file');
  });

  test('oversized file rejected', async () => {
    const file = writeSecretFile('large', Buffer.alloc(MAX_CREDENTIAL_FILE_BYTES + 1, 'a'));

    const error = await resolutionError({ file });

    expect(error.message).toContain(`larger than ${MAX_CREDENTIAL_FILE_BYTES} bytes`);
  });

  test('file at the size limit read', async () => {
    const file = writeSecretFile('at-limit', Buffer.alloc(MAX_CREDENTIAL_FILE_BYTES, 'a'));

    await expect(resolveCredential({ file })).resolves.toHaveLength(MAX_CREDENTIAL_FILE_BYTES);
  });

  test('unreadable file named', async () => {
    const file = writeSecretFile('root-only', SECRET);
    chmodSync(folder, 0o755);

    let message: string;
    if (RUNNING_AS_ROOT) {
      const output = runPlanSnippetAsNobody(
        `plan.resolveCredential({ file: ${JSON.stringify(file)} }).then(() => console.log('resolved'), (error) => console.log(error.name + ': ' + error.message));`,
      );
      message = output.trim();
    } else {
      chmodSync(file, 0o000);
      message = `CredentialUnavailableError: ${(await resolutionError({ file })).message}`;
    }

    expect(message).toMatch(new RegExp(`^CredentialUnavailableError: credential file ${file} is not readable by the worker's user \\S+\\. `));
  });

  test('messages never contain the secret', async () => {
    const errors = [
      await resolutionError({ env: 'T' }, { T: '' }),
      await resolutionError({ file: writeSecretFile('big-secret', `${SECRET}${'x'.repeat(MAX_CREDENTIAL_FILE_BYTES)}`) }),
    ];

    for (const error of errors) {
      expect(error.message).not.toContain(SECRET);
    }
  });
});
