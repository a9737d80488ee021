import path from 'node:path';

import { migrationPlanSchema, parsePlan, type MigrationPlan } from '../../src/plan';
import { catchInvalidPlan, issueAt, issuePaths, minimalPlanInput, planWith } from './fixtures';

describe('parsePlan valid plans', () => {
  test('minimal plan gets defaults', () => {
    const { plan, warnings } = parsePlan(minimalPlanInput());

    expect(plan.destination).toEqual({ host: 'dest.example.com', port: 2087, scheme: 'https', user: 'root', token: { env: 'WHM_DEST_TOKEN' } });
    expect(plan.source).toEqual({
      host: 'source.example.com',
      sshPort: 22,
      user: 'root',
      password: { env: 'SOURCE_ROOT_PASSWORD' },
      commTransport: 'ssh',
    });
    expect(plan.session).toEqual({
      transfer_threads: 1,
      restore_threads: 1,
      unrestricted_restore: false,
      copy_reseller_privs: false,
      compressed: true,
      unencrypted: false,
      use_backups: false,
      low_priority: false,
      enable_custom_pkgacct: false,
    });
    expect(plan.items).toEqual({
      packages: [],
      featureLists: [],
      accounts: [{ user: 'example', localuser: 'example', module: 'AccountRemoteRoot', options: {} }],
    });
    expect(plan.onConflict).toBe('stop');
    expect(plan.monitor).toEqual({ pollIntervalSeconds: 5 });
    expect(warnings).toEqual([]);
  });

  test('full plan keeps every value', () => {
    const input = {
      $schema: '../schemas/plan.schema.json',
      version: 1,
      name: 'wave-2.b_c',
      destination: {
        host: '2001:db8::10',
        port: 2088,
        scheme: 'https',
        user: 'reseller1',
        token: { file: '/etc/whm-migrate/dest.token' },
        tls: { caFile: '/etc/whm-migrate/ca.pem', fingerprint256: 'ab'.repeat(32) },
      },
      source: {
        host: '192.0.2.7',
        sshPort: 2222,
        user: 'admin',
        password: { env: 'SRC_PW' },
        sshKey: { name: 'migration-key', passphrase: { env: 'KEY_PASSPHRASE' } },
        rootEscalation: { method: 'su', password: { file: '/etc/whm-migrate/root.pw' } },
        commTransport: 'whostmgr',
      },
      session: {
        transfer_threads: 9,
        restore_threads: 4,
        unrestricted_restore: false,
        copy_reseller_privs: true,
        compressed: false,
        unencrypted: true,
        use_backups: true,
        low_priority: true,
        enable_custom_pkgacct: true,
      },
      items: {
        packages: ['package1', { name: 'Gold Plan' }],
        featureLists: ['default'],
        accounts: [
          {
            user: 'example',
            domain: 'example.com',
            sizeBytes: 123456789,
            module: 'AccountRemoteRoot',
            options: {
              ip: true,
              customip: '203.0.113.5',
              replaceip: 'basic',
              reseller: true,
              mail_location: '.local',
              overwrite_sameowner_dbs: true,
              overwrite_sameowner_dbusers: true,
              overwrite_with_delete: false,
              shared_mysql_server: false,
              skipaccount: false,
              skipacctdb: false,
              skipbwdata: true,
              skiphomedir: false,
              skipres: true,
              force: true,
              live_transfer: true,
              xferpoint: false,
              detected_remote_user: 'example',
              priority: 10,
            },
          },
          { user: 'second', localuser: 'second2' },
        ],
      },
      onConflict: 'proceed',
      monitor: { pollIntervalSeconds: 300 },
    };

    const { plan } = parsePlan(input);

    expect(plan.destination.tls).toEqual({ caFile: '/etc/whm-migrate/ca.pem', fingerprint256: Array(32).fill('AB').join(':') });
    expect(plan.source.rootEscalation).toEqual({ method: 'su', password: { file: '/etc/whm-migrate/root.pw' } });
    expect(plan.session).toEqual(input.session);
    expect(plan.items.packages).toEqual([{ name: 'package1' }, { name: 'Gold Plan' }]);
    expect(plan.items.featureLists).toEqual([{ name: 'default' }]);
    expect(plan.items.accounts[0]).toEqual({ ...input.items.accounts[0], localuser: 'example' });
    expect(plan.items.accounts[1]).toEqual({ user: 'second', localuser: 'second2', module: 'AccountRemoteRoot', options: {} });
    expect(plan.onConflict).toBe('proceed');
    expect(plan.monitor.pollIntervalSeconds).toBe(300);
  });

  test('parsed plan is plain JSON data', () => {
    const { plan } = parsePlan(planWith({ destination: { host: 'dest.example.com', token: { file: 'dest.token' } } }), { baseDir: '/srv/plans' });

    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  test('packages only is a valid plan', () => {
    const { plan } = parsePlan(planWith({ items: { packages: ['package1'], accounts: undefined } }));

    expect(plan.items.accounts).toEqual([]);
    expect(plan.items.packages).toEqual([{ name: 'package1' }]);
  });

  test('fingerprint without colons normalised', () => {
    const { plan } = parsePlan(planWith({ destination: { host: 'h.example', token: { env: 'T' }, tls: { fingerprint256: 'aB'.repeat(32) } } }));

    expect(plan.destination.tls?.fingerprint256).toBe(Array(32).fill('AB').join(':'));
  });

  test('input and output types line up', () => {
    const input = minimalPlanInput();
    const output: MigrationPlan = migrationPlanSchema.parse(input);

    expect(output.name).toBe(input.name);
  });
});

describe('parsePlan credential paths', () => {
  test('relative file resolved against baseDir', () => {
    const { plan } = parsePlan(
      planWith({
        destination: { host: 'dest.example.com', token: { file: 'secrets/dest.token' }, tls: { caFile: 'ca.pem' } },
        source: {
          host: 'source.example.com',
          user: 'admin',
          password: { file: './src.pw' },
          sshKey: { name: 'k', passphrase: { file: '../key.pass' } },
          rootEscalation: { method: 'su', password: { file: 'root.pw' } },
        },
      }),
      { baseDir: '/srv/plans' },
    );

    expect(plan.destination.token).toEqual({ file: '/srv/plans/secrets/dest.token' });
    expect(plan.destination.tls?.caFile).toBe('/srv/plans/ca.pem');
    expect(plan.source.password).toEqual({ file: '/srv/plans/src.pw' });
    expect(plan.source.sshKey?.passphrase).toEqual({ file: '/srv/key.pass' });
    expect(plan.source.rootEscalation?.password).toEqual({ file: '/srv/plans/root.pw' });
  });

  test('absolute file and env refs unchanged', () => {
    const { plan } = parsePlan(planWith({ destination: { host: 'd.example', token: { file: '/etc/t' } } }), { baseDir: '/srv/plans' });

    expect(plan.destination.token).toEqual({ file: '/etc/t' });
    expect(plan.source.password).toEqual({ env: 'SOURCE_ROOT_PASSWORD' });
  });

  test('relative file defaults to working directory', () => {
    const { plan } = parsePlan(planWith({ destination: { host: 'd.example', token: { file: 'dest.token' } } }));

    expect(plan.destination.token).toEqual({ file: path.resolve('dest.token') });
  });

  test('both env and file rejected', () => {
    const error = catchInvalidPlan(() => parsePlan(planWith({ destination: { host: 'd.example', token: { env: 'A', file: '/b' } } })));

    expect(issueAt(error.issues, 'destination.token').message).toContain('exactly one of them');
  });

  test('missing token named', () => {
    const error = catchInvalidPlan(() => parsePlan(planWith({ destination: { host: 'd.example', token: undefined } })));

    expect(issueAt(error.issues, 'destination.token').message).toMatch(/^missing/);
  });

  test('secret written in the plan never echoed', () => {
    const secret = 'Sup3r-Secret-Token-Value';
    const input = planWith({
      destination: { host: 'd.example', token: secret },
      source: { host: 's.example', password: { env: secret.toLowerCase() }, accountPassword: 12345 },
    });

    const error = catchInvalidPlan(() => parsePlan(input));

    expect(issuePaths(error.issues)).toEqual(['destination.token', 'source.password.env', 'source.accountPassword']);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain(secret.toLowerCase());
    expect(error.message).not.toContain('12345');
  });
});

describe('parsePlan field errors', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['version', { version: 2 }, 'version'],
    ['name with space', { name: 'Wave 1' }, 'name'],
    ['name too long', { name: 'a'.repeat(64) }, 'name'],
    ['destination host', { destination: { host: 'bad host', token: { env: 'T' } } }, 'destination.host'],
    ['port as string', { destination: { host: 'd.example', port: '2087', token: { env: 'T' } } }, 'destination.port'],
    ['port out of range', { destination: { host: 'd.example', port: 70000, token: { env: 'T' } } }, 'destination.port'],
    ['scheme', { destination: { host: 'd.example', scheme: 'ftp', token: { env: 'T' } } }, 'destination.scheme'],
    ['fingerprint length', { destination: { host: 'd.example', token: { env: 'T' }, tls: { fingerprint256: 'AB:CD' } } }, 'destination.tls.fingerprint256'],
    ['env name', { destination: { host: 'd.example', token: { env: 'lower' } } }, 'destination.token.env'],
    ['comm transport', { source: { host: 's.example', password: { env: 'P' }, commTransport: 'ftp' } }, 'source.commTransport'],
    ['escalation method', { source: { host: 's.example', password: { env: 'P' }, rootEscalation: { method: 'doas' } } }, 'source.rootEscalation.method'],
    ['threads above 9', { session: { transfer_threads: 10 } }, 'session.transfer_threads'],
    ['threads below 1', { session: { restore_threads: 0 } }, 'session.restore_threads'],
    ['boolean as string', { session: { compressed: 'yes' } }, 'session.compressed'],
    ['account user', { items: { accounts: [{ user: 'Example' }] } }, 'items.accounts[0].user'],
    ['user too long', { items: { accounts: [{ user: 'a'.repeat(17) }] } }, 'items.accounts[0].user'],
    ['localuser starting with digit', { items: { accounts: [{ user: 'ok', localuser: '1bad' }] } }, 'items.accounts[0].localuser'],
    ['negative size', { items: { accounts: [{ user: 'ok', sizeBytes: -1 }] } }, 'items.accounts[0].sizeBytes'],
    ['module', { items: { accounts: [{ user: 'ok', module: 'AccountLocal' }] } }, 'items.accounts[0].module'],
    ['option type', { items: { accounts: [{ user: 'ok', options: { skiphomedir: 1 } }] } }, 'items.accounts[0].options.skiphomedir'],
    ['replaceip value', { items: { accounts: [{ user: 'ok', options: { replaceip: 'some' } }] } }, 'items.accounts[0].options.replaceip'],
    ['empty package name', { items: { packages: [''] } }, 'items.packages[0]'],
    ['on conflict', { onConflict: 'ignore' }, 'onConflict'],
    ['poll interval', { monitor: { pollIntervalSeconds: 301 } }, 'monitor.pollIntervalSeconds'],
  ];

  test.each(cases)('%s', (_name, changes, expectedPath) => {
    const error = catchInvalidPlan(() => parsePlan(planWith(changes)));

    expect(issuePaths(error.issues)).toEqual([expectedPath]);
  });

  test('value and fix named', () => {
    const error = catchInvalidPlan(() => parsePlan(planWith({ name: 'Wave 1' })));

    expect(issueAt(error.issues, 'name').message).toBe(
      'must be 1-63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter or digit (got "Wave 1")',
    );
  });

  test('missing section named', () => {
    const input = planWith({});
    delete input.source;

    const error = catchInvalidPlan(() => parsePlan(input));

    expect(issueAt(error.issues, 'source').message).toBe('missing required key (expects an object)');
  });

  test('non-object plan rejected', () => {
    const error = catchInvalidPlan(() => parsePlan(['not', 'a', 'plan']));

    expect(error.issues).toEqual([{ path: '', message: 'expected an object (got an array)' }]);
    expect(error.message).toContain('  - plan: expected an object (got an array)');
  });
});

