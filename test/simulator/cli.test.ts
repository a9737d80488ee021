import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/log';
import { startSimulator } from '../../src/simulator';
import { simulateCommand } from '../../src/simulator/cli';
import { callWhm, waitFor } from './helpers';

interface CliRun {
  lines: string[];
  errors: string[];
  /** Settles when the command returns. */
  done: Promise<void>;
  stop: () => Promise<void>;
}

const running: CliRun[] = [];

afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
});

function runCli(args: string[], env: NodeJS.ProcessEnv = {}): CliRun {
  const lines: string[] = [];
  const errors: string[] = [];
  let release: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => {
    release = resolve;
  });

  const command = simulateCommand({ print: (line) => lines.push(line), waitForStop: () => stopSignal, env, logger: silentLogger })
    .exitOverride()
    .configureOutput({ writeErr: (text) => errors.push(text), writeOut: (text) => lines.push(text) });
  const done = command.parseAsync(args, { from: 'user' }).then(() => undefined);
  const run: CliRun = {
    lines,
    errors,
    done,
    stop: async () => {
      release();
      await done.catch(() => undefined);
    },
  };
  running.push(run);
  return run;
}

async function urlOf(run: CliRun, role = 'destination'): Promise<string> {
  const lines = await waitFor(() => run.lines, (current) => current.some((line) => line.includes(`(${role})`)));
  const line = lines.find((candidate) => candidate.includes(`(${role})`)) ?? '';
  return /listening on (\S+)/.exec(line)?.[1] ?? '';
}

describe('simulate command', () => {
  test('serves the API until stopped', async () => {
    const run = runCli(['--port', '0', '--no-tls', '--token', 'cli-token']);
    const url = await urlOf(run);

    const envelope = await callWhm(url, 'version', {}, { authorization: 'whm root:cli-token' });
    await run.stop();

    expect(envelope.metadata.result).toBe(1);
    expect(run.lines).toContain('WHM simulator stopped.');
    await expect(callWhm(url, 'version')).rejects.toThrow();
  });

  test('given token is not printed', async () => {
    const run = runCli(['--port', '0', '--no-tls', '--token', 'cli-token']);
    await urlOf(run);

    expect(run.lines.join('\n')).not.toContain('cli-token');
    expect(run.lines).toContain('  API token: the value of --token.');
  });

  test('token from the environment', async () => {
    const run = runCli(['--port', '0', '--no-tls'], { WHM_SIM_TOKEN: 'env-token' });
    const url = await urlOf(run);

    const envelope = await callWhm(url, 'version', {}, { authorization: 'whm root:env-token' });

    expect(envelope.metadata.result).toBe(1);
    expect(run.lines.join('\n')).not.toContain('env-token');
  });

  test('generated token is printed', async () => {
    const run = runCli(['--port', '0', '--no-tls']);
    const url = await urlOf(run);
    const tokenLine = await waitFor(() => run.lines.find((line) => line.includes('API token (generated')), (line) => line !== undefined);
    const login = /“(root:[0-9a-f]+)”/.exec(tokenLine ?? '')?.[1] ?? '';

    const envelope = await callWhm(url, 'version', {}, { authorization: `whm ${login}` });

    expect(envelope.metadata.result).toBe(1);
  });

  test('TLS prints the fingerprint', async () => {
    const run = runCli(['--port', '0', '--token', 't']);
    const url = await urlOf(run);
    const fingerprintLine = run.lines.find((line) => line.includes('fingerprint')) ?? '';

    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(fingerprintLine).toMatch(/([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  test('accounts file makes a source', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'whm-sim-cli-'));
    const file = join(folder, 'accounts.json');
    await writeFile(file, JSON.stringify({
      accounts: [{ user: 'frank', domain: 'frank.example', bytesUsed: 4096 }],
      packages: [{ name: 'gold' }],
    }));

    try {
      const run = runCli(['--port', '0', '--no-tls', '--accounts', file, '--hostname', 'files.sim.test'],
        { WHM_SIM_ROOT_PASSWORD: 'file-source-password' });
      const url = await urlOf(run, 'source');
      const basic = `Basic ${Buffer.from('root:file-source-password').toString('base64')}`;

      const envelope = await callWhm<{ acct: Array<{ user: string }> }>(url, 'listaccts', {}, { authorization: basic });

      expect(envelope.data?.acct.map((account) => account.user)).toEqual(['frank']);
      expect(run.lines.join('\n')).not.toContain('file-source-password');
    } finally {
      await rm(folder, { recursive: true });
    }
  });

  test('invalid accounts file fails', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'whm-sim-cli-'));
    const file = join(folder, 'accounts.json');
    await writeFile(file, JSON.stringify({ accounts: [{ user: 'Bad User', domain: 'x.example', bytesUsed: 1 }] }));

    try {
      const run = runCli(['--port', '0', '--no-tls', '--accounts', file]);

      await expect(run.done).rejects.toThrow(/accounts\.0\.user/);
    } finally {
      await rm(folder, { recursive: true });
    }
  });

  test('peer option reaches a source', async () => {
    const source = await startSimulator({
      hostname: 'peer.sim.test',
      credentials: [{ user: 'root', password: 'peer-password' }],
      accounts: [{ user: 'gina', domain: 'gina.example', bytesUsed: 1 }],
    });

    try {
      const run = runCli(['--port', '0', '--no-tls', '--token', 't', '--create-delay-ms', '0', '--peer', `peer.sim.test=${source.url}`]);
      const url = await urlOf(run);

      const sessionId = await createRootSessionAs(url, 'whm root:t', 'peer.sim.test', 'peer-password');

      expect(sessionId).toMatch(/^peersimtestcopya/);
    } finally {
      await source.close();
    }
  });

  test('pair starts source and destination', async () => {
    const run = runCli(['--port', '0', '--no-tls', '--pair', '--create-delay-ms', '0'], { WHM_SIM_TOKEN: 'pair-token' });
    const destination = await urlOf(run, 'destination');
    const passwordLine = run.lines.find((line) => line.includes('root password is')) ?? '';
    const password = /root password is “([^”]+)”/.exec(passwordLine)?.[1] ?? '';

    const sessionId = await createRootSessionAs(destination, 'whm root:pair-token', 'source.sim.test', password);

    expect(sessionId).toHaveLength(36);
  });

  test('invalid peer rejected', async () => {
    const run = runCli(['--peer', 'source.sim.test']);

    await expect(run.done).rejects.toThrow();
    expect(run.errors.join('')).toContain('HOST=URL');
  });

  test('non-loopback host rejected', async () => {
    const run = runCli(['--port', '0', '--no-tls', '--host', '0.0.0.0']);

    await expect(run.done).rejects.toThrow(/loopback/);
  });

  test('help lists the options', () => {
    const help = simulateCommand({ logger: silentLogger }).helpInformation();

    for (const option of ['--port', '--host', '--hostname', '--no-tls', '--token', '--accounts', '--peer', '--bytes-per-second', '--pair']) {
      expect(help).toContain(option);
    }
  });
});

/** Creates a root session with a chosen Authorization header for the destination. */
async function createRootSessionAs(url: string, authorization: string, host: string, password: string): Promise<string> {
  const envelope = await callWhm<{ transfer_session_id: string }>(url, 'create_remote_root_transfer_session', {
    host, user: 'root', password, comm_transport: 'whostmgr',
  }, { authorization });
  if (envelope.metadata.result !== 1) throw new Error(envelope.metadata.reason);
  return envelope.data?.transfer_session_id ?? '';
}
