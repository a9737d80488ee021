import { parsePlan, ROOT_SESSION_ONLY_OPTIONS } from '../../src/plan';
import { catchInvalidPlan, issueAt, issuePaths, planWith } from './fixtures';

const userSource = { host: 'source.example.com', password: undefined, accountPassword: { env: 'ACCOUNT_PASSWORD' } };

function userAccount(user: string, options: Record<string, unknown> = {}) {
  return { user, module: 'AccountRemoteUser', options };
}

function issuesOf(changes: Record<string, unknown>) {
  return catchInvalidPlan(() => parsePlan(planWith(changes))).issues;
}

describe('rules duplicates', () => {
  test('account user', () => {
    const issues = issuesOf({ items: { accounts: [{ user: 'bob' }, { user: 'carol' }, { user: 'bob', localuser: 'bob2' }] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[2].user']);
    expect(issues[0]!.message).toBe('account "bob" is listed twice, first at items.accounts[0].user. Remove one of them');
  });

  test('explicit localuser', () => {
    const issues = issuesOf({ items: { accounts: [{ user: 'bob', localuser: 'robert' }, { user: 'rob', localuser: 'robert' }] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[1].localuser']);
    expect(issues[0]!.message).toContain('"robert" is already used at items.accounts[0]');
  });

  test('localuser defaulting to another user', () => {
    const issues = issuesOf({ items: { accounts: [{ user: 'bob', localuser: 'carol' }, { user: 'carol' }] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[1].localuser']);
  });

  test('packages by string and object', () => {
    const issues = issuesOf({ items: { packages: ['gold', { name: 'gold' }], accounts: [{ user: 'bob' }] } });

    expect(issuePaths(issues)).toEqual(['items.packages[1]']);
    expect(issues[0]!.message).toContain('package "gold" is listed twice');
  });

  test('feature lists', () => {
    const issues = issuesOf({ items: { featureLists: ['default', 'default'], accounts: [{ user: 'bob' }] } });

    expect(issuePaths(issues)).toEqual(['items.featureLists[1]']);
  });

  test('checked despite other account errors', () => {
    const issues = issuesOf({ items: { accounts: [{ user: 'bob', sizeBytes: 'big' }, { user: 'bob' }] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[0].sizeBytes', 'items.accounts[1].user', 'items.accounts[1].localuser']);
  });
});

describe('rules session type', () => {
  test('modules mixed', () => {
    const issues = issuesOf({ source: userSource, items: { accounts: [{ user: 'bob' }, userAccount('carol')] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[1].module']);
    expect(issues[0]!.message).toContain('one WHM transfer session has one type');
    expect(issues[0]!.message).toContain('Write two plans');
  });

  test('packages in user session', () => {
    const issues = issuesOf({ source: userSource, items: { packages: ['gold'], accounts: [userAccount('bob')] } });

    expect(issuePaths(issues)).toEqual(['items.packages']);
    expect(issues[0]!.message).toContain('cannot transfer packages');
  });

  test('feature lists in user session', () => {
    const issues = issuesOf({ source: userSource, items: { featureLists: ['default'], accounts: [userAccount('bob')] } });

    expect(issuePaths(issues)).toEqual(['items.featureLists']);
  });

  test('user session needs account password', () => {
    const issues = issuesOf({ source: { host: 's.example' }, items: { accounts: [userAccount('bob')] } });

    expect(issuePaths(issues)).toEqual(['source.accountPassword']);
  });

  test('root session needs password or key', () => {
    const issues = issuesOf({ source: { host: 's.example', password: undefined } });

    expect(issuePaths(issues)).toEqual(['source']);
    expect(issues[0]!.message).toContain('needs source.password or source.sshKey');
  });

  test('ssh key alone is enough', () => {
    const { plan } = parsePlan(planWith({ source: { host: 's.example', password: undefined, sshKey: { name: 'migration' } } }));

    expect(plan.source.sshKey).toEqual({ name: 'migration' });
  });

  test('user session valid', () => {
    const { plan, warnings } = parsePlan(
      planWith({ source: userSource, session: { unrestricted_restore: true }, items: { accounts: [userAccount('bob', { skipbwdata: true })] } }),
    );

    expect(plan.items.accounts[0]?.module).toBe('AccountRemoteUser');
    expect(warnings).toEqual([]);
  });

  test.each(ROOT_SESSION_ONLY_OPTIONS)('%s rejected in user session', (option) => {
    const issues = issuesOf({ source: userSource, items: { accounts: [userAccount('bob', { [option]: true })] } });

    expect(issuePaths(issues)).toEqual([`items.accounts[0].options.${option}`]);
  });

  test('root-only options are force and xferpoint', () => {
    expect(ROOT_SESSION_ONLY_OPTIONS).toEqual(['force', 'xferpoint']);
  });

  test('nothing to transfer', () => {
    const issues = issuesOf({ items: { accounts: [] } });

    expect(issuePaths(issues)).toEqual(['items']);
    expect(issues[0]!.message).toContain('Add at least one account, package or feature list');
  });
});

describe('rules credentials', () => {
  test('su needs its password', () => {
    const issues = issuesOf({ source: { host: 's.example', user: 'admin', password: { env: 'P' }, rootEscalation: { method: 'su' } } });

    expect(issuePaths(issues)).toEqual(['source.rootEscalation.password']);
  });

  test('sudo needs no password', () => {
    const { plan } = parsePlan(planWith({ source: { host: 's.example', user: 'admin', password: { env: 'P' }, rootEscalation: { method: 'sudo' } } }));

    expect(plan.source.rootEscalation).toEqual({ method: 'sudo' });
  });

  test('insecure with fingerprint', () => {
    const issues = issuesOf({ destination: { host: 'd.example', token: { env: 'T' }, tls: { insecure: true, fingerprint256: 'ab'.repeat(32) } } });

    expect(issuePaths(issues)).toEqual(['destination.tls.insecure']);
    expect(issues[0]!.message).toContain('contradicts fingerprint256');
  });

  test('insecure with CA file', () => {
    const issues = issuesOf({ destination: { host: 'd.example', token: { env: 'T' }, tls: { insecure: true, caFile: '/etc/ca.pem' } } });

    expect(issuePaths(issues)).toEqual(['destination.tls.insecure']);
  });

  test('insecure false with fingerprint', () => {
    const { plan } = parsePlan(planWith({ destination: { host: 'd.example', token: { env: 'T' }, tls: { insecure: false, fingerprint256: 'ab'.repeat(32) } } }));

    expect(plan.destination.tls?.insecure).toBe(false);
  });
});

describe('rules account options', () => {
  test('force with renamed account', () => {
    const issues = issuesOf({ items: { accounts: [{ user: 'bob', localuser: 'bob2', options: { force: true } }] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[0].options.force']);
    expect(issues[0]!.message).toContain('"bob" becomes "bob2"');
  });

  test('force with unrestricted restore', () => {
    const issues = issuesOf({ session: { unrestricted_restore: true }, items: { accounts: [{ user: 'bob', options: { force: true } }] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[0].options.force']);
    expect(issues[0]!.message).toContain('session.unrestricted_restore');
  });

  test('force false ignored', () => {
    const { plan } = parsePlan(
      planWith({ session: { unrestricted_restore: true }, items: { accounts: [{ user: 'bob', localuser: 'bob2', options: { force: false } }] } }),
    );

    expect(plan.items.accounts[0]?.options.force).toBe(false);
  });

  test('force with same name accepted', () => {
    const { plan } = parsePlan(planWith({ items: { accounts: [{ user: 'bob', localuser: 'bob', options: { force: true } }] } }));

    expect(plan.items.accounts[0]?.options.force).toBe(true);
  });

  test('skipaccount with renamed account', () => {
    const issues = issuesOf({ items: { accounts: [{ user: 'bob', localuser: 'bob2', options: { skipaccount: true } }] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[0].options.skipaccount']);
  });

  test('customip without ip', () => {
    const issues = issuesOf({ items: { accounts: [{ user: 'bob', options: { customip: '192.0.2.9' } }] } });

    expect(issueAt(issues, 'items.accounts[0].options.customip').message).toBe(
      'customip "192.0.2.9" takes effect only with ip: true. Add ip: true or remove customip',
    );
  });

  test('customip with ip false', () => {
    const issues = issuesOf({ items: { accounts: [{ user: 'bob', options: { ip: false, customip: '192.0.2.9' } }] } });

    expect(issuePaths(issues)).toEqual(['items.accounts[0].options.customip']);
  });

  test('customip with ip true accepted', () => {
    const { plan } = parsePlan(planWith({ items: { accounts: [{ user: 'bob', options: { ip: true, customip: '192.0.2.9' } }] } }));

    expect(plan.items.accounts[0]?.options).toEqual({ ip: true, customip: '192.0.2.9' });
  });
});

describe('planWarnings', () => {
  test('http to remote host', () => {
    const { warnings } = parsePlan(planWith({ destination: { host: 'dest.example.com', scheme: 'http', port: 2086, token: { env: 'T' } } }));

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('unencrypted');
  });

  test.each(['127.0.0.1', 'localhost', '::1'])('http to %s silent', (host) => {
    const { warnings } = parsePlan(planWith({ destination: { host, scheme: 'http', token: { env: 'T' } } }));

    expect(warnings).toEqual([]);
  });

  test('escalation for root', () => {
    const { warnings } = parsePlan(planWith({ source: { host: 's.example', password: { env: 'P' }, rootEscalation: { method: 'sudo' } } }));

    expect(warnings).toEqual([expect.stringContaining('source.rootEscalation is ignored')]);
  });

  test('user session with unused credentials', () => {
    const { warnings } = parsePlan(
      planWith({
        source: { ...userSource, password: { env: 'P' } },
        session: { unrestricted_restore: true },
        items: { accounts: [userAccount('bob')] },
      }),
    );

    expect(warnings).toEqual([expect.stringContaining('source.password is not used')]);
  });

  test('user session with restricted restore', () => {
    const { warnings } = parsePlan(planWith({ source: userSource, items: { accounts: [userAccount('bob')] } }));

    expect(warnings).toEqual([expect.stringContaining('session.unrestricted_restore is false')]);
  });

  test('root session with account password', () => {
    const { warnings } = parsePlan(planWith({ source: { host: 's.example', password: { env: 'P' }, accountPassword: { env: 'A' } } }));

    expect(warnings).toEqual([expect.stringContaining('source.accountPassword is used only by AccountRemoteUser')]);
  });
});
