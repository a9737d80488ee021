import { readFile } from 'node:fs/promises';
import type { TLSConfig } from '@temporalio/client';
import type { MigrationClientConfig } from './config';
import { InvalidClientConfigError } from './errors';

/** Builds the SDK's TLS settings, reading the CA, certificate and key files the environment names. */
export async function loadTlsConfig(config: MigrationClientConfig): Promise<TLSConfig | boolean | undefined> {
  const files = config.tlsFiles;
  if (files === undefined) return config.tls;

  const tls: TLSConfig = {};
  if (files.caPath !== undefined) tls.serverRootCACertificate = await readTlsFile('TEMPORAL_TLS_CA_PATH', files.caPath);
  if (files.certPath !== undefined && files.keyPath !== undefined) {
    tls.clientCertPair = {
      crt: await readTlsFile('TEMPORAL_TLS_CERT_PATH', files.certPath),
      key: await readTlsFile('TEMPORAL_TLS_KEY_PATH', files.keyPath),
    };
  }
  return tls;
}

async function readTlsFile(variable: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new InvalidClientConfigError([`${variable}: cannot read "${path}" (${(error as Error).message})`]);
  }
}
