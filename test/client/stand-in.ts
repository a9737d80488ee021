import { NativeConnection, Worker } from '@temporalio/worker';
import { parsePlan, type MigrationPlan } from '../../src/plan';
import { sharedTemporalAddress, uniqueId } from '../helpers/temporal';

/** A worker for the stand-in migration workflow on its own task queue of the shared dev server. */
export interface StandInWorker {
  address: string;
  taskQueue: string;
  stop(): Promise<void>;
}

/** Starts a worker that runs test/fixtures/stand-in-migration-workflow.ts. */
export async function startStandInWorker(): Promise<StandInWorker> {
  const address = sharedTemporalAddress();
  const taskQueue = uniqueId('stand-in');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('../fixtures/stand-in-migration-workflow'),
  });
  const running = worker.run();
  return {
    address,
    taskQueue,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** Returns a valid plan with a name no other test uses, so its workflow id is unique. */
export function uniquePlan(): MigrationPlan {
  return parsePlan({
    version: 1,
    name: uniqueId('plan'),
    destination: { host: 'dest.example.com', token: { env: 'WHM_DEST_TOKEN' } },
    source: { host: 'source.example.com', password: { env: 'SOURCE_ROOT_PASSWORD' } },
    items: { accounts: [{ user: 'alice', sizeBytes: 1024 }, { user: 'bob', sizeBytes: 2048 }] },
  }).plan;
}
