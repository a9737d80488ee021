import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
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

/** Decodes certificate bytes, which envconfig returns as a Uint8Array rather than a Buffer. */
function text(bytes: Uint8Array | undefined): string | undefined {
  return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
}

let dir: string;
/** Stand-ins for PEM files: the client reads their bytes and leaves parsing to the connection. */
let files: { ca: string; cert: string; key: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whm-client-config-'));
  files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'client.pem'), key: join(dir, 'client.key') };
  await writeFile(files.ca, 'ca-bytes');
  await writeFile(files.cert, 'certificate-bytes');
  await writeFile(files.key, 'key-bytes');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveClientConfig', () => {
  test('defaults without environment', () => {
    const config = resolveClientConfig({ env: {} });

    expect(config.address).toBe('127.0.0.1:7233');
    expect(config.namespace).toBe('default');
    expect(config.taskQueue).toBe(DEFAULT_TASK_QUEUE);
    expect(config.apiKey).toBeUndefined();
    expect(config.tls).toBeUndefined();
    expect(config.metadata).toBeUndefined();
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
    const config = resolveClientConfig({ address: '127.0.0.1:7400', namespace: 'other', env: { TEMPORAL_ADDRESS: '127.0.0.1:7300', TEMPORAL_NAMESPACE: 'migrations' } });

    expect(config.address).toBe('127.0.0.1:7400');
    expect(config.namespace).toBe('other');
  });

  test('option hides an invalid variable', () => {
    const config = resolveClientConfig({ address: '127.0.0.1:7400', env: { TEMPORAL_ADDRESS: 'http://temporal:7233' } });
    expect(config.address).toBe('127.0.0.1:7400');
  });

  test('empty variables count as unset', () => {
    const config = resolveClientConfig({ env: { TEMPORAL_ADDRESS: '', TEMPORAL_TLS: '', TEMPORAL_TLS_SERVER_CA_CERT_PATH: '' } });

    expect(config.address).toBe('127.0.0.1:7233');
    expect(config.tls).toBeUndefined();
  });

  test('settings are frozen', () => {
    expect(Object.isFrozen(resolveClientConfig({ env: {} }))).toBe(true);
  });

  test('API key turns TLS on', () => {
    const config = resolveClientConfig({ env: { TEMPORAL_API_KEY: 'secret-key-value' } });

    expect(config.apiKey).toBe('secret-key-value');
    expect(config.tls).toBe(true);
  });

  test('API key option turns TLS on', () => {
    expect(resolveClientConfig({ apiKey: 'secret-key-value', env: {} }).tls).toBe(true);
  });

  test('TEMPORAL_TLS=false keeps an API key in plain text', () => {
    expect(resolveClientConfig({ env: { TEMPORAL_API_KEY: 'secret-key-value', TEMPORAL_TLS: 'false' } }).tls).toBe(false);
  });

  test('reads the TLS files', () => {
    const config = resolveClientConfig({
      env: {
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: files.ca,
        TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert,
        TEMPORAL_TLS_CLIENT_KEY_PATH: files.key,
        TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
      },
    });
    const tls = config.tls as TLSConfig;

    expect(text(tls.serverRootCACertificate)).toBe('ca-bytes');
    expect(text(tls.clientCertPair?.crt)).toBe('certificate-bytes');
    expect(text(tls.clientCertPair?.key)).toBe('key-bytes');
    expect(tls.serverNameOverride).toBe('temporal.internal');
  });

  test('inline certificates are read', () => {
    const config = resolveClientConfig({ env: { TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'inline-ca' } });
    expect(text((config.tls as TLSConfig).serverRootCACertificate)).toBe('inline-ca');
  });

  test('TLS option replaces the TLS variables', () => {
    const config = resolveClientConfig({ tls: false, env: { TEMPORAL_TLS: 'maybe', TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'missing.pem') } });
    expect(config.tls).toBe(false);
  });

  test('reads the config file profile', async () => {
    const file = join(dir, 'temporal.toml');
    await writeFile(file, ['[profile.cloud]', 'address = "cloud.example.com:7233"', 'namespace = "from-file"', '[profile.cloud.grpc_meta]', 'tenant = "eu"', ''].join('\n'));

    const config = resolveClientConfig({ env: { TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cloud', TEMPORAL_NAMESPACE: 'from-env' } });

    expect(config.address).toBe('cloud.example.com:7233');
    expect(config.namespace).toBe('from-env');
    expect(config.metadata).toEqual({ tenant: 'eu' });
  });

  test('reads gRPC metadata variables', () => {
    const config = resolveClientConfig({ env: { TEMPORAL_GRPC_META_X_TENANT: 'eu' } });
    expect(config.metadata).toEqual({ 'x-tenant': 'eu' });
  });

  test('invalid address names the variable', () => {
    const error = configError(() => resolveClientConfig({ env: { TEMPORAL_ADDRESS: 'http://temporal:7233' } }));
    expect(error.message).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
  });

  test('port above 65535 is invalid', () => {
    const error = configError(() => resolveClientConfig({ address: '127.0.0.1:70000', env: {} }));
    expect(error.message).toMatch(/address: port must be at most 65535/);
  });

  test('invalid profile address names the file', async () => {
    const file = join(dir, 'bad-address.toml');
    await writeFile(file, '[profile.default]\naddress = "temporal"\n');

    const error = configError(() => resolveClientConfig({ env: { TEMPORAL_CONFIG_FILE: file } }));

    expect(error.message).toMatch(/address in the Temporal config file profile: must be host:port/);
  });

  test('every problem is listed', () => {
    const error = configError(() =>
      resolveClientConfig({ address: 'nowhere', taskQueue: ' ', env: { TEMPORAL_NAMESPACE: '   ', TEMPORAL_TLS: 'maybe', TEMPORAL_TLS_CA_PATH: files.ca } }),
    );

    expect(error.problems).toHaveLength(5);
    expect(error.message).toMatch(/address: must be host:port/);
    expect(error.message).toMatch(/taskQueue: must not be empty/);
    expect(error.message).toMatch(/TEMPORAL_NAMESPACE: must not be blank/);
    expect(error.message).toMatch(/TEMPORAL_TLS: must be true or false/);
    expect(error.message).toMatch(/TEMPORAL_TLS_CA_PATH: no longer read; set TEMPORAL_TLS_SERVER_CA_CERT_PATH instead/);
  });

  test.each([
    ['TEMPORAL_TLS_CA_PATH', 'TEMPORAL_TLS_SERVER_CA_CERT_PATH'],
    ['TEMPORAL_TLS_CERT_PATH', 'TEMPORAL_TLS_CLIENT_CERT_PATH'],
    ['TEMPORAL_TLS_KEY_PATH', 'TEMPORAL_TLS_CLIENT_KEY_PATH'],
  ])('old variable %s names its replacement', (name, replacement) => {
    const error = configError(() => resolveClientConfig({ env: { [name]: files.ca } }));
    expect(error.message).toContain(`${name}: no longer read; set ${replacement} instead`);
  });

  test('API key stays out of the message', () => {
    const error = configError(() => resolveClientConfig({ address: 'bad', apiKey: 'secret-key-value', env: {} }));
    expect(error.message).not.toContain('secret-key-value');
  });

  test('inline key stays out of the message', () => {
    const error = configError(() => resolveClientConfig({ env: { TEMPORAL_TLS_CLIENT_KEY_DATA: 'private-key-bytes', TEMPORAL_TLS_CLIENT_KEY_PATH: files.key } }));

    expect(error.message).toMatch(/TEMPORAL_TLS_CLIENT_KEY_PATH and TEMPORAL_TLS_CLIENT_KEY_DATA: set only one/);
    expect(error.message).not.toContain('private-key-bytes');
  });

  test('certificate without key is invalid', () => {
    const error = configError(() => resolveClientConfig({ env: { TEMPORAL_TLS_CLIENT_CERT_PATH: files.cert } }));
    expect(error.message).toMatch(/mTLS needs both the certificate and its key/);
  });

  test('missing TLS file names the variable and path', () => {
    const caPath = join(dir, 'missing-ca.pem');
    const error = configError(() => resolveClientConfig({ env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: caPath } }));
    expect(error.message).toContain(`TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read the file "${caPath}"`);
  });
});

describe('MigrationClient.connect settings', () => {
  test('missing CA file fails before connecting', async () => {
    const caPath = join(dir, 'missing-ca.pem');
    const attempt = MigrationClient.connect({ env: { TEMPORAL_TLS_SERVER_CA_CERT_PATH: caPath } });

    await expect(attempt).rejects.toThrow(InvalidClientConfigError);
    await expect(attempt).rejects.toThrow(`TEMPORAL_TLS_SERVER_CA_CERT_PATH: cannot read the file "${caPath}"`);
  });

  test('invalid settings fail before connecting', async () => {
    await expect(MigrationClient.connect({ address: 'not an address', env: {} })).rejects.toThrow(InvalidClientConfigError);
  });
});
