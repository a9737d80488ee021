import { X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';

/** A certificate and private key in PEM form, with the certificate's SHA-256 fingerprint. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** 'AB:CD:…', as Node's `X509Certificate.fingerprint256`. */
  fingerprint256: string;
}

const VALIDITY_DAYS = 365;

/**
 * Generates a self-signed P-256 certificate valid for the hostname, `localhost`, 127.0.0.1 and ::1.
 * Clients trust it by pinning the fingerprint or by passing the PEM as their CA.
 */
export async function createSelfSignedCertificate(hostname: string): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + VALIDITY_DAYS * 24 * 3600 * 1000);
  const generated = await generate([{ name: 'commonName', value: hostname }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: hostname },
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: generated.cert, key: generated.private, fingerprint256: fingerprintOf(generated.cert) };
}

/** Returns the SHA-256 fingerprint of a PEM certificate in 'AB:CD:…' form. */
export function fingerprintOf(certificatePem: string): string {
  return new X509Certificate(certificatePem).fingerprint256;
}
