import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../../src/temporal/dev-server';

const root = join(__dirname, '..', '..');
const bin = join(root, 'bin', 'whm-migrate.js');

interface BinResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would; `npm test` builds dist/ first. */
function runBin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<BinResult> {
  return new Promise((resolve) => {
    const options = { cwd: root, timeout: 45_000, env: { PATH: process.env.PATH, ...env } };
    execFile(process.execPath, [bin, ...args], options, (error, stdout, stderr) => {
      let code = 0;
      if (error !== null) code = typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

beforeAll(async () => {
  await access(join(root, 'dist', 'cli', 'main.js')).catch(() => {
    throw new Error('dist/cli/main.js is missing: run `npm run build` before these tests');
  });
});

describe('bin/whm-migrate.js', () => {
  test('--help exits with 0', async () => {
    const { code, stdout } = await runBin(['--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('Usage: whm-migrate');
  });

  test('unreachable Temporal exits with 4', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const { code, stderr } = await runBin(['list', '--address', address, '--connect-timeout-ms', '500']);

    expect(code).toBe(4);
    expect(stderr).toContain(`error: Cannot reach Temporal at ${address}`);
  });

  test('missing plan file exits with 2', async () => {
    const { code, stderr } = await runBin(['start', 'no-such-plan.yaml']);

    expect(code).toBe(2);
    expect(stderr).toBe('error: plan file no-such-plan.yaml does not exist. Check the path.\n');
  });

  test('worker without Temporal exits with 4', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const { code, stderr } = await runBin(['worker'], { TEMPORAL_ADDRESS: address });

    expect(code).toBe(4);
    expect(stderr).toContain(`error: Cannot reach Temporal at ${address}`);
  });
});
