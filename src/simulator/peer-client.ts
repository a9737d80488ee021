import { Agent, request } from 'undici';

/** Cause of a failed call to a peer simulator. */
export type PeerFailureKind = 'connection' | 'authentication' | 'http' | 'format' | 'function';

/** A failed call to a peer simulator; the message never contains the login. */
export class PeerCallError extends Error {
  constructor(
    readonly kind: PeerFailureKind,
    message: string,
    options: { cause?: unknown; status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'PeerCallError';
    this.status = options.status;
  }

  /** HTTP status of the response, when there was one. */
  readonly status: number | undefined;
}

export interface PeerLogin {
  user: string;
  password: string;
}

const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

/**
 * HTTP client with which a destination simulator reads a source simulator, the way a real
 * destination logs in to the source over WHM ("whostmgr" transport) with Basic authentication.
 * Deliberately separate from the product's WHM client, so that a bug in one cannot hide in the other.
 */
export class PeerClient {
  // Peers are loopback simulators with self-signed certificates; the options schema rejects other hosts.
  // NOTE: certificates of https peers are not verified.
  private readonly agent = new Agent({
    connect: { rejectUnauthorized: false, timeout: 5_000 },
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
  });

  /** Calls a WHM API 1 function and returns its `data`; throws {@link PeerCallError}. */
  async callWhm(
    baseUrl: URL,
    functionName: string,
    params: Record<string, string>,
    login: PeerLogin,
    signal: AbortSignal,
  ): Promise<Record<string, unknown>> {
    const body = new URLSearchParams({ 'api.version': '1', ...params }).toString();
    const envelope = await this.send(new URL(`/json-api/${functionName}`, baseUrl), login, signal, body);
    const metadata = envelope.metadata as { result?: unknown; reason?: unknown } | undefined;
    if (metadata === undefined || typeof metadata !== 'object') {
      throw new PeerCallError('format', `The response of “${functionName}” has no “metadata”.`);
    }
    if (String(metadata.result) !== '1') {
      throw new PeerCallError('function', typeof metadata.reason === 'string' ? metadata.reason : 'Unknown error.');
    }
    return (envelope.data ?? {}) as Record<string, unknown>;
  }

  /** Calls a cPanel UAPI function as a cPanel account and returns `result.data`; throws {@link PeerCallError}. */
  async callUapi(
    baseUrl: URL,
    moduleName: string,
    functionName: string,
    login: PeerLogin,
    signal: AbortSignal,
  ): Promise<unknown> {
    const envelope = await this.send(new URL(`/execute/${moduleName}/${functionName}`, baseUrl), login, signal);
    const result = envelope.result as { status?: unknown; data?: unknown; errors?: unknown } | undefined;
    if (result === undefined || typeof result !== 'object') {
      throw new PeerCallError('format', `The response of “${moduleName}::${functionName}” has no “result”.`);
    }
    if (String(result.status) !== '1') {
      const errors = Array.isArray(result.errors) ? result.errors.join(' ') : 'Unknown error.';
      throw new PeerCallError('function', errors);
    }
    return result.data;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(url: URL, login: PeerLogin, signal: AbortSignal, formBody?: string): Promise<Record<string, unknown>> {
    const authorization = `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}`;
    let response;
    try {
      response = await request(url, {
        dispatcher: this.agent,
        method: formBody === undefined ? 'GET' : 'POST',
        headers: formBody === undefined
          ? { authorization }
          : { authorization, 'content-type': 'application/x-www-form-urlencoded' },
        body: formBody,
        signal,
      });
    } catch (error) {
      throw new PeerCallError('connection', error instanceof Error ? error.message : String(error), { cause: error });
    }

    const text = await readLimited(response.body, MAX_RESPONSE_BYTES);
    if (response.statusCode === 401 || response.statusCode === 403) {
      const status = response.statusCode;
      throw new PeerCallError('authentication', `HTTP ${status}: ${text.slice(0, 200)}`, { status });
    }
    if (response.statusCode < 200 || response.statusCode > 299) {
      const status = response.statusCode;
      throw new PeerCallError('http', `HTTP ${status} from ${url.pathname}`, { status });
    }
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new PeerCallError('format', `The response from ${url.pathname} is not JSON.`, { cause: error });
    }
  }
}

async function readLimited(body: AsyncIterable<Buffer>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw new PeerCallError('format', `The response exceeds ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
