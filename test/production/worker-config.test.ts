/**
 * The worker's start-up validation: every problem in one message, the Temporal connection read with
 * the SDK's environment conventions (envconfig), no secret in any message.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWorkerConfig, WorkerConfigError } from '../../src/worker';

const API_KEY = 'secret-api-key-0123456789';

function configError(env: NodeJS.ProcessEnv): WorkerConfigError {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof WorkerConfigError) return error;
    throw error;
  }
  throw new Error('loadWorkerConfig accepted an invalid environment');
}

describe('loadWorkerConfig', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'whm-migrate-worker-config-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  test('defaults without variables', () => {
    const config = loadWorkerConfig({});
    expect(config.temporal.connectionOptions).toEqual({ address: '127.0.0.1:7233' });
    expect(config.temporal.namespace).toBe('default');
    expect(config.WHM_MIGRATE_METRICS_ADDRESS).toBeUndefined();
    expect(config.WHM_MIGRATE_HEALTH_ADDRESS).toBeUndefined();
    expect(config.WHM_MIGRATE_WORKFLOW_BUNDLE).toBeUndefined();
  });

  test('reads the Temporal Cloud variables', () => {
    const config = loadWorkerConfig({
      TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'my-ns.a1b2c',
      TEMPORAL_API_KEY: API_KEY,
    });
    expect(config.temporal.connectionOptions.address).toBe('my-ns.a1b2c.tmprl.cloud:7233');
    expect(config.temporal.namespace).toBe('my-ns.a1b2c');
    expect(config.temporal.connectionOptions.apiKey).toBe(API_KEY);
    // An API key turns TLS on with the system's trusted CAs.
    expect(config.temporal.connectionOptions.tls).toBe(true);
    expect(JSON.stringify(config.temporal.summary)).not.toContain(API_KEY);
  });

  test('reads mTLS files', async () => {
    const cert = join(directory, 'client.pem');
    const key = join(directory, 'client.key');
    await writeFile(cert, 'CERTIFICATE');
    await writeFile(key, 'KEY');
    const config = loadWorkerConfig({ TEMPORAL_TLS_CLIENT_CERT_PATH: cert, TEMPORAL_TLS_CLIENT_KEY_PATH: key, TEMPORAL_TLS_SERVER_NAME: 'temporal.internal' });
    const tls = config.temporal.connectionOptions.tls;
    expect(typeof tls).toBe('object');
    if (typeof tls !== 'object') return;
    expect(Buffer.from(tls.clientCertPair!.crt).toString()).toBe('CERTIFICATE');
    expect(Buffer.from(tls.clientCertPair!.key).toString()).toBe('KEY');
    expect(tls.serverNameOverride).toBe('temporal.internal');
    expect(config.temporal.summary.clientCertificate).toBe(true);
  });

  test('reads a profile of the TOML config file', async () => {
    const file = join(directory, 'temporal.toml');
    await writeFile(file, '[profile.staging]\naddress = "temporal.staging:7233"\nnamespace = "migrations"\n');
    const config = loadWorkerConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'staging' });
    expect(config.temporal.connectionOptions.address).toBe('temporal.staging:7233');
    expect(config.temporal.namespace).toBe('migrations');
  });

  test('variables override the config file', async () => {
    const file = join(directory, 'override.toml');
    await writeFile(file, '[profile.default]\naddress = "temporal.staging:7233"\n');
    const config = loadWorkerConfig({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_ADDRESS: '127.0.0.1:7999' });
    expect(config.temporal.connectionOptions.address).toBe('127.0.0.1:7999');
  });

  test('reads the operations addresses and bundle', async () => {
    const bundle = join(directory, 'bundle.js');
    await writeFile(bundle, '// bundle');
    const config = loadWorkerConfig({
      WHM_MIGRATE_METRICS_ADDRESS: '0.0.0.0:9464',
      WHM_MIGRATE_HEALTH_ADDRESS: '[::1]:9465',
      WHM_MIGRATE_WORKFLOW_BUNDLE: bundle,
    });
    expect(config.WHM_MIGRATE_METRICS_ADDRESS).toEqual({ host: '0.0.0.0', port: 9464, text: '0.0.0.0:9464' });
    expect(config.WHM_MIGRATE_HEALTH_ADDRESS).toEqual({ host: '::1', port: 9465, text: '[::1]:9465' });
    expect(config.WHM_MIGRATE_WORKFLOW_BUNDLE).toBe(bundle);
  });

  test('off turns metrics off', () => {
    expect(loadWorkerConfig({ WHM_MIGRATE_METRICS_ADDRESS: 'off' }).WHM_MIGRATE_METRICS_ADDRESS).toBeUndefined();
  });

  test('empty variables count as unset', () => {
    const config = loadWorkerConfig({ TEMPORAL_ADDRESS: '', WHM_MIGRATE_METRICS_ADDRESS: '', TEMPORAL_TLS: '' });
    expect(config.temporal.connectionOptions).toEqual({ address: '127.0.0.1:7233' });
  });

  test('lists every problem at once', () => {
    const error = configError({
      TEMPORAL_ADDRESS: 'no-port',
      TEMPORAL_TLS: 'yes',
      TEMPORAL_API_KEY: API_KEY,
      TEMPORAL_TLS_CLIENT_CERT_PATH: join(directory, 'missing.pem'),
      WHM_MIGRATE_METRICS_ADDRESS: '9464',
      WHM_MIGRATE_HEALTH_ADDRESS: '127.0.0.1:70000',
      WHM_MIGRATE_MAX_CONCURRENT_ACTIVITIES: '0',
      WHM_MIGRATE_WORKFLOW_BUNDLE: join(directory, 'missing.js'),
    });
    const lines = error.message.split('\n');
    expect(lines[0]).toBe('Invalid worker configuration in the environment:');
    expect(error.message).toContain('- TEMPORAL_ADDRESS: must be host:port');
    expect(error.message).toContain('- TEMPORAL_TLS: must be true or false');
    expect(error.message).toContain(`- TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read the file "${join(directory, 'missing.pem')}"`);
    expect(error.message).toContain('- TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_*: mTLS needs both');
    expect(error.message).toContain('- WHM_MIGRATE_METRICS_ADDRESS: must be host:port');
    expect(error.message).toContain('- WHM_MIGRATE_HEALTH_ADDRESS: must be host:port');
    expect(error.message).toContain('- WHM_MIGRATE_MAX_CONCURRENT_ACTIVITIES:');
    expect(error.message).toContain('- WHM_MIGRATE_WORKFLOW_BUNDLE: cannot read this file');
    expect(lines).toHaveLength(9);
    expect(error.message).not.toContain(API_KEY);
  });

  test('rejects host verification off', () => {
    expect(configError({ TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: 'true' }).message).toContain('TEMPORAL_TLS_DISABLE_HOST_VERIFICATION: the TypeScript SDK cannot');
  });

  test('rejects a missing profile', async () => {
    const file = join(directory, 'profiles.toml');
    await writeFile(file, '[profile.default]\naddress = "127.0.0.1:7233"\n');
    expect(configError({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' }).message).toContain("Temporal client config (profile prod): Profile 'prod' not found");
  });

  test('rejects a missing config file', () => {
    expect(configError({ TEMPORAL_CONFIG_FILE: join(directory, 'none.toml') }).message).toContain('TEMPORAL_CONFIG_FILE: cannot read the file');
  });

  test('rejects a path and inline data together', async () => {
    const ca = join(directory, 'ca.pem');
    await writeFile(ca, 'CA');
    expect(configError({ TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca, TEMPORAL_TLS_SERVER_CA_CERT_DATA: 'CA' }).message).toContain(
      'TEMPORAL_TLS_SERVER_CA_CERT_PATH and TEMPORAL_TLS_SERVER_CA_CERT_DATA: set only one of them',
    );
  });
});
