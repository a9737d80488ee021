import { resolveTemporalCli } from '../src/temporal/cli-binary';
import { startDevServer } from '../src/temporal/dev-server';
import { TEST_SEARCH_ATTRIBUTES } from './helpers/search-attributes';

/**
 * Provides the Temporal CLI (building it on first use) and starts one dev server that test files
 * share. Tests that restart a server start their own through the same launcher.
 */
export default async function globalSetup(): Promise<void> {
  const cliPath = await resolveTemporalCli({ progress: (line) => process.stderr.write(`[temporal-cli] ${line}\n`) });
  process.env.TEMPORAL_CLI = cliPath;
  const server = await startDevServer({ cliPath, searchAttributes: TEST_SEARCH_ATTRIBUTES });
  process.env.WHM_MIGRATE_TEST_TEMPORAL_ADDRESS = server.address;
  (globalThis as Record<string, unknown>).__whmMigrateDevServer = server;
}
