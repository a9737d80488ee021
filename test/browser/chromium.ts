/**
 * Debian's chromium driven by playwright-core, which downloads no browser of its own: CI installs
 * the `chromium` package (.ci/run), so the tests run the browser at /usr/bin/chromium.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

// Headless, and nothing that phones home: no sync, component updates or background requests.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Requests to hosts other than loopback, which were aborted before they left the machine. */
  blockedRequests: string[];
  /** Closes the browser and deletes its profile directory. Safe to call twice. */
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Viewport in CSS pixels. @default 1280 x 800 */
  viewport?: { width: number; height: number };
  /** Timeout of every Playwright action and wait. @default 15_000 ms */
  actionTimeoutMs?: number;
}

/**
 * Starts chromium with a fresh profile in a temporary directory. Every request that is not for a
 * loopback host is aborted and recorded, so a test cannot reach the network by accident.
 * @throws Error naming the package to install when /usr/bin/chromium cannot be started
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<BrowserSession> {
  const profileDir = await mkdtemp(join(tmpdir(), 'whm-migrate-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1280, height: 800 },
      timeout: 30_000,
    });
  } catch (error) {
    await rm(profileDir, { recursive: true, force: true });
    throw new Error(
      `Could not start ${CHROMIUM_PATH}: ${(error as Error).message}. Install it with ` +
        '`apt-get install -y --no-install-recommends chromium` (Debian package).',
      { cause: error },
    );
  }
  context.setDefaultTimeout(options.actionTimeoutMs ?? 15_000);

  const blockedRequests: string[] = [];
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.protocol === 'data:' || url.protocol === 'blob:' || LOOPBACK_HOSTS.has(url.hostname)) {
      await route.fallback();
      return;
    }
    blockedRequests.push(url.href);
    await route.abort('blockedbyclient');
  });

  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    blockedRequests,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        await rm(profileDir, { recursive: true, force: true });
      }
    },
  };
}
