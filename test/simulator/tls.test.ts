import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { Agent } from 'undici';
import { startSimulator, type WhmSimulator } from '../../src/simulator';
import { createSelfSignedCertificate } from '../../src/simulator/tls';
import { callWhm, rawCall } from './helpers';

let simulator: WhmSimulator;

beforeAll(async () => {
  simulator = await startSimulator({ tls: true, hostname: 'secure.sim.test' });
});

afterAll(async () => {
  await simulator.close();
});

/** Reads the fingerprint of the certificate the server presents, without verifying it. */
function presentedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.once('error', reject);
  });
}

describe('simulator TLS', () => {
  test('URL is https', () => {
    expect(simulator.url).toBe(`https://127.0.0.1:${simulator.port}`);
  });

  test('fingerprint matches the PEM', () => {
    const certificate = new X509Certificate(simulator.certificatePem ?? '');

    expect(simulator.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(certificate.fingerprint256).toBe(simulator.fingerprint256);
  });

  test('certificate names loopback and hostname', () => {
    const certificate = new X509Certificate(simulator.certificatePem ?? '');

    expect(certificate.subjectAltName).toContain('DNS:secure.sim.test');
    expect(certificate.subjectAltName).toContain('DNS:localhost');
    expect(certificate.subjectAltName).toContain('IP Address:127.0.0.1');
  });

  test('server presents that certificate', async () => {
    expect(await presentedFingerprint(simulator.port)).toBe(simulator.fingerprint256);
  });

  test('PEM as CA verifies the server', async () => {
    const dispatcher = new Agent({ connect: { ca: simulator.certificatePem } });

    try {
      const envelope = await callWhm(simulator.url, 'version', {}, { dispatcher });

      expect(envelope.metadata.result).toBe(1);
    } finally {
      await dispatcher.close();
    }
  });

  test('default trust rejects the server', async () => {
    const dispatcher = new Agent();

    try {
      await expect(rawCall(simulator.url, 'version', {}, { dispatcher })).rejects.toThrow(/self[- ]signed/i);
    } finally {
      await dispatcher.close();
    }
  });

  test('given certificate is used', async () => {
    const material = await createSelfSignedCertificate('other.sim.test');
    const reused = await startSimulator({ tls: { cert: material.cert, key: material.key } });

    try {
      expect(reused.fingerprint256).toBe(material.fingerprint256);
      expect(await presentedFingerprint(reused.port)).toBe(material.fingerprint256);
    } finally {
      await reused.close();
    }
  });

  test('plain simulator has no certificate', async () => {
    const plain = await startSimulator();

    try {
      expect(plain.url).toMatch(/^http:\/\//);
      expect(plain.fingerprint256).toBeUndefined();
      expect(plain.certificatePem).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
