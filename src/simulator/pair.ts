import type { SimulatedAccount, SimulatedPackage, SimulatorOptions } from './options';
import { startSimulator, type WhmSimulator } from './simulator';

/** Source accounts of the ready-made pair; each has a cPanel password for user-authenticated transfers. */
export const DEMO_SOURCE_ACCOUNTS: readonly SimulatedAccount[] = [
  { user: 'alice', domain: 'alice-bakery.example', bytesUsed: 48 * 1024 * 1024, plan: 'starter', password: 'alice-demo-password' },
  { user: 'bob', domain: 'bob-garage.example', bytesUsed: 210 * 1024 * 1024, plan: 'business', password: 'bob-demo-password' },
  { user: 'carol', domain: 'carol-studio.example', bytesUsed: 12 * 1024 * 1024, plan: 'starter', password: 'carol-demo-password' },
  { user: 'dave', domain: 'dave-books.example', bytesUsed: 640 * 1024 * 1024, plan: 'business', owner: 'root', password: 'dave-demo-password' },
];

export const DEMO_SOURCE_PACKAGES: readonly SimulatedPackage[] = [
  { name: 'starter', featurelist: 'default' },
  { name: 'business', featurelist: 'business-features' },
];

export const DEMO_SOURCE_HOSTNAME = 'source.sim.test';
export const DEMO_DESTINATION_HOSTNAME = 'whm.sim.test';
/** Root password of the ready-made source; `create_remote_root_transfer_session` needs it. */
export const DEMO_SOURCE_ROOT_PASSWORD = 'source-root-password';

export interface SimulatorPairOptions {
  /** Overrides for the source; its accounts default to {@link DEMO_SOURCE_ACCOUNTS}. */
  source?: SimulatorOptions;
  /** Overrides for the destination; `peers` gains the source's hostname. */
  destination?: SimulatorOptions;
}

/** A source simulator with accounts and a destination simulator that reaches it by hostname. */
export interface SimulatorPair {
  source: WhmSimulator;
  destination: WhmSimulator;
  /** The root login the destination uses on the source. */
  sourceRootLogin: { user: string; password: string };
  close(): Promise<void>;
}

/**
 * Starts a ready-made source and destination for demos and tests. The source accepts root with the
 * token `sim-token` or the password {@link DEMO_SOURCE_ROOT_PASSWORD}; the destination accepts root
 * with `sim-token`. The options can change both.
 */
export async function startSimulatorPair(options: SimulatorPairOptions = {}): Promise<SimulatorPair> {
  const source = await startSimulator({
    hostname: DEMO_SOURCE_HOSTNAME,
    credentials: [{ user: 'root', token: 'sim-token', password: DEMO_SOURCE_ROOT_PASSWORD }],
    accounts: [...DEMO_SOURCE_ACCOUNTS],
    packages: [...DEMO_SOURCE_PACKAGES],
    featureLists: ['business-features'],
    ...options.source,
  });

  let destination: WhmSimulator;
  try {
    destination = await startSimulator({
      hostname: DEMO_DESTINATION_HOSTNAME,
      ...options.destination,
      peers: { ...options.destination?.peers, [source.hostname]: source.url },
    });
  } catch (error) {
    await source.close();
    throw error;
  }

  const rootCredential = (options.source?.credentials ?? [{ user: 'root', password: DEMO_SOURCE_ROOT_PASSWORD }])
    .find((credential) => credential.password !== undefined);
  return {
    source,
    destination,
    sourceRootLogin: { user: rootCredential?.user ?? 'root', password: rootCredential?.password ?? '' },
    close: async () => {
      await destination.close();
      await source.close();
    },
  };
}
