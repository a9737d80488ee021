import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { createLogger, type Logger } from '../log';
import type { SimulatorCredential, SimulatorOptions } from './options';
import { startSimulatorPair } from './pair';
import { startSimulator, type WhmSimulator } from './simulator';

/** Output, stop signal, environment and logger of the command; tests replace the defaults. */
export interface SimulateCommandIo {
  /** Writes one line of user-facing output. @default a line on stdout */
  print: (line: string) => void;
  /** Resolves when the simulator should stop. @default the first SIGINT or SIGTERM */
  waitForStop: () => Promise<void>;
  /** @default process.env */
  env: NodeJS.ProcessEnv;
  /** @default a pino logger named 'whm-simulator' on stderr */
  logger: Logger;
}

interface SimulateFlags {
  port?: number;
  host: string;
  hostname: string;
  tls: boolean;
  user: string;
  token?: string;
  accounts?: string;
  peer: string[];
  bytesPerSecond?: number;
  restoreBytesPerSecond?: number;
  minItemStepMs?: number;
  createDelayMs?: number;
  stateNames: 'real' | 'doc-compat';
  pair?: boolean;
}

const accountsFileSchema = z.union([
  z.array(z.unknown()),
  z.strictObject({
    accounts: z.array(z.unknown()).optional(),
    packages: z.array(z.unknown()).optional(),
    featureLists: z.array(z.string()).optional(),
    localUsers: z.array(z.string()).optional(),
  }),
]);

function parseWholeNumber(label: string, minimum: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < minimum) {
      throw new InvalidArgumentError(`${label} must be a whole number of at least ${minimum}.`);
    }
    return Number(value);
  };
}

function collectPeer(value: string, previous: string[]): string[] {
  if (!/^[^=\s]+=https?:\/\/\S+$/.test(value)) {
    throw new InvalidArgumentError('Use HOST=URL, for example source.sim.test=http://127.0.0.1:2086.');
  }
  return [...previous, value];
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** Reads an accounts file: an array of accounts, or an object with accounts, packages, feature lists and local users. */
async function readAccountsFile(path: string): Promise<Partial<SimulatorOptions>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`Failed to read the accounts file “${path}”: ${(error as Error).message}`, { cause: error });
  }

  const shape = accountsFileSchema.safeParse(parsed);
  if (!shape.success) {
    throw new Error(`The accounts file “${path}” must hold an array of accounts or an object with `
      + `“accounts”, “packages”, “featureLists” and “localUsers”: ${z.prettifyError(shape.error).replace(/\n/g, ' ')}`);
  }
  // The simulator validates each entry when it starts and names the invalid field.
  return (Array.isArray(shape.data) ? { accounts: shape.data } : shape.data) as Partial<SimulatorOptions>;
}

function describe(simulator: WhmSimulator, role: string, print: (line: string) => void): void {
  print(`WHM simulator (${role}) “${simulator.hostname}” listening on ${simulator.url}`);
  if (simulator.fingerprint256 !== undefined) print(`  TLS certificate SHA-256 fingerprint: ${simulator.fingerprint256}`);
}

async function run(flags: SimulateFlags, io: SimulateCommandIo): Promise<void> {
  let tokenSource: string | undefined;
  if (flags.token !== undefined) tokenSource = '--token';
  else if (io.env.WHM_SIM_TOKEN) tokenSource = 'WHM_SIM_TOKEN';
  const token = flags.token ?? (io.env.WHM_SIM_TOKEN || randomBytes(24).toString('hex'));
  const passwordFromEnv = io.env.WHM_SIM_ROOT_PASSWORD;
  const rootPassword = passwordFromEnv || randomBytes(12).toString('hex');
  const credentials: SimulatorCredential[] = [{ user: flags.user, token, password: rootPassword }];

  const peers = Object.fromEntries(flags.peer.map((entry) => {
    const separator = entry.indexOf('=');
    return [entry.slice(0, separator), entry.slice(separator + 1)];
  }));
  const tuning: SimulatorOptions = {
    host: flags.host,
    tls: flags.tls,
    stateNames: flags.stateNames,
    logger: io.logger,
  };
  if (flags.bytesPerSecond !== undefined) tuning.bytesPerSecond = flags.bytesPerSecond;
  if (flags.restoreBytesPerSecond !== undefined) tuning.restoreBytesPerSecond = flags.restoreBytesPerSecond;
  if (flags.minItemStepMs !== undefined) tuning.minItemStepMs = flags.minItemStepMs;
  if (flags.createDelayMs !== undefined) tuning.createDelayMs = flags.createDelayMs;
  const port = flags.port ?? (flags.tls ? 2087 : 2086);

  let simulators: WhmSimulator[];
  if (flags.pair === true) {
    const pair = await startSimulatorPair({
      source: { ...tuning, port: 0 },
      destination: { ...tuning, port, hostname: flags.hostname, credentials, peers },
    });
    simulators = [pair.destination, pair.source];
    describe(pair.destination, 'destination', io.print);
    describe(pair.source, 'source', io.print);
    io.print(`  The destination reaches the source as “${pair.source.hostname}”; `
      + `its root password is “${pair.sourceRootLogin.password}” (a demo value).`);
  } else {
    const inventory = flags.accounts === undefined ? {} : await readAccountsFile(flags.accounts);
    const simulator = await startSimulator({ ...tuning, ...inventory, port, hostname: flags.hostname, credentials, peers });
    simulators = [simulator];
    describe(simulator, flags.accounts === undefined ? 'destination' : 'source', io.print);
  }

  if (tokenSource === undefined) {
    io.print(`  API token (generated; set WHM_SIM_TOKEN to choose one): put “${flags.user}:${token}” in your configuration.`);
  } else {
    io.print(`  API token: the value of ${tokenSource}.`);
  }
  io.print(passwordFromEnv
    ? `  Root password for Basic logins: the value of WHM_SIM_ROOT_PASSWORD.`
    : `  Root password for Basic logins (generated; set WHM_SIM_ROOT_PASSWORD to choose one): ${rootPassword}`);
  io.print('Press Ctrl+C to stop.');

  await io.waitForStop();
  await Promise.all(simulators.map((simulator) => simulator.close()));
  io.print('WHM simulator stopped.');
}