describe('parsePlan unknown keys', () => {
  test('top-level key with allowed keys', () => {
    const error = catchInvalidPlan(() => parsePlan(planWith({ dryRun: true })));

    const issue = issueAt(error.issues, 'dryRun');
    expect(issue.message).toContain('unknown key');
    expect(issue.message).toContain('Allowed keys here: $schema, version, name, destination, source, session, items, onConflict, monitor');
  });

  test('typo gets a suggestion', () => {
    const error = catchInvalidPlan(() => parsePlan(planWith({ source: { host: 's.example', password: { env: 'P' }, sshport: 22 } })));

    expect(issueAt(error.issues, 'source.sshport').message).toContain('Did you mean "sshPort"?');
  });

  test('nested keys each reported', () => {
    const input = planWith({ items: { accounts: [{ user: 'a' }, { user: 'b', skiphomedir: true, options: { skip_homedir: true } }] } });

    const error = catchInvalidPlan(() => parsePlan(input));

    expect(issuePaths(error.issues)).toEqual(['items.accounts[1].options.skip_homedir', 'items.accounts[1].skiphomedir']);
    expect(issueAt(error.issues, 'items.accounts[1].options.skip_homedir').message).toContain('Did you mean "skiphomedir"?');
  });

  test('unknown key in credential reference', () => {
    const error = catchInvalidPlan(() => parsePlan(planWith({ destination: { host: 'd.example', token: { env: 'T', value: 'x' } } })));

    expect(issuePaths(error.issues)).toEqual(['destination.token.value']);
  });
});

describe('parsePlan many problems', () => {
  test('all reported in one error', () => {
    const input = {
      version: 1,
      name: 'Bad Name',
      extra: true,
      destination: { host: 'dest.example.com', port: 'x', token: { env: 'T' } },
      source: { host: 'source.example.com' },
      session: { transfer_threads: 12 },
      items: {
        packages: ['gold', 'gold'],
        accounts: [
          { user: 'alice', sizeBytes: 'big' },
          { user: 'alice', options: { customip: '192.0.2.1' } },
        ],
      },
      monitor: { pollIntervalSeconds: 0 },
    };

    const error = catchInvalidPlan(() => parsePlan(input));

    expect(issuePaths(error.issues).sort()).toEqual(
      [
        'name',
        'extra',
        'destination.port',
        'source',
        'session.transfer_threads',
        'items.packages[1]',
        'items.accounts[0].sizeBytes',
        'items.accounts[1].options.customip',
        'items.accounts[1].user',
        'items.accounts[1].localuser',
        'monitor.pollIntervalSeconds',
      ].sort(),
    );
    expect(error.message.split('\n')).toHaveLength(error.issues.length + 1);
    expect(error.message.split('\n')[0]).toBe('Migration plan is invalid (11 problems):');
  });
});
