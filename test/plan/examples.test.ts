import path from 'node:path';

import { loadPlanFile, planSummary } from '../../src/plan';

const EXAMPLES = path.resolve(__dirname, '../../examples');

describe('example plans', () => {
  test('JSON example valid', async () => {
    const { plan, warnings } = await loadPlanFile(path.join(EXAMPLES, 'plan.example.json'));

    expect(warnings).toEqual([]);
    expect(plan.items.accounts[0]).toMatchObject({ user: 'example', domain: 'example.com', sizeBytes: 123456789 });
    expect(planSummary(plan)).toMatchObject({ accounts: 3, packages: 1, featureLists: 0, knownBytes: 123456789, sessionType: 'root' });
  });

  test('YAML example valid', async () => {
    const { plan, warnings } = await loadPlanFile(path.join(EXAMPLES, 'plan.example.yaml'));

    expect(warnings).toEqual([]);
    expect(plan.source.rootEscalation).toEqual({ method: 'su', password: { file: path.join(EXAMPLES, 'secrets/source-root.password') } });
    expect(plan.items.packages).toEqual([{ name: 'package1' }, { name: 'reseller_gold' }]);
    expect(planSummary(plan)).toMatchObject({ accounts: 3, packages: 2, featureLists: 1, sessionType: 'root' });
  });
});
