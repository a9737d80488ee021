/** Address of the dev server that test/global-setup.ts started for all test files. */
export function sharedTemporalAddress(): string {
  const address = process.env.WHM_MIGRATE_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('WHM_MIGRATE_TEST_TEMPORAL_ADDRESS is not set: run the tests through jest with test/global-setup.ts');
  return address;
}

/** A workflow id that no other test run uses. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
