import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  HealthConfigFileError,
  InvalidHealthConfigError,
  loadHealthConfigFile,
  parseHealthConfig,
} from '../../src/health/config-file';
import { loadThreshold, whmCallTimeoutMs } from '../../src/health/config';

const minimalServer = { host: 'dest.example.com', token: { env: 'WHM_DEST_TOKEN' } };

function issuesOf(value: unknown): string[] {
  try {
    parseHealthConfig(value);
  } catch (error) {
    if (error instanceof InvalidHealthConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected the config to be invalid');
}

describe('health config', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'health-config-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('defaults applied', () => {
    const { config } = parseHealthConfig({ version: 1, servers: [minimalServer] });
    const [server] = config.servers;
    expect(server).toEqual({
      host: 'dest.example.com',
      port: 2087,
      scheme: 'https',
      user: 'root',
      token: { env: 'WHM_DEST_TOKEN' },
      cpuCount: 1,
      maxLoadPerCpu: 2,
      maxDiskPercent: 90,
      requiredServices: [],
      intervalSeconds: 60,
      unhealthyAfter: 3,
      healthyAfter: 5,
      unreachableAfter: 3,
      unreachableIsUnhealthy: true,
    });
  });

  test('missing cpuCount warns', () => {
    const { warnings } = parseHealthConfig({ version: 1, servers: [minimalServer] });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('servers[0].cpuCount is not set for dest.example.com');
    expect(warnings[0]).toContain('15-minute load of 2.0');
  });

  test('cpuCount set gives no warning', () => {
    const { config, warnings } = parseHealthConfig({ version: 1, servers: [{ ...minimalServer, cpuCount: 4 }] });
    expect(warnings).toEqual([]);
    expect(loadThreshold(config.servers[0]!)).toBe(8);
  });

  test('plain http to a remote host warns', () => {
    const { warnings } = parseHealthConfig({ version: 1, servers: [{ ...minimalServer, cpuCount: 2, scheme: 'http' }] });
    expect(warnings).toEqual([expect.stringContaining('servers[0].scheme is "http" for dest.example.com')]);
  });

  test('every problem listed with its path', () => {
    const issues = issuesOf({
      version: 1,
      servers: [
        { ...minimalServer, cpuCount: 0, maxLoadPerCpu: -1, maxDiskPercent: 120, intervalSeconds: 0.5, unhealthyAfter: 0, requiredServices: ['Bad Name'] },
        { host: 'not a host', port: 99999, token: 'plain-secret', probe: { url: 'ftp://x.example.com/' }, mounts: ['home'], colour: 'red' },
      ],
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^servers\[0\]\.cpuCount: must be a whole number of CPUs from 1 to 4096/),
        expect.stringMatching(/^servers\[0\]\.maxLoadPerCpu: must be a number above 0/),
        expect.stringMatching(/^servers\[0\]\.maxDiskPercent: must be a percentage from 1 to 100/),
        expect.stringMatching(/^servers\[0\]\.intervalSeconds: must be a whole number of seconds from 1 to 3600/),
        expect.stringMatching(/^servers\[0\]\.unhealthyAfter: must be a whole number of checks from 1 to 100/),
        expect.stringMatching(/^servers\[0\]\.requiredServices\[0\]: must be a service name/),
        expect.stringMatching(/^servers\[1\]\.host: must be a host name or an IP address/),
        expect.stringMatching(/^servers\[1\]\.port: must be a port number from 1 to 65535/),
        expect.stringMatching(/^servers\[1\]\.token: must be \{ env: "VARIABLE" \} or \{ file: "\/path\/to\/file" \}/),
        expect.stringMatching(/^servers\[1\]\.probe\.url: must be an http:\/\/ or https:\/\/ URL/),
        expect.stringMatching(/^servers\[1\]\.mounts\[0\]: must be a mount point/),
        expect.stringMatching(/^servers\[1\]\.colour: unknown key/),
      ]),
    );
    expect(issues).toHaveLength(12);
  });

  test('secret never in messages', () => {
    const issues = issuesOf({ version: 1, servers: [{ host: 'dest.example.com', token: 'plain-secret' }] });
    expect(issues.join('\n')).not.toContain('plain-secret');
  });

  test('duplicate host rejected', () => {
    const issues = issuesOf({ version: 1, servers: [minimalServer, { ...minimalServer, host: 'DEST.example.com' }] });
    expect(issues).toEqual(['servers[1].host: "DEST.example.com" is already configured at servers[0]. Keep one entry per server']);
  });

  test('probe with a login rejected', () => {
    const issues = issuesOf({ version: 1, servers: [{ ...minimalServer, probe: { url: 'https://user:pw@site.example.com/' } }] });
    expect(issues).toEqual(['servers[0].probe.url: must not contain a user name or password']);
    expect(issues.join('\n')).not.toContain(':pw@');
  });

  test('empty server list rejected', () => {
    expect(issuesOf({ version: 1, servers: [] })).toEqual(['servers: must list at least one server (got an array)']);
  });

  test('WHM call timeout bounded by the interval', () => {
    expect(whmCallTimeoutMs({ intervalSeconds: 60 })).toBe(10_000);
    expect(whmCallTimeoutMs({ intervalSeconds: 2 })).toBe(2_000);
  });

  test('YAML file loads with paths resolved', async () => {
    const file = path.join(dir, 'monitor.yaml');
    await writeFile(
      file,
      [
        'version: 1',
        'servers:',
        '  - host: dest.example.com',
        '    token: { file: secrets/dest-token }',
        '    tls: { caFile: ca.pem }',
        '    cpuCount: 8',
        '    requiredServices: [httpd, mysql, exim, cpsrvd]',
        '    probe: { url: "http://127.0.0.1:8080/health" }',
        '',
      ].join('\n'),
    );
    const { config, warnings } = await loadHealthConfigFile(file);
    const server = config.servers[0]!;
    expect(warnings).toEqual([]);
    expect(server.token).toEqual({ file: path.join(dir, 'secrets/dest-token') });
    expect(server.tls).toEqual({ caFile: path.join(dir, 'ca.pem') });
    expect(server.requiredServices).toEqual(['httpd', 'mysql', 'exim', 'cpsrvd']);
    expect(server.probe).toEqual({ url: 'http://127.0.0.1:8080/health', expectStatus: 200, timeoutMs: 5000 });
  });

  test('JSON file loads', async () => {
    const file = path.join(dir, 'monitor.json');
    await writeFile(file, JSON.stringify({ version: 1, servers: [{ ...minimalServer, cpuCount: 2 }] }));
    const { config } = await loadHealthConfigFile(file);
    expect(config.servers.map((server) => server.host)).toEqual(['dest.example.com']);
  });

  test('invalid file names itself', async () => {
    const file = path.join(dir, 'invalid.yaml');
    await writeFile(file, 'version: 2\nservers: []\n');
    await expect(loadHealthConfigFile(file)).rejects.toThrow(InvalidHealthConfigError);
    await expect(loadHealthConfigFile(file)).rejects.toThrow(`Health config file ${file} is invalid (2 problems)`);
  });

  test('syntax error gives line and column', async () => {
    const file = path.join(dir, 'broken.yaml');
    await writeFile(file, 'version: 1\nservers:\n  - host: [unclosed\n');
    await expect(loadHealthConfigFile(file)).rejects.toThrow(HealthConfigFileError);
    await expect(loadHealthConfigFile(file)).rejects.toThrow(/syntax error at line \d+, column \d+/);
  });

  test('duplicate JSON key rejected', async () => {
    const file = path.join(dir, 'duplicate.json');
    await writeFile(file, '{"version": 1, "version": 1, "servers": []}');
    await expect(loadHealthConfigFile(file)).rejects.toThrow(/syntax error at line 1/);
  });

  test('missing file named', async () => {
    const file = path.join(dir, 'absent.yaml');
    await expect(loadHealthConfigFile(file)).rejects.toThrow(`health config file ${file} does not exist. Check the path.`);
  });

  test('empty file named', async () => {
    const file = path.join(dir, 'empty.yaml');
    await writeFile(file, '\n');
    await expect(loadHealthConfigFile(file)).rejects.toThrow(`health config file ${file} is empty`);
  });
});
