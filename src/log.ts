import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Creates the process logger: JSON lines on stderr, so stdout stays free for command output.
 * The level comes from `WHM_MIGRATE_LOG_LEVEL` (default `info`).
 */
export function createLogger(name: string, level = process.env.WHM_MIGRATE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ dest: 2, sync: true }));
}

/** A logger that drops everything, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
