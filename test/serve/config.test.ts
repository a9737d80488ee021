import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServeConfig, ServeConfigError, type ServeConfig } from '../../src/serve/config';
import { tokenDigest } from '../../src/serve/http/auth';

const TOKEN = 'config-test-token-0123456789';

async function problemsOf(env: NodeJS.ProcessEnv): Promise<string[]> {
  try {
    await loadServeConfig({ env });
  } catch (error) {
    if (error instanceof ServeConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ServeConfigError');
}

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'serve-config-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('loadServeConfig', () => {
  test('defaults fill every unset variable', async () => {
    const config: ServeConfig = await loadServeConfig({ env: { WHM_MIGRATE_SERVE_TOKEN: TOKEN } });

    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.serverLabel).toBe('instance');
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.temporal.namespace).toBe('default');
    expect(config.temporal.taskQueue).toBe('whm-migrate');
    expect(config.maxBodyBytes).toBe(1024 * 1024);
  });

  test('config keeps only the token digest', async () => {
    const config = await loadServeConfig({ env: { WHM_MIGRATE_SERVE_TOKEN: TOKEN } });

    expect(config.tokenSha256.equals(tokenDigest(TOKEN))).toBe(true);
    expect(JSON.stringify(config)).not.toContain(TOKEN);
  });

  test('variables replace the defaults', async () => {
    const config = await loadServeConfig({
      env: {
        WHM_MIGRATE_SERVE_TOKEN: TOKEN,
        WHM_MIGRATE_SERVE_HOST: '::1',
        WHM_MIGRATE_SERVE_PORT: '9099',
        WHM_MIGRATE_ALERT_SERVER_LABEL: 'whm_host',
        TEMPORAL_ADDRESS: '127.0.0.1:7234',
        TEMPORAL_NAMESPACE: 'migrations',
        WHM_MIGRATE_TASK_QUEUE: 'whm-migrate-eu',
      },
    });

    expect(config.host).toBe('::1');
    expect(config.port).toBe(9099);
    expect(config.serverLabel).toBe('whm_host');
    expect(config.temporal.address).toBe('127.0.0.1:7234');
    expect(config.temporal.namespace).toBe('migrations');
    expect(config.temporal.taskQueue).toBe('whm-migrate-eu');
  });

  test('token file is read without its line break', async () => {
    const file = join(directory, 'token');
    await writeFile(file, `${TOKEN}\n`);

    const config = await loadServeConfig({ env: { WHM_MIGRATE_SERVE_TOKEN_FILE: file } });

    expect(config.tokenSha256.equals(tokenDigest(TOKEN))).toBe(true);
  });

  test('missing token is a problem', async () => {
    expect(await problemsOf({})).toEqual([
      'WHM_MIGRATE_SERVE_TOKEN or WHM_MIGRATE_SERVE_TOKEN_FILE: missing; set one to the bearer token that alert senders present (or to a file that contains it)',
    ]);
  });

  test('empty variables count as unset', async () => {
    const problems = await problemsOf({ WHM_MIGRATE_SERVE_TOKEN: '', WHM_MIGRATE_SERVE_PORT: '' });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^WHM_MIGRATE_SERVE_TOKEN or WHM_MIGRATE_SERVE_TOKEN_FILE: missing/);
  });

  test('both token variables is a problem', async () => {
    const problems = await problemsOf({ WHM_MIGRATE_SERVE_TOKEN: TOKEN, WHM_MIGRATE_SERVE_TOKEN_FILE: join(directory, 'token') });

    expect(problems).toEqual(['WHM_MIGRATE_SERVE_TOKEN and WHM_MIGRATE_SERVE_TOKEN_FILE: set only one of them']);
  });

  test('unreadable token file is a problem', async () => {
    const file = join(directory, 'absent');

    expect(await problemsOf({ WHM_MIGRATE_SERVE_TOKEN_FILE: file })).toEqual([`WHM_MIGRATE_SERVE_TOKEN_FILE: cannot read "${file}" (ENOENT)`]);
  });

  test('every invalid variable is listed', async () => {
    const problems = await problemsOf({
      WHM_MIGRATE_SERVE_TOKEN: 'short secret',
      WHM_MIGRATE_SERVE_HOST: 'not a host',
      WHM_MIGRATE_SERVE_PORT: '70000',
      WHM_MIGRATE_ALERT_SERVER_LABEL: '1instance',
      TEMPORAL_ADDRESS: 'localhost',
    });

    expect(problems).toContain('WHM_MIGRATE_SERVE_HOST: must be an IP address or a host name, for example 127.0.0.1');
    expect(problems).toContain('WHM_MIGRATE_SERVE_PORT: must be a whole number from 0 to 65535');
    expect(problems).toContain('WHM_MIGRATE_ALERT_SERVER_LABEL: must be a Prometheus label name: letters, digits and _, not starting with a digit');
    expect(problems).toContain('WHM_MIGRATE_SERVE_TOKEN: must be at least 16 characters; generate one with `openssl rand -hex 32`');
    expect(problems).toContain('WHM_MIGRATE_SERVE_TOKEN: may contain only letters, digits and - . _ ~ + / (then = padding)');
    expect(problems).toContain('TEMPORAL_ADDRESS: must be host:port, for example 127.0.0.1:7233 or my-namespace.a1b2c.tmprl.cloud:7233');
    expect(problems).toHaveLength(6);
  });

  test('error message never shows the token', async () => {
    const secret = 'secret with spaces 0123456789';
    let message = '';
    try {
      await loadServeConfig({ env: { WHM_MIGRATE_SERVE_TOKEN: secret, WHM_MIGRATE_SERVE_PORT: 'x' } });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toMatch(/^Invalid settings for whm-migrate serve:\n/);
    expect(message).not.toContain(secret);
  });
});
