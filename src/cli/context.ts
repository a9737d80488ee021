import type { Command } from 'commander';
import { MigrationClient } from '../client';
import type { ExitCode } from './exit-codes';
import type { CliIo } from './io';

/** Options every command that talks to Temporal accepts, before or after the command name. */
export interface ConnectionFlags {
  address?: string;
  namespace?: string;
  taskQueue?: string;
  connectTimeoutMs?: number;
}

/** State shared by the command actions of one run: the I/O and the exit code. */
export class CommandContext {
  /** Exit code when no error is thrown; a command sets it, for example, when a migration failed. */
  exitCode: ExitCode = 0;

  constructor(readonly io: CliIo) {}

  print(line = ''): void {
    this.io.stdout(`${line}\n`);
  }

  printLines(lines: readonly string[]): void {
    for (const line of lines) this.print(line);
  }

  printJson(value: unknown): void {
    this.print(JSON.stringify(value, null, 2));
  }

  /** Writes a note for the person at the terminal to standard error, so standard output stays parseable. */
  note(line: string): void {
    this.io.stderr(`${line}\n`);
  }

  /** Connects with the command's connection flags and runs `fn`; closes the connection afterwards. */
  async withClient<T>(command: Command, fn: (client: MigrationClient) => Promise<T>): Promise<T> {
    const flags = command.optsWithGlobals<ConnectionFlags>();
    const client = await MigrationClient.connect({
      address: flags.address,
      namespace: flags.namespace,
      taskQueue: flags.taskQueue,
      connectTimeoutMs: flags.connectTimeoutMs,
      env: this.io.env,
    });
    try {
      return await fn(client);
    } finally {
      await client.close();
    }
  }
}
