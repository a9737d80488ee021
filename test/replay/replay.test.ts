/**
 * Replays recorded migration histories against the current workflow code. A change that makes the
 * workflow issue other commands for an existing history fails here: another activity order, a new
 * timer, one search attribute upsert more or less. Deployed, such a change stalls every running
 * migration whose history already passed the changed step (its workflow tasks fail on replay), so
 * guard it with `patched()` from @temporalio/workflow.
 *
 * Re-record only once no migration started by older workflow code can still be running, because
 * the new fixtures replace the old ones. The recording runs every scenario in
 * test/replay/scenarios.ts against the simulator on the shared dev server:
 *
 *   WHM_MIGRATE_RECORD_HISTORIES=1 npx jest test/replay/record-histories
 */
import { readdir } from 'node:fs/promises';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { TEST_CREDENTIALS_ENV, workflowBundle } from '../helpers/migration-env';
import { assertSingleProtobufjs, HISTORIES_DIRECTORY, readHistoryFixture, searchableText, withActivityRenamed } from './fixtures';
import { SCENARIO_NAMES } from './scenarios';

describe('history fixtures', () => {
  test('fixtures cover every scenario', async () => {
    const files = (await readdir(HISTORIES_DIRECTORY)).filter((file) => file.endsWith('.json')).sort();
    expect(files).toEqual(SCENARIO_NAMES.map((name) => `${name}.json`).sort());
  });

  test.each(SCENARIO_NAMES)('%s holds no secrets', async (name) => {
    const text = searchableText(await readHistoryFixture(name));
    // The plan names its credentials by environment variable; finding the names shows payloads were decoded.
    expect(text).toContain('"env":"TEST_DEST_TOKEN"');
    expect(text).toContain('"env":"TEST_SOURCE_PASSWORD"');
    expect(text).not.toContain(TEST_CREDENTIALS_ENV.TEST_DEST_TOKEN);
    expect(text).not.toContain(TEST_CREDENTIALS_ENV.TEST_SOURCE_PASSWORD);
  });
});

describe('replay', () => {
  let bundle: { code: string };

  beforeAll(async () => {
    assertSingleProtobufjs();
    bundle = await workflowBundle();
  }, 60_000);

  test.each(SCENARIO_NAMES)('%s replays', async (name) => {
    const history = await readHistoryFixture(name);
    // A complete history makes the replay cover the migration to its report.
    expect(history.events.at(-1)?.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED');

    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, name)).resolves.toBeUndefined();
  });

  test('changed activity fails replay', async () => {
    const history = withActivityRenamed(await readHistoryFixture('happy-path'), 'createTransferSession', 'analyzeAccounts');

    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history, 'happy-path-changed')).rejects.toThrow(DeterminismViolationError);
  });
});
