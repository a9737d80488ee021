import { destinationBaseUrl, migrationWorkflowId, parsePlan, planSessionType, planSummary } from '../../src/plan';
import { planWith } from './fixtures';

describe('migrationWorkflowId', () => {
  test('destination host and name', () => {
    const { plan } = parsePlan(planWith({}));

    expect(migrationWorkflowId(plan)).toBe('whm-migrate/dest.example.com/wave-1');
  });

  test('same plan gives same id', () => {
    const first = parsePlan(planWith({})).plan;
    const second = parsePlan(planWith({})).plan;

    expect(migrationWorkflowId(first)).toBe(migrationWorkflowId(second));
  });

  test('host spelling does not matter', () => {
    const { plan } = parsePlan(planWith({ destination: { host: 'Dest.Example.COM.', token: { env: 'T' } } }));

    expect(migrationWorkflowId(plan)).toBe('whm-migrate/dest.example.com/wave-1');
  });

  test('other name gives other id', () => {
    const { plan } = parsePlan(planWith({ name: 'wave-2' }));

    expect(migrationWorkflowId(plan)).toBe('whm-migrate/dest.example.com/wave-2');
  });

  test('other destination gives other id', () => {
    const { plan } = parsePlan(planWith({ destination: { host: 'other.example.com', token: { env: 'T' } } }));

    expect(migrationWorkflowId(plan)).toBe('whm-migrate/other.example.com/wave-1');
  });
});

describe('planSummary', () => {
  test('root plan counts', () => {
    const { plan } = parsePlan(
      planWith({
        items: {
          packages: ['package1', 'gold'],
          featureLists: ['default'],
          accounts: [{ user: 'example', sizeBytes: 123456789 }, { user: 'shop', sizeBytes: 1000 }, { user: 'blog' }],
        },
      }),
    );

    expect(planSummary(plan)).toEqual({
      accounts: 3,
      packages: 2,
      featureLists: 1,
      knownBytes: 123457789,
      sessionType: 'root',
      source: 'root@source.example.com:22',
      destination: 'https://dest.example.com:2087',
    });
  });

  test('user plan session type', () => {
    const { plan } = parsePlan(
      planWith({
        source: { host: 'source.example.com', password: undefined, accountPassword: { env: 'A' } },
        items: { accounts: [{ user: 'bob', module: 'AccountRemoteUser' }] },
      }),
    );

    expect(planSummary(plan).sessionType).toBe('user');
    expect(planSessionType(plan)).toBe('user');
  });

  test('IPv6 endpoints bracketed', () => {
    const { plan } = parsePlan(
      planWith({
        destination: { host: '::1', scheme: 'http', port: 2086, token: { env: 'T' } },
        source: { host: '2001:db8::7', sshPort: 2222, user: 'admin', password: { env: 'P' } },
      }),
    );

    expect(planSummary(plan).destination).toBe('http://[::1]:2086');
    expect(planSummary(plan).source).toBe('admin@[2001:db8::7]:2222');
  });
});

describe('destinationBaseUrl', () => {
  test('scheme host and port', () => {
    expect(destinationBaseUrl({ scheme: 'http', host: '127.0.0.1', port: 40123 })).toBe('http://127.0.0.1:40123');
  });
});
