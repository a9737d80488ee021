/**
 * Records the replay fixtures: runs every scenario against the simulator on the shared dev server
 * and writes its history to test/fixtures/histories/<scenario>.json. Skipped unless
 * WHM_MIGRATE_RECORD_HISTORIES=1, because it overwrites files under version control:
 *
 *   WHM_MIGRATE_RECORD_HISTORIES=1 npx jest test/replay/record-histories
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { createMigrationTestEnv, type MigrationTestEnv } from '../helpers/migration-env';
import { assertSingleProtobufjs, HISTORIES_DIRECTORY } from './fixtures';
import { SCENARIO_DESTINATION, SCENARIO_NAMES, SCENARIOS } from './scenarios';

const recording = process.env.WHM_MIGRATE_RECORD_HISTORIES === '1';

(recording ? describe : describe.skip)('record histories', () => {
  let env: MigrationTestEnv | undefined;

  beforeAll(() => {
    assertSingleProtobufjs();
  });

  // A fresh simulator pair per scenario, as in the workflow tests: a migrated account exists on the
  // destination afterwards and would conflict with the next scenario.
  beforeEach(async () => {
    env = await createMigrationTestEnv({ destination: SCENARIO_DESTINATION });
    await env.startWorker();
  });

  afterEach(async () => {
    await env?.close();
  });

  test.each(SCENARIO_NAMES)('%s', async (name) => {
    const handle = await SCENARIOS[name](env!);
    const history = await handle.fetchHistory();

    // Indented, so a re-recording shows up in review as a readable diff.
    const text = JSON.stringify(JSON.parse(historyToJSON(history)), null, 2);
    await mkdir(HISTORIES_DIRECTORY, { recursive: true });
    await writeFile(join(HISTORIES_DIRECTORY, `${name}.json`), `${text}\n`);
  });
});
