import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationClient, type MigrationStatusResult } from '../../src/client';
import type { MigrationReport } from '../../src/messages';
import { finishSignal, receivedSignalsQuery } from '../fixtures/stand-in-migration-workflow';
import { uniqueId } from '../helpers/temporal';
import { startStandInWorker, type StandInWorker } from '../client/stand-in';
import { runCliCaptured, startCli, waitUntil } from './run-cli';

let dir: string;
let worker: StandInWorker;
let client: MigrationClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'whm-cli-commands-'));
  worker = await startStandInWorker();
  client = await MigrationClient.connect({ address: worker.address, taskQueue: worker.taskQueue, env: {} });
});

afterAll(async () => {
  await client?.close();
  await worker?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Connection flags that point the CLI at the shared server and the stand-in's task queue. */
function connection(): string[] {
  return ['--address', worker.address, '--task-queue', worker.taskQueue];
}

/** Writes a valid plan with a unique name and returns its file and workflow id. */
async function writePlan(changes: { scheme?: string; host?: string } = {}): Promise<{ file: string; workflowId: string }> {
  const name = uniqueId('cli');
  const host = changes.host ?? 'dest.example.com';
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, [
    'version: 1',
    `name: ${name}`,
    'destination:',
    `  host: ${host}`,
    ...(changes.scheme ? [`  scheme: ${changes.scheme}`, '  port: 2086'] : []),
    '  token: { env: WHM_DEST_TOKEN }',
    'source:',
    '  host: source.example.com',
    '  password: { env: SOURCE_ROOT_PASSWORD }',
    'items:',
    '  accounts:',
    '    - { user: alice, sizeBytes: 1536 }',
    '    - { user: bob, localuser: bob2, sizeBytes: 2048 }',
    '',
  ].join('\n'));
  return { file, workflowId: `whm-migrate/${host}/${name}` };
}

async function startMigration(): Promise<string> {
  const { file, workflowId } = await writePlan();
  const { code } = await runCliCaptured([...connection(), 'start', file]);
  if (code !== 0) throw new Error(`whm-migrate start exited with ${code}`);
  return workflowId;
}

async function finish(workflowId: string, outcome: MigrationReport['outcome'] = 'succeeded'): Promise<void> {
  await client.temporal.workflow.getHandle(workflowId).signal(finishSignal, outcome);
  await client.waitForReport(workflowId);
}

describe('whm-migrate start', () => {
  test('prints the workflow id', async () => {
    const { file, workflowId } = await writePlan();
    const { code, stdout } = await runCliCaptured([...connection(), 'start', file]);
    await finish(workflowId);

    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Started migration ${workflowId} \\(run [0-9a-f-]+\\)\\.$`, 'm'));
    expect(stdout).toContain(`whm-migrate status '${workflowId}' --watch`);
  });

  test('second start reports the running migration', async () => {
    const { file, workflowId } = await writePlan();
    await runCliCaptured([...connection(), 'start', file]);
    const { code, stdout } = await runCliCaptured([...connection(), 'start', file]);
    await finish(workflowId);

    expect(code).toBe(0);
    expect(stdout).toContain(`Migration ${workflowId} is already running`);
    expect(stdout).toContain('it was not started again');
  });

  test('--json prints the result', async () => {
    const { file, workflowId } = await writePlan();
    const { code, stdout } = await runCliCaptured([...connection(), 'start', file, '--json']);
    await finish(workflowId);

    expect(code).toBe(0);
    expect(JSON.parse(stdout) as unknown).toEqual({ workflowId, runId: expect.any(String) as unknown, started: true, warnings: [] });
  });

  test('plan warnings go to stderr', async () => {
    const { file, workflowId } = await writePlan({ scheme: 'http' });
    const { code, stderr } = await runCliCaptured([...connection(), 'start', file]);
    await finish(workflowId);

    expect(code).toBe(0);
    expect(stderr).toMatch(/^warning: destination\.scheme is "http"/m);
  });

  test('--wait prints the report', async () => {
    const { file, workflowId } = await writePlan();
    const run = startCli([...connection(), 'start', file, '--wait']);
    await waitUntil(run.stdout, (text) => text.includes('Started migration'));
    await client.temporal.workflow.getHandle(workflowId).signal(finishSignal, 'succeeded');

    expect(await run.exitCode).toBe(0);
    expect(run.stdout()).toMatch(/^Outcome {5}succeeded$/m);
    expect(run.stderr()).toContain('Waiting for the migration to end');
  });

  test('--wait exits with 1 when the migration did not succeed', async () => {
    const { file, workflowId } = await writePlan();
    const run = startCli([...connection(), 'start', file, '--wait', '--json']);
    await waitUntil(run.stderr, (text) => text.includes('Waiting'));
    await client.temporal.workflow.getHandle(workflowId).signal(finishSignal, 'completed-with-failures');

    expect(await run.exitCode).toBe(1);
    expect((JSON.parse(run.stdout()) as { report: MigrationReport }).report.outcome).toBe('completed-with-failures');
  });
});

describe('whm-migrate pause, resume and abort', () => {
  test('deliver their payloads', async () => {
    const workflowId = await startMigration();
    const pause = await runCliCaptured([...connection(), 'pause', workflowId, '--reason', 'disk almost full', '--source', 'health-check']);
    const resume = await runCliCaptured([...connection(), 'resume', workflowId, '--source', 'health-check', '--all']);
    const abort = await runCliCaptured([...connection(), 'abort', workflowId, '--reason', 'wrong server']);
    await client.waitForReport(workflowId);

    expect(pause.code).toBe(0);
    expect(pause.stdout).toContain(`Sent pause to ${workflowId}`);
    expect(resume.code).toBe(0);
    expect(resume.stdout).toContain('releasing every hold');
    expect(abort.code).toBe(0);
    const received = await client.temporal.workflow.getHandle(workflowId).query(receivedSignalsQuery);
    expect(received).toEqual([
      { signal: 'pause', payload: { reason: 'disk almost full', source: 'health-check' } },
      { signal: 'resume', payload: { source: 'health-check', all: true } },
      { signal: 'abort', payload: { reason: 'wrong server' } },
    ]);
  });

  test('resume of a source without a hold exits with 2', async () => {
    const workflowId = await startMigration();
    await runCliCaptured([...connection(), 'pause', workflowId, '--source', 'health-check', '--reason', 'load 14.2']);
    const { code, stderr } = await runCliCaptured([...connection(), 'resume', workflowId]);
    const received = await client.temporal.workflow.getHandle(workflowId).query(receivedSignalsQuery);
    await finish(workflowId);

    expect(code).toBe(2);
    expect(stderr).toContain('has no hold from "operator", so nothing was released');
    expect(stderr).toContain('held by health-check (load 14.2)');
    expect(received.map((entry) => entry.signal)).toEqual(['pause']);
  });

  test('reason with a line break exits with 2', async () => {
    const workflowId = await startMigration();
    const { code, stderr } = await runCliCaptured([...connection(), 'pause', workflowId, '--reason', 'line one\nline two']);
    await finish(workflowId);

    expect(code).toBe(2);
    expect(stderr).toContain('must be one line');
  });

  test('invalid source exits with 2', async () => {
    const workflowId = await startMigration();
    const { code, stderr } = await runCliCaptured([...connection(), 'pause', workflowId, '--source', 'two words']);
    await finish(workflowId);

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: Invalid pause request: source: must be 1-64 letters/);
  });

  test('pause of an ended migration exits with 1', async () => {
    const workflowId = await startMigration();
    await finish(workflowId);
    const { code, stderr } = await runCliCaptured([...connection(), 'pause', workflowId]);

    expect(code).toBe(1);
    expect(stderr).toContain(`Migration "${workflowId}" has already ended (COMPLETED)`);
  });
});

describe('whm-migrate status', () => {
  test('readable view', async () => {
    const workflowId = await startMigration();
    await client.pause(workflowId, { source: 'maintenance', reason: 'backup window' });
    const { code, stdout } = await runCliCaptured([...connection(), 'status', workflowId]);
    await finish(workflowId);

    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Migration {3}${workflowId} \\(RUNNING, run `, 'm'));
    expect(stdout).toMatch(/^Phase {7}paused$/m);
    expect(stdout).toMatch(/^WHM {9}session standin20240101000000abcd, state PAUSED$/m);
    expect(stdout).toMatch(/^ {14}maintenance {2}since .* UTC {2}backup window$/m);
    expect(stdout).toMatch(/^Items {7}\[\.+\] {3}0% {2}0 of 2 finished/m);
    expect(stdout).toMatch(/^account {2}bob -> bob2 {2}queued\s+2 KiB$/m);
  });

  test('--json prints the status object', async () => {
    const workflowId = await startMigration();
    const { code, stdout } = await runCliCaptured([...connection(), 'status', workflowId, '--json']);
    await finish(workflowId);

    const result = JSON.parse(stdout) as MigrationStatusResult;
    expect(code).toBe(0);
    expect(result.executionStatus).toBe('RUNNING');
    expect(result.status?.phase).toBe('transferring');
    expect(result.status?.items.map((item) => item.name)).toEqual(['alice', 'bob']);
  });

  test('ended migration shows its report', async () => {
    const workflowId = await startMigration();
    await finish(workflowId, 'completed-with-failures');
    const { code, stdout } = await runCliCaptured([...connection(), 'status', workflowId]);

    expect(code).toBe(0);
    expect(stdout).toMatch(/\(COMPLETED, run /);
    expect(stdout).toMatch(/^Outcome {5}completed with failures$/m);
  });

  test('--watch ends with the migration', async () => {
    const workflowId = await startMigration();
    const run = startCli([...connection(), 'status', workflowId, '--watch', '--json']);
    await waitUntil(run.stdout, (text) => text.includes('RUNNING'));
    await finish(workflowId);

    expect(await run.exitCode).toBe(0);
    const reads = run.stdout().trimEnd().split('\n').map((line) => JSON.parse(line) as MigrationStatusResult);
    expect(reads[0]?.executionStatus).toBe('RUNNING');
    expect(reads.at(-1)?.executionStatus).toBe('COMPLETED');
    expect(reads.at(-1)?.report?.outcome).toBe('succeeded');
  });

  test('--watch stops on Ctrl-C', async () => {
    const workflowId = await startMigration();
    const run = startCli([...connection(), 'status', workflowId, '--watch']);
    await waitUntil(run.stdout, (text) => text.includes('Phase'));
    run.requestStop();
    const code = await run.exitCode;
    await finish(workflowId);

    expect(code).toBe(0);
    expect(run.stdout()).toMatch(/^Phase {7}transferring$/m);
  });

  test('--watch on a terminal redraws the screen', async () => {
    const workflowId = await startMigration();
    const run = startCli([...connection(), 'status', workflowId, '--watch'], { isTTY: true });
    await waitUntil(run.stdout, (text) => text.includes('Phase'));
    run.requestStop();
    await run.exitCode;
    await finish(workflowId);

    expect(run.stdout().startsWith('\u001b[H\u001b[2J')).toBe(true);
  });
});

