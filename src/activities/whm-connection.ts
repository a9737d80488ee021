import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { WhmClient } from '../whm';
import type { MigrationPlan } from '../plan';
import { resolveCredential } from '../plan/credentials';

/** How to reach a destination WHM server: the plan's `destination`, with the token as a reference. */
export type WhmServerRef = MigrationPlan['destination'];

/**
 * Builds and caches WHM clients on the worker. The token is read from its reference on every call,
 * so a rotated token takes effect without a worker restart, and it never leaves this process.
 */
export class WhmConnections {
  private readonly clients = new Map<string, WhmClient>();

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly logger: Logger,
  ) {}

  async clientFor(server: WhmServerRef): Promise<WhmClient> {
    const token = await resolveCredential(server.token, this.env);
    // The cache key holds a digest of the token, never the token, so a rotated token gets a new client.
    const key = JSON.stringify([server.scheme, server.host, server.port, server.user, server.tls ?? null]) +
      createHash('sha256').update(token).digest('hex');
    let client = this.clients.get(key);
    if (!client) {
      client = new WhmClient({
        baseUrl: `${server.scheme}://${formatHost(server.host)}:${server.port}`,
        auth: { kind: 'token', user: server.user, token },
        tls: server.tls,
        logger: this.logger,
      });
      this.clients.set(key, client);
    }
    return client;
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((client) => client.close()));
  }
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
