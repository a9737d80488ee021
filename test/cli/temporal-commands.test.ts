import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationClient } from '../../src/client';
import { freePort } from '../../src/temporal/dev-server';
import { runCliCaptured, startCli, waitUntil } from './run-cli';

describe('whm-migrate temporal', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'whm-cli-temporal-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('install prints the CLI path', async () => {
    const { code, stdout } = await runCliCaptured(['temporal', 'install'], { env: process.env });
    const path = stdout.trim();

    expect(code).toBe(0);
    expect(path).toMatch(/temporal$/);
    await expect(access(path)).resolves.toBeUndefined();
  });

  test('dev-server serves until stopped', async () => {
    const port = await freePort();
    const db = join(dir, 'data', 'temporal.sqlite');
    const run = startCli(['temporal', 'dev-server', '--port', String(port), '--db', db, '--headless'], { env: process.env });
    const output = await waitUntil(run.stdout, (text) => text.includes('Press Ctrl+C'));

    const client = await MigrationClient.connect({ address: `127.0.0.1:${port}`, env: {} });
    const listed = await client.list();
    const paused = await client.list({ phase: 'paused' });
    await client.close();
    run.requestStop();

    expect(await run.exitCode).toBe(0);
    expect(output).toContain(`Temporal dev server listening on 127.0.0.1:${port}`);
    expect(output).toContain(`Workflows are kept in ${db}.`);
    expect(output).toContain(`export TEMPORAL_ADDRESS=127.0.0.1:${port}`);
    expect(output).not.toContain('Web UI');
    expect(listed).toEqual([]);
    expect(paused).toEqual([]);
    expect(run.stdout()).toContain('Temporal dev server stopped.');
    await expect(access(db)).resolves.toBeUndefined();
  });

  test('dev-server prints the Web UI address', async () => {
    const port = await freePort();
    const uiPort = await freePort();
    const run = startCli(['temporal', 'dev-server', '--port', String(port), '--ui-port', String(uiPort)], { env: process.env });
    const output = await waitUntil(run.stdout, (text) => text.includes('Press Ctrl+C'));
    run.requestStop();

    expect(await run.exitCode).toBe(0);
    expect(output).toContain(`Web UI: http://127.0.0.1:${uiPort}`);
    expect(output).toContain('Workflows are kept in memory');
  });

  test('dev-server on a taken port fails', async () => {
    const port = await freePort();
    const first = startCli(['temporal', 'dev-server', '--port', String(port), '--headless'], { env: process.env });
    await waitUntil(first.stdout, (text) => text.includes('Press Ctrl+C'));

    const second = await runCliCaptured(['temporal', 'dev-server', '--port', String(port), '--headless'], { env: process.env });
    first.requestStop();
    await first.exitCode;

    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
  });
});
