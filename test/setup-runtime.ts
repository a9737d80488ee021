import { DefaultLogger, Runtime } from '@temporalio/worker';

// Keep the SDK's own logs (worker lifecycle, workflow and activity `log`) to warnings and errors in
// test output. Runtime.install may run once per process; later test files in the same jest worker
// find it installed already.
try {
  Runtime.install({ logger: new DefaultLogger(process.env.WHM_MIGRATE_TEST_SDK_LOG_LEVEL === 'INFO' ? 'INFO' : 'WARN') });
} catch {
  // Already installed by an earlier test file in this process.
}
