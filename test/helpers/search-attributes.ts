import type { SearchAttributeTypeName } from '../../src/temporal/dev-server';

/** Search attributes the shared test server registers. */
export const TEST_SEARCH_ATTRIBUTES: Record<string, SearchAttributeTypeName> = {};
