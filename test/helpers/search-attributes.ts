import { SEARCH_ATTRIBUTE_CLI_TYPES } from '../../src/search-attributes';
import type { SearchAttributeTypeName } from '../../src/temporal/dev-server';

/** Search attributes the shared test server registers: those the migration workflow upserts. */
export const TEST_SEARCH_ATTRIBUTES: Record<string, SearchAttributeTypeName> = SEARCH_ATTRIBUTE_CLI_TYPES;
