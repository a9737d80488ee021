import { mkdtemp, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import {
  parseTemporalVersion,
  resolveTemporalCli,
  TemporalCliUnavailableError,
  versionFits,
} from '../../src/temporal/cli-binary';
import { DevServerStartError, startDevServer, type DevServer } from '../../src/temporal/dev-server';
import { uniqueId } from '../helpers/temporal';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runEcho(address: string, taskQueue: string, text: string): Promise<string> {
  const nativeConnection = await NativeConnection.connect({ address });
  const connection = await Connection.connect({ address });
  try {
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: require.resolve('../fixtures/echo-workflow'),
      activities: { shout: (value: string) => Promise.resolve(value.toUpperCase()) },
    });
    const client = new Client({ connection });
    return await worker.runUntil(
      client.workflow.execute<(value: string) => Promise<string>>('echo', { taskQueue, workflowId: uniqueId('echo'), args: [text] }),
    );
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

describe('temporal CLI version', () => {
  test('parses release output', () => {
    expect(parseTemporalVersion('temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)\n')).toEqual({
      cli: '1.5.1',
      server: '1.29.1',
      ui: '2.42.1',
    });
  });

  test('accepts a source build with matching server and UI', () => {
    expect(versionFits({ cli: '0.0.0-DEV', server: '1.29.1', ui: '2.42.1' })).toBe(true);
  });

  test('rejects another release', () => {
    expect(versionFits({ cli: '1.4.1', server: '1.29.0', ui: '2.41.0' })).toBe(false);
  });

  test('rejects a source build of another server', () => {
    expect(versionFits({ cli: '0.0.0-DEV', server: '1.30.0', ui: '2.42.1' })).toBe(false);
  });

  test('TEMPORAL_CLI naming a wrong binary is an error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'whm-fake-cli-'));
    const fake = join(dir, 'temporal');
    await writeFile(fake, '#!/bin/sh\necho "temporal version 1.3.0 (Server 1.27.0, UI 2.36.0)"\n');
    await chmod(fake, 0o755);
    try {
      const attempt = resolveTemporalCli({ env: { ...process.env, TEMPORAL_CLI: fake }, install: false });
      await expect(attempt).rejects.toThrow(TemporalCliUnavailableError);
      await expect(attempt).rejects.toThrow(/TEMPORAL_CLI=.*1\.3\.0/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('dev server launcher', () => {
  let dataDir: string;
  let server: DevServer | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'whm-devserver-'));
  });

  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('runs a workflow, stops, and keeps it across a restart', async () => {
    const dbFilename = join(dataDir, 'nested', 'temporal.sqlite');
    server = await startDevServer({ dbFilename, ui: true });
    const firstPid = server.pid;

    const uiResponse = await fetch(server.uiUrl!);
    expect(uiResponse.status).toBe(200);

    const taskQueue = uniqueId('echo-queue');
    expect(await runEcho(server.address, taskQueue, 'hello')).toBe('HELLO');

    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const before = [];
    for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) before.push(execution.workflowId);
    await connection.close();
    expect(before).toHaveLength(1);

    const port = server.port;
    await server.stop();
    expect(isAlive(firstPid)).toBe(false);

    server = await startDevServer({ dbFilename, port });
    const reconnection = await Connection.connect({ address: server.address });
    const description = await new Client({ connection: reconnection }).workflow.getHandle(before[0]!).describe();
    await reconnection.close();
    expect(description.status.name).toBe('COMPLETED');

    const secondPid = server.pid;
    await server.stop();
    server = undefined;
    expect(isAlive(secondPid)).toBe(false);
  });

  test('reports a port already in use', async () => {
    const blocker = await startDevServer();
    try {
      const attempt = startDevServer({ port: blocker.port, startTimeoutMs: 20_000 });
      await expect(attempt).rejects.toThrow(DevServerStartError);
    } finally {
      await blocker.stop();
    }
  });
});