/** Builds `whm-migrate simulate`: runs a WHM simulator on loopback until SIGINT or SIGTERM. */
export function simulateCommand(io: Partial<SimulateCommandIo> = {}): Command {
  const resolvedIo: SimulateCommandIo = {
    print: io.print ?? ((line) => process.stdout.write(`${line}\n`)),
    waitForStop: io.waitForStop ?? waitForSignal,
    env: io.env ?? process.env,
    logger: io.logger ?? createLogger('whm-simulator'),
  };

  return new Command('simulate')
    .description('Run a WHM simulator on loopback that behaves like a cPanel & WHM transfer destination or source.')
    .option('--port <port>', 'TCP port; 0 picks a free one (default: 2087 with TLS, 2086 without)',
      parseWholeNumber('--port', 0))
    .option('--host <address>', 'loopback address to listen on', '127.0.0.1')
    .option('--hostname <name>', 'server hostname the simulator reports', 'whm.sim.test')
    .option('--no-tls', 'serve plain HTTP instead of HTTPS with a generated self-signed certificate')
    .option('--user <name>', 'WHM user name the token and the root password log in as', 'root')
    .option('--token <token>', 'API token to accept (default: $WHM_SIM_TOKEN, else a generated one)')
    .option('--accounts <file>', 'JSON file with the accounts, packages and feature lists of a source server')
    .option('--peer <host=url>', 'hostname and base URL of a source simulator, in place of DNS; repeatable',
      collectPeer, [])
    .option('--bytes-per-second <bytes>', 'transfer rate per worker thread, in bytes per second',
      parseWholeNumber('--bytes-per-second', 1))
    .option('--restore-bytes-per-second <bytes>', 'restore rate per worker thread, in bytes per second',
      parseWholeNumber('--restore-bytes-per-second', 1))
    .option('--min-item-step-ms <ms>', 'shortest duration of one TRANSFER or RESTORE step, in milliseconds',
      parseWholeNumber('--min-item-step-ms', 0))
    .option('--create-delay-ms <ms>', 'extra time create_remote_root_transfer_session takes, in milliseconds',
      parseWholeNumber('--create-delay-ms', 0))
    .addOption(new Option('--state-names <mode>', 'session state names get_transfer_session_state reports')
      .choices(['real', 'doc-compat']).default('real'))
    .option('--pair', 'also start a source with demo accounts that the destination reaches by its hostname')
    .addHelpText(
      'after',
      [
        '',
        'The root password for Basic logins comes from $WHM_SIM_ROOT_PASSWORD, else it is generated.',
        '',
        '--accounts file (JSON): {"accounts": [{"user": "alice", "domain": "alice.example", "bytesUsed": 50331648,',
        '  "plan": "starter", "password": "optional, for user sessions"}], "packages": [{"name": "starter",',
        '  "featurelist": "default"}], "featureLists": ["default"]}; deploy/rehearsal/source-accounts.json is an example.',
        '',
        'Control endpoint (same credentials as the API, JSON bodies) for rehearsing failures:',
        '  GET|PATCH /__simulator/health        load averages, CPU count, disks, services',
        '  GET|POST|DELETE /__simulator/faults  e.g. {"function": "start_transfer_session", "kind": "http-503", "times": 2};',
        '                                       kinds: http-500, http-503, drop, delay (delayMs), result-0 (reason), http-403',
        '  POST /__simulator/item-failures      {"user": "bob", "reason": "Disk quota exceeded", "times": 1}',
        '  GET|PATCH /__simulator/rates         {"bytesPerSecond": 1048576, "restoreBytesPerSecond": 2097152}',
        '  GET /__simulator/sessions            every transfer session with its items and a count of created sessions',
      ].join('\n'),
    )
    .action(async (flags: SimulateFlags) => run(flags, resolvedIo));
}
