/**
 * The demo: a real migration on the embedded defaults. It starts the Temporal dev server (SQLite
 * file and Web UI), a simulated source and destination WHM server and a worker, migrates the WHM
 * guide's example account plus a few others, pauses mid-transfer with the `pause` signal, resumes,
 * and prints the report.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client, Connection, WorkflowIdConflictPolicy } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createLogger } from './log';
import {
  MIGRATION_WORKFLOW_TYPE,
  type MigrationReport,
  type MigrationStatus,
  type MigrationWorkflowInput,
  pauseSignal,
  resumeSignal,
  statusQuery,
} from './messages';
import { migrationWorkflowId, parsePlan } from './plan';
import { DEMO_SOURCE_ACCOUNTS, DEMO_SOURCE_PACKAGES, DEMO_SOURCE_ROOT_PASSWORD, startSimulatorPair } from './simulator';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from './search-attributes';
import { freePort, startDevServer } from './temporal/dev-server';
import { createMigrationWorker, installRuntimeLogger, workerConfigSchema } from './worker';

export interface DemoOptions {
  /** Stop everything after the report instead of keeping the Web UI up. @default true unless stdout is a terminal */
  exit?: boolean;
  /** Where the SQLite file and the demo plan go. @default '.data/demo' */
  dataDir?: string;
  /** Simulated transfer rate per worker thread, in MiB/s. @default 16 */
  rateMiBPerSecond?: number;
}

const MiB = 1024 * 1024;
const DEMO_TASK_QUEUE = 'whm-migrate-demo';

/** The account and package from cPanel's guide to pausing and restarting a transfer session. */
const GUIDE_ACCOUNT = { user: 'example', domain: 'example.com', bytesUsed: 123_456_789, plan: 'package1', password: 'example-demo-password' };

