import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createControl, type SimulatorControl } from './control';
import { whmFunctions } from './functions';
import { resolveOptions, type SimulatorOptions } from './options';
import { createRequestHandler } from './request-handler';
import { createRuntime, type SimulatorRuntime } from './runtime';
import { createSelfSignedCertificate, fingerprintOf, type TlsMaterial } from './tls';

/** A running WHM simulator. */
export interface WhmSimulator {
  /** Base URL, for example 'https://127.0.0.1:41234'. */
  readonly url: string;
  readonly port: number;
  readonly hostname: string;
  /** PEM certificate, when TLS is on. */
  readonly certificatePem?: string;
  /** SHA-256 certificate fingerprint in 'AB:CD:…' form, when TLS is on. */
  readonly fingerprint256?: string;
  readonly control: SimulatorControl;
  /** Stops all timers, closes every connection and the listening socket. Safe to call twice. */
  close(): Promise<void>;
}

async function tlsMaterialFor(tls: boolean | { cert: string; key: string }, hostname: string): Promise<TlsMaterial | undefined> {
  if (tls === false) return undefined;
  if (tls === true) return createSelfSignedCertificate(hostname);
  return { ...tls, fingerprint256: fingerprintOf(tls.cert) };
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(new Error(`The WHM simulator failed to listen on ${host}:${port}: ${error.message}. `
        + 'Choose another port, or 0 for a free one.', { cause: error }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function shutdown(runtime: SimulatorRuntime, server: Server): Promise<void> {
  runtime.lifetime.abort();
  runtime.timers.close();
  runtime.sessions.shutdown();
  await closeServer(server);
  await runtime.peer.close();
  runtime.logger.info({ hostname: runtime.hostname }, 'WHM simulator stopped');
}

/**
 * Starts a WHM simulator on loopback: a real HTTP(S) server that serves the WHM API 1 transfer and
 * health functions as a cPanel & WHM 11.120 server does, in the role of a transfer destination or source.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<WhmSimulator> {
  const resolved = resolveOptions(options);
  const tls = await tlsMaterialFor(resolved.tls, resolved.hostname);
  const runtime = createRuntime(resolved);
  const control = createControl(runtime);
  const listener = createRequestHandler(runtime, whmFunctions(runtime), control);
  const server: Server = tls === undefined
    ? createHttpServer(listener)
    : createHttpsServer({ cert: tls.cert, key: tls.key }, listener);

  let address: AddressInfo;
  try {
    address = await listen(server, resolved.port, resolved.host);
  } catch (error) {
    runtime.timers.close();
    await runtime.peer.close();
    throw error;
  }

  const bareHost = resolved.host.replace(/^\[|\]$/g, '');
  const urlHost = bareHost.includes(':') ? `[${bareHost}]` : bareHost;
  const url = `${tls === undefined ? 'http' : 'https'}://${urlHost}:${address.port}`;
  runtime.logger.info({ url, hostname: resolved.hostname, tls: tls !== undefined }, 'WHM simulator listening');

  let closing: Promise<void> | undefined;
  const simulator: WhmSimulator = {
    url,
    port: address.port,
    hostname: resolved.hostname,
    control,
    close: () => {
      closing ??= shutdown(runtime, server);
      return closing;
    },
  };
  if (tls === undefined) return simulator;
  return { ...simulator, certificatePem: tls.cert, fingerprint256: tls.fingerprint256 };
}
