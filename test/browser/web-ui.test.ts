/**
 * Steering a running migration from the Temporal Web UI in a real browser: find it with search
 * attribute queries, send pause and resume through the Send a Signal dialog, read the holds in the
 * current details and the status query, and send updates through the Send an Update dialog.
 *
 * The tests run in order against one migration, each picking up where the one before stopped.
 * Screenshots of every step go to test-artifacts/browser/.
 */
import type { WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { type ControlResult, type MigrationStatus } from '../../src/messages';
import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../src/search-attributes';
import { type DevServer, startDevServer } from '../../src/temporal/dev-server';
import { createMigrationTestEnv, eventually, queryStatus, result, testPlan, type MigrationTestEnv } from '../helpers/migration-env';
import { launchChromium, type BrowserSession } from './chromium';
import { TemporalWebUi } from './temporal-ui';

const MiB = 1024 * 1024;

// bob (210 MiB) takes 21 s at 10 MiB/s, long enough to steer the migration before it finishes, and
// WHM stays PAUSING until bob's step ends. New rates apply to later steps only, so raising them
// after the pause makes the rest quick.
const SLOW_RATES = { bytesPerSecond: 10 * MiB, restoreBytesPerSecond: 20 * MiB };
const FAST_RATES = { bytesPerSecond: 400 * MiB, restoreBytesPerSecond: 800 * MiB };

const PAUSE_REASON = 'browser test: load 14.2';
const RESUME_REASON = 'browser test: load back to 3.1';
const UPDATE_SOURCE = 'browser-update';

jest.setTimeout(45_000);

describe('Temporal Web UI', () => {
  let server: DevServer | undefined;
  let env: MigrationTestEnv | undefined;
  let browser: BrowserSession | undefined;
  let ui: TemporalWebUi;
  let handle: WorkflowHandleWithFirstExecutionRunId;
  let sessionId: string;

  beforeAll(async () => {
    await TemporalWebUi.resetScreenshots();
    server = await startDevServer({ ui: true, searchAttributes: SEARCH_ATTRIBUTE_CLI_TYPES });
    env = await createMigrationTestEnv({ address: server.address, destination: { ...SLOW_RATES, minItemStepMs: 50 } });
    await env.startWorker();
    browser = await launchChromium();
    ui = new TemporalWebUi(browser.page, server.uiUrl!);

    handle = await env.start(testPlan(env.pair, { items: { packages: ['starter'], accounts: [{ user: 'bob' }, { user: 'alice' }, { user: 'carol' }] } }));
    const running = await eventually('the transfer to run', async () => {
      const status = await queryStatus(handle);
      return status.phase === 'transferring' && status.whm.sessionId ? status : undefined;
    });
    sessionId = running.whm.sessionId!;
  }, 120_000);

  afterAll(async () => {
    // Each step runs even when one before it fails, so nothing outlives the test file.
    try {
      await browser?.close();
    } finally {
      try {
        await env?.close();
      } finally {
        await server?.stop();
      }
    }
  }, 60_000);

  /** Declares a test that saves a screenshot of the page when it fails. */
  function step(name: string, body: () => Promise<void>, timeoutMs?: number): void {
    test(
      name,
      async () => {
        try {
          await body();
        } catch (error) {
          await ui?.screenshot(`failed-${name.replace(/\W+/g, '-')}`).catch(() => undefined);
          throw error;
        }
      },
      timeoutMs,
    );
  }

  function whmState(): string | undefined {
    return env!.pair.destination.control.sessions().sessions.find((session) => session.id === sessionId)?.state;
  }

  async function status(): Promise<MigrationStatus> {
    return queryStatus(handle);
  }

  step('list query finds the running migration', async () => {
    const link = await ui.findWorkflow("WhmMigrateServers = '127.0.0.1' AND ExecutionStatus = 'Running'", handle.workflowId);
    await ui.screenshot('list-running');

    expect(await link.isVisible()).toBe(true);
    expect(await ui.workflowCount()).toBe(1);
  });

  step('paused query finds nothing yet', async () => {
    await ui.searchWorkflows('WhmMigratePaused = true');

    expect(await ui.workflowCount()).toBe(0);
    expect(await ui.workflowLink(handle.workflowId).count()).toBe(0);
  });

  step('signal dialog lists the signals', async () => {
    await ui.openWorkflow(await ui.findWorkflow(`WorkflowId = '${handle.workflowId}'`, handle.workflowId), handle.workflowId);
    await ui.screenshot('workflow-page');
    const dialog = await ui.openAction('Send a Signal');
    const options = await ui.openNameSelect(dialog);
    await ui.screenshot('signal-names');
    const texts = await options.allInnerTexts();
    await ui.closeDialog(dialog);

    expect(texts.map((text) => text.split('\n')[0])).toEqual(['pause', 'resume', 'abort', 'Custom']);
    expect(texts[0]).toContain('Hold the migration');
    expect(texts[1]).toContain('{"all": true} releases every hold');
  });

  step('malformed signal is rejected harmlessly', async () => {
    await ui.sendSignal('pause', '"please pause"', 'signal-malformed');

    const rejected = await eventually('the rejection to be recorded', async () => {
      const current = await status();
      return current.rejectedRequests.length > 0 ? current : undefined;
    });
    expect(rejected.rejectedRequests).toHaveLength(1);
    expect(rejected.rejectedRequests[0]!.signal).toBe('pause');
    expect(rejected.rejectedRequests[0]!.error).toContain('expected object');
    expect(rejected.rejectedRequests[0]!.error).toContain('"please pause"');
    expect(rejected.paused).toBe(false);
    expect(rejected.holds).toEqual([]);
    expect(rejected.phase).toBe('transferring');
    expect(whmState()).toBe('RUNNING');
  });

  step('pause signal pauses the WHM session', async () => {
    await ui.sendSignal('pause', JSON.stringify({ reason: PAUSE_REASON, source: 'operator' }), 'signal-pause');

    await eventually('WHM to report PAUSING or PAUSED', () => ['PAUSING', 'PAUSED'].includes(whmState() ?? '') || undefined, 10_000);
    env!.pair.destination.control.setRates(FAST_RATES);
    await eventually('WHM to report PAUSED', () => whmState() === 'PAUSED' || undefined, 30_000);
    const paused = await eventually('the workflow to see PAUSED', async () => {
      const current = await status();
      return current.phase === 'paused' ? current : undefined;
    });
    expect(paused.paused).toBe(true);
    expect(paused.whm.state).toBe('PAUSED');
    expect(paused.holds).toEqual([expect.objectContaining({ source: 'operator', reason: PAUSE_REASON })]);
  }, 45_000);

  step('workflow page shows the hold', async () => {
    const details = await eventually('the current details to show the paused phase', async () => {
      await ui.refreshWorkflow(handle.workflowId);
      const text = await ui.currentDetails();
      return text.includes('phase paused') ? text : undefined;
    }, 15_000);
    await ui.screenshot('current-details-paused');

    expect(details).toContain('state PAUSED');
    expect(details).toContain('Active holds:');
    expect(details).toContain(`operator: ${PAUSE_REASON}`);
  });

  step('status query in the UI shows the hold', async () => {
    const { result: shownStatus, paneText } = await ui.runQuery('status');
    await ui.screenshot('status-query-paused');
    const current = shownStatus as MigrationStatus;

    expect(current.phase).toBe('paused');
    expect(current.whm.state).toBe('PAUSED');
    expect(current.holds).toEqual([expect.objectContaining({ source: 'operator', reason: PAUSE_REASON })]);
    expect(paneText).toContain('"phase": "paused"');
    expect(paneText).toContain(`"reason": "${PAUSE_REASON}"`);
  });

  step('paused query finds the migration', async () => {
    const link = await ui.findWorkflow("WhmMigratePaused = true AND WhmMigrateHoldSources = 'operator'", handle.workflowId);
    await ui.screenshot('list-paused');

    expect(await link.isVisible()).toBe(true);
    expect(await ui.workflowCount()).toBe(1);
  });

  step('update dialog shows a rejected update', async () => {
    await ui.openWorkflow(ui.workflowLink(handle.workflowId), handle.workflowId);
    const outcome = await ui.sendUpdate('pauseMigration', '{"reason": 5}');
    await ui.screenshot('update-rejected');
    await ui.closeDialog(ui.page.getByRole('dialog', { name: 'Send an Update' }));

    expect(outcome.result).toBeUndefined();
    expect(outcome.failure).toContain('reason');
    expect(outcome.failure).toContain('expected string, received number');
    // A validator rejects the update before it is written to history: no hold, no recorded rejection.
    const current = await status();
    expect(current.holds.map((hold) => hold.source)).toEqual(['operator']);
    expect(current.rejectedRequests).toHaveLength(1);
  });

  step('update dialog adds and releases a hold', async () => {
    const paused = await ui.sendUpdate('pauseMigration', JSON.stringify({ reason: 'browser test: second hold', source: UPDATE_SOURCE }));
    const pausedResult = paused.result as ControlResult;
    await ui.screenshot('update-pause-done');

    expect(paused.httpStatus).toBe(200);
    expect(paused.toast).toBe('Update successful');
    expect(pausedResult.whmState).toBe('PAUSED');
    expect(pausedResult.paused).toBe(true);
    expect(pausedResult.holds.map((hold) => hold.source)).toEqual(['operator', UPDATE_SOURCE]);

    const released = await ui.sendUpdate('resumeMigration', JSON.stringify({ source: UPDATE_SOURCE, reason: 'browser test: done' }));
    const releasedResult = released.result as ControlResult;

    expect(released.toast).toBe('Update successful');
    // The operator's hold remains, so the update returns at once and the session stays PAUSED.
    expect(releasedResult.paused).toBe(true);
    expect(releasedResult.holds.map((hold) => hold.source)).toEqual(['operator']);
    expect(whmState()).toBe('PAUSED');
  });

  step('resume signal completes the migration', async () => {
    await ui.sendSignal('resume', JSON.stringify({ reason: RESUME_REASON, source: 'operator' }), 'signal-resume');
    const report = await result(handle);

    expect(report.outcome).toBe('succeeded');
    expect(report.counts.succeeded).toBe(4);
    expect(report.pauses).toHaveLength(1);
    expect(report.pauses[0]!.sources).toEqual(['operator', UPDATE_SOURCE]);
    expect(report.pauses[0]!.pausedAt).toBeDefined();
    expect(report.pauses[0]!.resumedAt).toBeDefined();
    expect(whmState()).toBe('COMPLETED');

    await ui.refreshWorkflow(handle.workflowId);
    await ui.page.getByText('Completed', { exact: true }).first().waitFor();
    await ui.screenshot('workflow-completed');
  });

  test('no request left loopback', () => {
    expect(browser!.blockedRequests).toEqual([]);
  });
});
