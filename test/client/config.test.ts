import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidClientConfigError, MigrationClient, resolveClientConfig } from '../../src/client';
import { DEFAULT_TASK_QUEUE } from '../../src/messages';

function configError(action: () => unknown): InvalidClientConfigError {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidClientConfigError) return error;
    throw error;
  }
  throw new Error('expected an InvalidClientConfigError, but the settings were accepted');
}

describe('resolveClientConfig', () => {
  test('defaults without environment', () => {
    const config = resolveClientConfig({ env: {} });

    expect(config.address).toBe('127.0.0.1:7233');
    expect(config.namespace).toBe('default');
    expect(config.taskQueue).toBe(DEFAULT_TASK_QUEUE);
    expect(config.apiKey).toBeUndefined();
    expect(config.tls).toBeUndefined();
  });

  test('reads the environment', () => {
    const config = resolveClientConfig({
      env: { TEMPORAL_ADDRESS: '[::1]:7300', TEMPORAL_NAMESPACE: 'migrations', WHM_MIGRATE_TASK_QUEUE: 'queue-b', TEMPORAL_TLS: 'true' },
    });

    expect(config.address).toBe('[::1]:7300');
    expect(config.namespace).toBe('migrations');
    expect(config.taskQueue).toBe('queue-b');
    expect(config.tls).toBe(true);
  });

  test('options win over the environment', () => {
    const config = resolveClientConfig({ address: '127.0.0.1:7400', env: { TEMPORAL_ADDRESS: '127.0.0.1:7300' } });
    expect(config.address).toBe('127.0.0.1:7400');
  });

  test('empty variables count as unset', () => {
    const config = resolveClientConfig({ env: { TEMPORAL_ADDRESS: '', TEMPORAL_TLS: '' } });

    expect(config.address).toBe('127.0.0.1:7233');
    expect(config.tls).toBeUndefined();
  });

  test('settings are frozen', () => {
    expect(Object.isFrozen(resolveClientConfig({ env: {} }))).toBe(true);
  });

  test('invalid address names the variable', () => {
    const error = configError(() => resolveClientConfig({ env: { TEMPORAL_ADDRESS: 'http://temporal:7233' } }));
    expect(error.message).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
  });

  test('port above 65535 is invalid', () => {
    const error = configError(() => resolveClientConfig({ address: '127.0.0.1:70000', env: {} }));
    expect(error.message).toMatch(/address: port must be at most 65535/);
  });

  test('every problem is listed', () => {
    const error = configError(() => resolveClientConfig({ address: 'nowhere', env: { TEMPORAL_NAMESPACE: '   ' } }));

    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/address:/);
    expect(error.message).toMatch(/TEMPORAL_NAMESPACE:/);
  });

  test('invalid TEMPORAL_TLS is rejected', () => {
    const error = configError(() => resolveClientConfig({ env: { TEMPORAL_TLS: 'maybe' } }));
    expect(error.message).toMatch(/TEMPORAL_TLS/);
  });

  test('API key stays out of the message', () => {
    const error = configError(() => resolveClientConfig({ address: 'bad', apiKey: 'secret-key-value', env: {} }));
    expect(error.message).not.toContain('secret-key-value');
  });

  test('certificate without key is invalid', () => {
    const error = configError(() => resolveClientConfig({ env: { TEMPORAL_TLS_CERT_PATH: '/etc/temporal/client.pem' } }));
    expect(error.message).toMatch(/TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH/);
  });

  test('TLS files turn TLS on', () => {
    const config = resolveClientConfig({ env: { TEMPORAL_TLS_CA_PATH: '/etc/temporal/ca.pem' } });

    expect(config.tls).toBe(true);
    expect(config.tlsFiles?.caPath).toBe('/etc/temporal/ca.pem');
  });
});

describe('MigrationClient.connect settings', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'whm-client-tls-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('missing CA file names the variable and path', async () => {
    const caPath = join(dir, 'missing-ca.pem');
    const attempt = MigrationClient.connect({ env: { TEMPORAL_TLS_CA_PATH: caPath } });

    await expect(attempt).rejects.toThrow(InvalidClientConfigError);
    await expect(attempt).rejects.toThrow(`TEMPORAL_TLS_CA_PATH: cannot read "${caPath}"`);
  });

  test('invalid settings fail before connecting', async () => {
    await expect(MigrationClient.connect({ address: 'not an address', env: {} })).rejects.toThrow(InvalidClientConfigError);
  });
});
