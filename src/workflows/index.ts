/** Workflow entry point for the worker's bundle: every workflow type the worker registers. */
export { migrationWorkflow } from './migration';
export { serverWorkflow } from './server';
