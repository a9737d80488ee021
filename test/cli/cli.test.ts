import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/temporal/dev-server';
import { sharedTemporalAddress } from '../helpers/temporal';
import { runCliCaptured } from './run-cli';

let dir: string;
let unreachable: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whm-cli-'));
  unreachable = `127.0.0.1:${await freePort()}`;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('whm-migrate help', () => {
  test('--help lists the commands', async () => {
    const { code, stdout } = await runCliCaptured(['--help']);

    expect(code).toBe(0);
    for (const command of ['start', 'pause', 'resume', 'abort', 'status', 'list', 'report', 'worker', 'temporal', 'simulate', 'demo']) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    expect(stdout).toContain('Exit codes: 0 ok');
  });

  test('--version prints the package version', async () => {
    const { code, stdout } = await runCliCaptured(['--version']);

    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('command help names its options', async () => {
    const { code, stdout } = await runCliCaptured(['status', '--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('--watch');
    expect(stdout).toContain('--json');
  });

  test('temporal dev-server help', async () => {
    const { code, stdout } = await runCliCaptured(['temporal', 'dev-server', '--help']);

    expect(code).toBe(0);
    expect(stdout).toContain('--ui-port <port>');
    expect(stdout).toContain('--headless');
  });

  test('no command is a usage error', async () => {
    const { code, stderr } = await runCliCaptured([]);

    expect(code).toBe(2);
    expect(stderr).toContain('Usage: whm-migrate');
  });

  test('unknown command is a usage error', async () => {
    const { code, stderr } = await runCliCaptured(['migrate-everything']);

    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'migrate-everything'");
  });

  test('missing argument is a usage error', async () => {
    const { code, stderr } = await runCliCaptured(['pause']);

    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'id'");
  });

  test('invalid port is a usage error', async () => {
    const { code, stderr } = await runCliCaptured(['temporal', 'dev-server', '--port', '99999']);

    expect(code).toBe(2);
    expect(stderr).toContain('"99999" is not a port number');
  });
});

describe('whm-migrate start with a bad plan', () => {
  test('invalid plan lists every problem', async () => {
    const file = join(dir, 'invalid.yaml');
    await writeFile(file, [
      'version: 1',
      'name: Wave One',
      'destination:',
      '  host: dest.example.com',
      '  port: 99999',
      '  token: { env: WHM_DEST_TOKEN }',
      'source:',
      '  host: source.example.com',
      'items:',
      '  accounts:',
      '    - user: alice',
      '      sizeBytes: -5',
      '',
    ].join('\n'));

    // An unreachable address proves nothing connects: a connection attempt would exit with 4.
    const { code, stderr, stdout } = await runCliCaptured(['--address', unreachable, 'start', file]);

    expect(code).toBe(2);
    expect(stderr).toContain(`Plan file ${file} is invalid (4 problems)`);
    expect(stderr).toMatch(/name \(line 2, column 1\): must be 1-63 characters/);
    expect(stderr).toMatch(/destination\.port \(line 5, column 3\): must be a port number/);
    expect(stderr).toMatch(/items\.accounts\[0\]\.sizeBytes \(line 12, column 7\): must not be negative/);
    expect(stderr).toMatch(/source \(line 7, column 1\): .*needs source\.password or source\.sshKey/);
    expect(stdout).toBe('');
  });

  test('missing plan file names the path', async () => {
    const file = join(dir, 'no-such-plan.yaml');
    const { code, stderr } = await runCliCaptured(['--address', unreachable, 'start', file]);

    expect(code).toBe(2);
    expect(stderr).toBe(`error: plan file ${file} does not exist. Check the path.\n`);
  });

  test('syntax error names the line', async () => {
    const file = join(dir, 'broken.json');
    await writeFile(file, '{ "version": 1,\n  "name": }\n');
    const { code, stderr } = await runCliCaptured(['--address', unreachable, 'start', file]);

    expect(code).toBe(2);
    expect(stderr).toMatch(/JSON syntax error at line 2/);
  });
});

describe('whm-migrate errors', () => {
  test('unreachable Temporal exits with 4', async () => {
    const { code, stderr } = await runCliCaptured(['status', 'whm-migrate/dest.example.com/x', '--address', unreachable, '--connect-timeout-ms', '500']);

    expect(code).toBe(4);
    expect(stderr).toContain(`Cannot reach Temporal at ${unreachable}`);
    expect(stderr).toContain('TEMPORAL_ADDRESS');
  });

  test('TEMPORAL_ADDRESS is read from the environment', async () => {
    const { code, stderr } = await runCliCaptured(['list', '--connect-timeout-ms', '500'], { env: { TEMPORAL_ADDRESS: unreachable } });

    expect(code).toBe(4);
    expect(stderr).toContain(unreachable);
  });

  test('error is one line without a stack', async () => {
    const { stderr } = await runCliCaptured(['list', '--address', unreachable, '--connect-timeout-ms', '500']);

    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  test('WHM_MIGRATE_DEBUG=1 adds the stack', async () => {
    const { stderr } = await runCliCaptured(['list', '--address', unreachable, '--connect-timeout-ms', '500'], { env: { WHM_MIGRATE_DEBUG: '1' } });

    expect(stderr).toMatch(/^TemporalUnavailableError: Cannot reach Temporal/);
    expect(stderr).toMatch(/^\s+at /m);
    expect(stderr).toContain('Caused by:');
  });

  test('invalid TEMPORAL_ADDRESS exits with 2', async () => {
    const { code, stderr } = await runCliCaptured(['list'], { env: { TEMPORAL_ADDRESS: 'temporal.example' } });

    expect(code).toBe(2);
    expect(stderr).toContain('TEMPORAL_ADDRESS: must be host:port');
  });

  test('unknown id exits with 3', async () => {
    const id = 'whm-migrate/dest.example.com/never-started';
    const { code, stderr } = await runCliCaptured(['status', id, '--address', sharedTemporalAddress()]);

    expect(code).toBe(3);
    expect(stderr).toContain(`No migration with id "${id}"`);
    expect(stderr).toContain('whm-migrate list');
  });

  test('pause of an unknown id exits with 3', async () => {
    const { code } = await runCliCaptured(['pause', 'whm-migrate/dest.example.com/never-started', '--address', sharedTemporalAddress()]);
    expect(code).toBe(3);
  });

  test('report of an unknown id exits with 3', async () => {
    const { code } = await runCliCaptured(['report', 'whm-migrate/dest.example.com/never-started', '--address', sharedTemporalAddress()]);
    expect(code).toBe(3);
  });

  test('unknown namespace exits with 4', async () => {
    const { code, stderr } = await runCliCaptured(['list', '--address', sharedTemporalAddress(), '--namespace', 'no-such-namespace']);

    expect(code).toBe(4);
    expect(stderr).toContain('no namespace "no-such-namespace"');
  });
});