describe('whm-migrate report', () => {
  test('aborted migration exits with 1', async () => {
    const workflowId = await startMigration();
    await client.abort(workflowId, { reason: 'test' });
    const { code, stdout } = await runCliCaptured([...connection(), 'report', workflowId]);

    expect(code).toBe(1);
    expect(stdout).toMatch(/^Outcome {5}aborted$/m);
    expect(stdout).toMatch(/^account {2}alice +queued +1\.5 KiB$/m);
  });

  test('--json of a succeeded migration exits with 0', async () => {
    const workflowId = await startMigration();
    await finish(workflowId);
    const { code, stdout } = await runCliCaptured([...connection(), 'report', workflowId, '--json']);

    expect(code).toBe(0);
    expect((JSON.parse(stdout) as MigrationReport).outcome).toBe('succeeded');
  });

  test('running migration is waited for', async () => {
    const workflowId = await startMigration();
    const run = startCli([...connection(), 'report', workflowId]);
    await waitUntil(run.stderr, (text) => text.includes('still running'));
    await client.temporal.workflow.getHandle(workflowId).signal(finishSignal, 'succeeded');

    expect(await run.exitCode).toBe(0);
    expect(run.stdout()).toMatch(/^Outcome {5}succeeded$/m);
  });
});

describe('whm-migrate list', () => {
  test('lists a running migration with its phase', async () => {
    const workflowId = await startMigration();
    const expected = new RegExp(`^${workflowId} +RUNNING +transferring +\\d{4}-\\d\\d-\\d\\d`, 'm');
    const output = await listUntil([], (text) => expected.test(text));
    await finish(workflowId);

    expect(output).toMatch(expected);
  });

  test('--phase keeps matching migrations', async () => {
    const paused = await startMigration();
    const transferring = await startMigration();
    await client.pause(paused, { reason: 'phase filter' });
    const output = await listUntil(['--phase', 'paused'], (text) => text.includes(paused));
    await finish(paused);
    await finish(transferring);

    expect(output).toContain(paused);
    expect(output).not.toContain(transferring);
  });

  test('--phase rejects an unknown phase', async () => {
    const { code, stderr } = await runCliCaptured([...connection(), 'list', '--phase', 'sleeping']);

    expect(code).toBe(2);
    expect(stderr).toContain("argument 'sleeping' is invalid");
  });

  test('--all --json includes ended migrations', async () => {
    const workflowId = await startMigration();
    await finish(workflowId);
    const output = await listUntil(['--all', '--json'], (text) => text.includes(workflowId));

    const entries = JSON.parse(output) as { workflowId: string; executionStatus: string; phase?: string }[];
    const entry = entries.find((candidate) => candidate.workflowId === workflowId);
    expect(entry?.executionStatus).toBe('COMPLETED');
  });
});

/** Runs `list` until its output satisfies `done` (visibility lags behind starts), at most 40 times. */
async function listUntil(flags: string[], done: (stdout: string) => boolean): Promise<string> {
  let stdout = '';
  for (let attempt = 0; attempt < 40; attempt += 1) {
    ({ stdout } = await runCliCaptured([...connection(), 'list', ...flags]));
    if (done(stdout)) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return stdout;
}
