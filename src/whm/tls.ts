/**
 * TLS policy of the WHM client and the undici connector that enforces it.
 *
 * WHM servers often present a self-signed certificate, so besides ordinary verification against
 * trusted CAs the client can pin the certificate's SHA-256 fingerprint, or, as an explicit last
 * resort, skip verification (logging a warning on every connection).
 *
 * The connector always lets Node complete the handshake with `rejectUnauthorized: false` and then
 * decides itself, from `socket.authorized` (chain and host name, checked by Node) and the peer
 * certificate's fingerprint. Deciding after the handshake lets the error report the fingerprint
 * the server presented, which is the value an operator needs to pin. No request byte is written
 * before the decision, and a rejected socket is destroyed.
 */
import { readFileSync } from 'node:fs';
import { TLSSocket } from 'node:tls';

import { buildConnector } from 'undici';
import type { Logger } from 'pino';

/** TLS options of the WHM client. */
export interface WhmTlsOptions {
  /** Path of a PEM file with the CA certificates to trust instead of Node's default CA store. */
  caFile?: string;
  /** PEM text of the CA certificates to trust instead of Node's default CA store. */
  ca?: string;
  /**
   * SHA-256 fingerprint of the server certificate to accept (`AB:CD:…` as Node and
   * `openssl x509 -fingerprint -sha256` print it; case and colons do not matter). Without `ca` or
   * `caFile` the chain is not checked, only the pin; with them both must pass.
   */
  fingerprint256?: string;
  /** Accept any certificate. Logs a warning on every connection. @default false */
  insecure?: boolean;
}

/** How the connector decides on a server certificate. */
export interface TlsPolicy {
  /** CA certificates (PEM) replacing Node's default store; undefined keeps the default store. */
  ca: string | undefined;
  /** Required fingerprint in `AB:CD:…` form. */
  pin: string | undefined;
  /** Whether the chain and host name must be valid (`socket.authorized`). */
  verifyChain: boolean;
  insecure: boolean;
}

/** Connector failure for a rejected certificate; the transport turns it into a `WhmTlsError`. */
export class TlsVerificationFailure extends Error {
  readonly code = 'WHM_TLS_VERIFICATION';

  constructor(
    message: string,
    readonly expectedFingerprint256: string | undefined,
    readonly actualFingerprint256: string | undefined,
  ) {
    super(message);
    this.name = 'TlsVerificationFailure';
  }
}

/**
 * Normalises a SHA-256 fingerprint to upper-case hex pairs joined by colons.
 * Throws a `TypeError` naming the expected form when the value is not 32 bytes of hex.
 */
export function normalizeFingerprint256(value: string): string {
  const hex = value.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) {
    throw new TypeError(
      `tls.fingerprint256 must be a SHA-256 fingerprint of 64 hex digits, optionally separated by colons (got ${value.length} characters)`,
    );
  }
  return hex.match(/../g)!.join(':');
}

/**
 * Builds the policy from the options, reading `caFile`. Throws a `TypeError` that names the
 * problem for contradictory options or an unreadable CA file.
 */
export function resolveTlsPolicy(options: WhmTlsOptions = {}): TlsPolicy {
  const insecure = options.insecure === true;
  if (insecure && (options.fingerprint256 !== undefined || options.ca !== undefined || options.caFile !== undefined)) {
    throw new TypeError('tls.insecure cannot be combined with tls.fingerprint256, tls.ca or tls.caFile: choose one way to trust the server');
  }
  if (options.ca !== undefined && options.caFile !== undefined) {
    throw new TypeError('tls.ca and tls.caFile are both set: pass the CA certificates one way');
  }

  let ca = options.ca;
  if (options.caFile !== undefined) {
    try {
      ca = readFileSync(options.caFile, 'utf8');
    } catch (error) {
      throw new TypeError(`tls.caFile “${options.caFile}” cannot be read: ${(error as Error).message}`, { cause: error });
    }
  }
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new TypeError('tls.ca/tls.caFile contains no PEM certificate (no “-----BEGIN CERTIFICATE-----” line)');
  }

  const pin = options.fingerprint256 === undefined ? undefined : normalizeFingerprint256(options.fingerprint256);
  return { ca, pin, insecure, verifyChain: !insecure && (pin === undefined || ca !== undefined) };
}

/** Settings of {@link createConnector} besides the policy. */
export interface ConnectorSettings {
  /** Budget for TCP connect plus TLS handshake, in milliseconds. */
  connectTimeoutMs: number;
  logger: Logger;
}

/** Returns an undici `connect` function that enforces the policy on every new TLS connection. */
export function createConnector(policy: TlsPolicy, settings: ConnectorSettings): buildConnector.connector {
  const connect = buildConnector({
    ca: policy.ca,
    rejectUnauthorized: false,
    // A resumed TLS session carries no peer certificate to check against the pin, so every
    // connection does a full handshake. WHM calls are few, so the cost is negligible.
    maxCachedSessions: 0,
    timeout: settings.connectTimeoutMs,
  });

  return (options, callback) => {
    connect(options, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      if (!(socket instanceof TLSSocket)) {
        callback(null, socket);
        return;
      }

      const failure = checkCertificate(socket, policy, `${options.hostname}:${options.port}`);
      if (failure !== undefined) {
        socket.destroy();
        callback(failure, null);
        return;
      }
      if (policy.insecure) {
        settings.logger.warn(
          { host: `${options.hostname}:${options.port}`, fingerprint256: socket.getPeerCertificate().fingerprint256 },
          'TLS certificate verification is disabled (tls.insecure): connected without checking who the server is',
        );
      }
      callback(null, socket);
    });
  };
}

function checkCertificate(socket: TLSSocket, policy: TlsPolicy, host: string): TlsVerificationFailure | undefined {
  if (policy.insecure) {
    return undefined;
  }

  const actual = socket.getPeerCertificate().fingerprint256 as string | undefined;
  if (policy.verifyChain && !socket.authorized) {
    const reason = String(socket.authorizationError ?? 'unknown verification error');
    const trust = policy.ca === undefined ? 'the default CA store' : 'the configured CA certificates';
    return new TlsVerificationFailure(
      `the TLS certificate of ${host} is not trusted (${reason}) by ${trust}; its SHA-256 fingerprint is ${actual ?? 'unavailable'}. ` +
        'Pin that fingerprint with tls.fingerprint256 after checking it on the server, or pass its CA with tls.caFile.',
      policy.pin,
      actual,
    );
  }
  if (policy.pin !== undefined && actual !== policy.pin) {
    return new TlsVerificationFailure(
      `the TLS certificate of ${host} does not match the pinned fingerprint: expected SHA-256 ${policy.pin}, got ${actual ?? 'no certificate'}. ` +
        'If the server certificate was renewed, check the new fingerprint on the server and update tls.fingerprint256.',
      policy.pin,
      actual,
    );
  }
  return undefined;
}
