import { Command } from 'commander';
import { request } from 'undici';
import { ServeConfigError } from '../../src/serve';
import { serveCommand } from '../../src/serve/cli';
import { eventually } from '../helpers/migration-env';
import { sharedTemporalAddress } from '../helpers/temporal';
import { captureLogger, TEST_TOKEN } from './helpers';

/** Builds a program with the global options of `whm-migrate` that `serve` reads, and `serve` under it. */
function program(env: NodeJS.ProcessEnv, stop: Promise<void>, printed: string[]): Command {
  const { logger } = captureLogger();
  return new Command('whm-migrate')
    .option('--address <host:port>')
    .option('--namespace <name>')
    .option('--task-queue <name>')
    .exitOverride()
    .addCommand(serveCommand({ env, print: (line) => printed.push(line), waitForStop: () => stop, logger }));
}

describe('whm-migrate serve', () => {
  test('serves until stopped', async () => {
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const printed: string[] = [];
    const env = { WHM_MIGRATE_SERVE_TOKEN: TEST_TOKEN, WHM_MIGRATE_SERVE_PORT: '0', TEMPORAL_ADDRESS: '127.0.0.1:1' };

    const run = program(env, stopped, printed).parseAsync(['--address', sharedTemporalAddress(), 'serve'], { from: 'user' });
    const line = await eventually('the listening line', () => printed[0]);
    const url = /listening on (\S+)/.exec(line)?.[1];
    const ready = await request(`${url}/readyz`);
    await ready.body.dump();
    stop();
    await run;

    expect(line).toContain(`(Temporal ${sharedTemporalAddress()}, namespace default)`);
    expect(ready.statusCode).toBe(200);
    await expect(request(`${url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });

  test('invalid settings stop it before listening', async () => {
    const printed: string[] = [];

    const run = program({ WHM_MIGRATE_SERVE_PORT: 'eighty' }, new Promise(() => undefined), printed).parseAsync(['serve'], { from: 'user' });

    await expect(run).rejects.toThrow(ServeConfigError);
    await expect(run).rejects.toThrow(/WHM_MIGRATE_SERVE_PORT: must be a whole number from 0 to 65535/);
    expect(printed).toEqual([]);
  });
});