export async function runDemo(options: DemoOptions = {}): Promise<MigrationReport> {
  const out = (line = ''): void => {
    process.stdout.write(`${line}\n`);
  };
  const exitAfterReport = options.exit ?? !process.stdout.isTTY;
  const dataDir = resolve(options.dataDir ?? join('.data', 'demo'));
  await mkdir(dataDir, { recursive: true });
  const logLevel = workerConfigSchema.shape.WHM_MIGRATE_LOG_LEVEL.catch('error').parse(process.env.WHM_MIGRATE_LOG_LEVEL ?? 'error');
  const logger = createLogger('whm-migrate-demo', logLevel);
  // Only errors from the SDK and the simulators unless WHM_MIGRATE_LOG_LEVEL says otherwise, so the
  // demo's own lines stay readable.
  installRuntimeLogger(logger, logLevel);

  out('Starting the Temporal dev server (SQLite file and Web UI)...');
  const port = await preferredPort(7233);
  const server = await startDevServer({
    dbFilename: join(dataDir, 'temporal.sqlite'),
    port,
    ui: true,
    uiPort: await preferredPort(port + 1000),
    searchAttributes: SEARCH_ATTRIBUTE_CLI_TYPES,
  });
  const cleanups: Array<() => Promise<void>> = [() => server.stop()];
  const cleanup = async (): Promise<void> => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };

  try {
    out(`  Temporal frontend ${server.address}, Web UI ${server.uiUrl}`);
    const rate = (options.rateMiBPerSecond ?? 16) * MiB;
    const pair = await startSimulatorPair({
      source: {
        accounts: [GUIDE_ACCOUNT, ...DEMO_SOURCE_ACCOUNTS.filter((account) => account.user !== 'dave')],
        packages: [{ name: 'package1', featurelist: 'default' }, ...DEMO_SOURCE_PACKAGES],
        logger,
      },
      destination: { bytesPerSecond: rate, restoreBytesPerSecond: 2 * rate, createDelayMs: 1500, logger },
    });
    cleanups.push(() => pair.close());
    out(`Simulated WHM servers: source ${pair.source.hostname} at ${pair.source.url}, destination ${pair.destination.url}`);

    const credentials = { WHM_DEST_TOKEN: 'sim-token', WHM_SOURCE_ROOT_PASSWORD: DEMO_SOURCE_ROOT_PASSWORD };
    const planDocument = {
      version: 1,
      name: `demo-${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}`,
      destination: { host: '127.0.0.1', port: pair.destination.port, scheme: 'http', token: { env: 'WHM_DEST_TOKEN' } },
      source: { host: pair.source.hostname, password: { env: 'WHM_SOURCE_ROOT_PASSWORD' } },
      session: { transfer_threads: 2, restore_threads: 2 },
      items: {
        packages: ['package1', 'starter', 'business'],
        accounts: [{ user: 'example', domain: 'example.com', sizeBytes: 123_456_789 }, { user: 'alice' }, { user: 'bob' }, { user: 'carol' }],
      },
      monitor: { pollIntervalSeconds: 1 },
    };
    const planPath = join(dataDir, 'demo-plan.json');
    await writeFile(planPath, `${JSON.stringify(planDocument, null, 2)}\n`);
    const { plan } = parsePlan(planDocument, { baseDir: dataDir });
    out(`Plan written to ${planPath} (credentials are references to environment variables, never values).`);

    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const { worker, close } = await createMigrationWorker({
      connection: nativeConnection,
      taskQueue: DEMO_TASK_QUEUE,
      env: { ...process.env, ...credentials },
      logger,
    });
    const workerRun = worker.run();
    cleanups.push(async () => {
      worker.shutdown();
      await workerRun;
      await close();
      await nativeConnection.close();
    });

    const connection = await Connection.connect({ address: server.address });
    cleanups.push(() => connection.close());
    const client = new Client({ connection });
    const workflowId = migrationWorkflowId(plan);
    const handle = await client.workflow.start(MIGRATION_WORKFLOW_TYPE, {
      taskQueue: DEMO_TASK_QUEUE,
      workflowId,
      args: [{ plan } satisfies MigrationWorkflowInput],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    const workflowUrl = `${server.uiUrl}/namespaces/default/workflows/${encodeURIComponent(workflowId)}`;
    out(`Started migration ${workflowId}`);
    out(`  Web UI: ${workflowUrl}`);

    const status = (): Promise<MigrationStatus> => handle.query(statusQuery);
    const waitFor = async (what: string, check: (current: MigrationStatus) => boolean): Promise<MigrationStatus> => {
      for (let polls = 0; polls < 600; polls++) {
        const current = await status();
        if (check(current)) return current;
        await new Promise((done) => setTimeout(done, 250));
      }
      throw new Error(`The demo timed out waiting for ${what}`);
    };

    const inFlight = await waitFor('an account in flight', (current) =>
      current.items.some((item) => item.kind === 'account' && (item.status === 'transferring' || item.status === 'restoring')),
    );
    const busy = inFlight.items.filter((item) => item.status === 'transferring' || item.status === 'restoring').map((item) => item.name);
    out(`Transferring (WHM session ${inFlight.whm.sessionId}); in flight: ${busy.join(', ')}`);

    out('Sending the pause signal: {"reason": "demo: load 14.2 above 8", "source": "health-check"}');
    await handle.signal(pauseSignal, { reason: 'demo: load 14.2 above 8', source: 'health-check' });
    const pausing = await waitFor('WHM to start pausing', (current) => current.whm.state === 'PAUSING' || current.whm.state === 'PAUSED');
    out(`  WHM state ${pausing.whm.state}: WHM pauses between accounts, so the accounts in flight finish first.`);
    const paused = await waitFor('WHM to report PAUSED', (current) => current.phase === 'paused' || current.whm.state === 'COMPLETED');
    out(`  WHM state ${paused.whm.state}; ${paused.counts.succeeded} of ${paused.counts.total} items done. Holds: ${paused.holds.map((hold) => `${hold.source} (${hold.reason})`).join(', ')}`);

    await new Promise((done) => setTimeout(done, 3000));
    out('Sending the resume signal: {"source": "health-check", "reason": "load back to 2.0"}');
    await handle.signal(resumeSignal, { source: 'health-check', reason: 'load back to 2.0' });

    const report = (await handle.result()) as MigrationReport;
    out();
    out(formatReport(report));
    out();
    out(`Web UI: ${workflowUrl}`);
    out(`History and state are in ${join(dataDir, 'temporal.sqlite')}.`);

    if (!exitAfterReport) {
      out('The dev server and the Web UI stay up; press Ctrl-C to stop.');
      await new Promise<void>((done) => {
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
    }
    return report;
  } finally {
    await cleanup();
  }
}

async function preferredPort(port: number): Promise<number> {
  const probe = await freePort().catch(() => port);
  try {
    const { createServer } = await import('node:net');
    await new Promise<void>((done, fail) => {
      const listener = createServer();
      listener.once('error', fail);
      listener.listen(port, '127.0.0.1', () => listener.close(() => done()));
    });
    return port;
  } catch {
    return probe;
  }
}

/** Plain-text report: one line per item, then totals and pauses. */
export function formatReport(report: MigrationReport): string {
  const lines = [`Migration ${report.migration}: ${report.outcome} (WHM session ${report.sessionId ?? '-'}, final state ${report.finalState ?? '-'})`];
  for (const item of report.items) {
    const size = `${(item.sizeBytes / MiB).toFixed(1)} MiB`;
    const reason = item.reason ? ` - ${item.reason}` : '';
    const warnings = item.warnings > 0 ? ` (${item.warnings} warnings)` : '';
    lines.push(`  ${item.status.padEnd(10)} ${item.kind.padEnd(11)} ${item.name.padEnd(12)} ${size.padStart(10)}${warnings}${reason}`);
  }
  const { counts } = report;
  lines.push(`Totals: ${counts.succeeded} succeeded, ${counts.failed} failed, ${counts.skipped} skipped, ${counts.notRun} not run of ${counts.total}; ` +
    `${(report.bytes.done / MiB).toFixed(1)} of ${(report.bytes.total / MiB).toFixed(1)} MiB`);
  for (const pause of report.pauses) {
    lines.push(`Paused by ${pause.sources.join(', ')} (${pause.reasons.join('; ')}): requested ${pause.requestedAt}, ` +
      `WHM paused ${pause.pausedAt ?? 'never (no item was left)'}, resumed ${pause.resumedAt ?? '-'}`);
  }
  return lines.join('\n');
}
