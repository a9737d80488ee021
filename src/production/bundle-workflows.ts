/**
 * Bundles the workflow code ahead of time: `node dist/production/bundle-workflows.js FILE`. A worker
 * started with `WHM_MIGRATE_WORKFLOW_BUNDLE=FILE` loads it instead of running webpack at every start,
 * and every replica of one image runs byte-identical workflow code. The bundle only fits the
 * `@temporalio/worker` version that made it, so build it in the same image as the worker.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { silentLogger } from '../log';

/** Bundles `src/workflows` (or its compiled `dist/workflows`) into `outputPath` and returns the bundle's size in bytes. */
export async function writeWorkflowBundle(outputPath: string): Promise<number> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: silentLogger as never,
  });
  await mkdir(dirname(resolve(outputPath)), { recursive: true });
  await writeFile(outputPath, code);
  return Buffer.byteLength(code);
}

if (require.main === module) {
  const output = process.argv[2];
  if (output === undefined) {
    process.stderr.write('Usage: node dist/production/bundle-workflows.js OUTPUT_FILE\n');
    process.exit(2);
  }
  writeWorkflowBundle(output)
    .then((bytes) => process.stdout.write(`Wrote the workflow bundle to ${output} (${Math.round(bytes / 1024)} KiB).\n`))
    .catch((error: unknown) => {
      process.stderr.write(`Bundling the workflow code failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    });
}
