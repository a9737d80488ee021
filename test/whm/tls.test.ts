import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { WhmClient, WhmConnectionError, WhmTlsError, type WhmTlsOptions } from '../../src/whm';
import {
  captureLogger,
  envelope,
  functionOf,
  selfSignedCertificate,
  startFakeWhm,
  type FakeHandler,
  type FakeWhm,
  type TestCertificate,
} from './support/fake-whm';

const TOKEN = 'TLSTESTTOKEN0123456789';

describe('WhmClient TLS', () => {
  let serverCertificate: TestCertificate;
  let otherCertificate: TestCertificate;
  let server: FakeWhm;
  let otherNameServer: FakeWhm;
  let directory: string;

  beforeAll(async () => {
    serverCertificate = await selfSignedCertificate('whm.test', ['localhost', 'whm.test'], ['127.0.0.1']);
    otherCertificate = await selfSignedCertificate('other.test', ['other.test'], []);
    // Every response closes its connection, so each call opens a new TLS connection.
    const handler: FakeHandler = (request, response) => {
      const text = JSON.stringify(envelope(functionOf(request), { version: '11.120.0.16' }));
      response.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      response.end(text);
    };
    server = await startFakeWhm(handler, serverCertificate);
    otherNameServer = await startFakeWhm(handler, otherCertificate);
    directory = mkdtempSync(join(tmpdir(), 'whm-tls-'));
  });

  afterAll(async () => {
    await server.close();
    await otherNameServer.close();
    rmSync(directory, { recursive: true, force: true });
  });

  beforeEach(() => {
    server.requests.length = 0;
    otherNameServer.requests.length = 0;
  });

  async function callVersion(target: FakeWhm, tls: WhmTlsOptions | undefined, logger = captureLogger().logger): Promise<string> {
    const client = new WhmClient({ baseUrl: target.url, auth: { kind: 'token', user: 'root', token: TOKEN }, tls, logger });
    try {
      return (await client.version()).version;
    } finally {
      await client.close();
    }
  }

  async function tlsRejection(target: FakeWhm, tls: WhmTlsOptions | undefined): Promise<WhmTlsError> {
    try {
      await callVersion(target, tls);
    } catch (error) {
      return error as WhmTlsError;
    }
    throw new Error('expected the TLS connection to be rejected');
  }

  test('pinned fingerprint accepted', async () => {
    await expect(callVersion(server, { fingerprint256: serverCertificate.fingerprint256 })).resolves.toBe('11.120.0.16');
  });

  test('pin without colons in lower case', async () => {
    const pin = serverCertificate.fingerprint256.replace(/:/g, '').toLowerCase();

    await expect(callVersion(server, { fingerprint256: pin })).resolves.toBe('11.120.0.16');
  });

  test('wrong pin rejected naming both fingerprints', async () => {
    const error = await tlsRejection(server, { fingerprint256: otherCertificate.fingerprint256 });

    expect(error).toBeInstanceOf(WhmTlsError);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`expected SHA-256 ${otherCertificate.fingerprint256}`);
    expect(error.message).toContain(`got ${serverCertificate.fingerprint256}`);
    expect(error.expectedFingerprint256).toBe(otherCertificate.fingerprint256);
    expect(error.actualFingerprint256).toBe(serverCertificate.fingerprint256);
    expect(server.requests).toHaveLength(0);
  });

  test('untrusted self-signed rejected by default', async () => {
    const error = await tlsRejection(server, undefined);

    expect(error).toBeInstanceOf(WhmTlsError);
    expect(error.message).toContain('is not trusted');
    expect(error.message).toContain(serverCertificate.fingerprint256);
    expect(error.actualFingerprint256).toBe(serverCertificate.fingerprint256);
    expect(server.requests).toHaveLength(0);
  });

  test('CA file accepted', async () => {
    const caFile = join(directory, 'whm-ca.pem');
    writeFileSync(caFile, serverCertificate.cert);

    await expect(callVersion(server, { caFile })).resolves.toBe('11.120.0.16');
  });

  test('CA PEM accepted', async () => {
    await expect(callVersion(server, { ca: serverCertificate.cert })).resolves.toBe('11.120.0.16');
  });

  test('CA of another server rejected', async () => {
    const error = await tlsRejection(server, { ca: otherCertificate.cert });

    expect(error).toBeInstanceOf(WhmTlsError);
    expect(error.message).toContain('configured CA certificates');
  });

  test('trusted certificate for other name rejected', async () => {
    const error = await tlsRejection(otherNameServer, { ca: otherCertificate.cert });

    expect(error).toBeInstanceOf(WhmTlsError);
    expect(error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(otherNameServer.requests).toHaveLength(0);
  });

  test('CA and matching pin accepted', async () => {
    const tls = { ca: serverCertificate.cert, fingerprint256: serverCertificate.fingerprint256 };

    await expect(callVersion(server, tls)).resolves.toBe('11.120.0.16');
  });

  test('CA and wrong pin rejected', async () => {
    const error = await tlsRejection(server, { ca: serverCertificate.cert, fingerprint256: otherCertificate.fingerprint256 });

    expect(error).toBeInstanceOf(WhmTlsError);
    expect(error.message).toContain('does not match the pinned fingerprint');
  });

  test('insecure warns on every connection', async () => {
    const logs = captureLogger();
    const client = new WhmClient({
      baseUrl: server.url,
      auth: { kind: 'token', user: 'root', token: TOKEN },
      tls: { insecure: true },
      logger: logs.logger,
    });
    const connectionsBefore = server.connections();

    try {
      await client.version();
      await client.version();
    } finally {
      await client.close();
    }

    const warnings = logs.lines.filter((line) => line.level === 40 && String(line.msg).includes('TLS certificate verification is disabled'));
    expect(server.connections() - connectionsBefore).toBe(2);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]?.fingerprint256).toBe(serverCertificate.fingerprint256);
    expect(logs.text()).not.toContain(TOKEN);
  });

  test('https to plain HTTP port is connection error', async () => {
    const plain = await startFakeWhm(() => undefined);
    try {
      const error = await tlsRejection({ ...plain, url: plain.url.replace('http:', 'https:') }, { insecure: true });

      expect(error).toBeInstanceOf(WhmConnectionError);
    } finally {
      await plain.close();
    }
  });
});
