/**
 * The counts behind the migration gauges of `GET /metrics`: running migrations by phase, paused
 * migrations, and their active holds by kind. They come from Temporal visibility, which lags a
 * moment behind the workflows, and cover the service's task queue only, so rehearsal migrations on
 * another queue of the same namespace stay out of them.
 */
import { isInvalidArgument } from '../../client/errors';
import { migrationsQuery } from '../../client/visibility';
import { MIGRATION_PHASES } from '../../client/phases';
import type { Logger } from '../../log';
import type { MigrationPhase } from '../../messages';
import { PAUSED_ATTRIBUTE, PHASE_ATTRIBUTE } from '../../search-attributes';
import type { MigrationWorkflows } from '../migrations/migration-workflows';

/** Kinds of hold, from the part of the hold source before its first colon; any other source is `other`. */
export const HOLD_KINDS = ['operator', 'health', 'alert', 'schedule', 'other'] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

/** Counts of the running migrations on one task queue. */
export interface Census {
  /** Every phase, 0 when no migration is in it. A migration that has not indexed a phase yet is in none. */
  phases: Record<MigrationPhase, number>;
  /** Migrations with at least one active hold (search attribute WhmMigratePaused). */
  paused: number;
  /** Active holds of every kind, summed over the paused migrations. */
  holds: Record<HoldKind, number>;
}

/** The latest census, or undefined when Temporal could not provide one. */
export interface CensusReading {
  census?: Census;
}

export interface MigrationCensusOptions {
  migrations: MigrationWorkflows;
  taskQueue: string;
  logger: Logger;
  /** How long one refresh may take, in milliseconds. @default 3_000 */
  timeoutMs?: number;
  /** How long a result (or a failure) is reused before the next scrape refreshes it, in milliseconds. @default 5_000 */
  maxAgeMs?: number;
}

/** Tells which kind a hold source is: `health:dest.example.com` is `health`, `ticket-42` is `other`. */
export function holdKind(source: string): HoldKind {
  const prefix = source.split(':', 1)[0];
  return prefix === 'operator' || prefix === 'health' || prefix === 'alert' || prefix === 'schedule' ? prefix : 'other';
}

/** Returns `value` as a visibility query string literal; a quote is doubled, which the query parser reads as one. */
function queryLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * Reads the census from Temporal at most once per `maxAgeMs`, however often Prometheus scrapes, and
 * never waits longer than `timeoutMs` for it. Scrapes that arrive during a refresh share it.
 */
export class MigrationCensus {
  private readonly timeoutMs: number;
  private readonly maxAgeMs: number;
  private readonly runningQuery: string;
  private cached: { reading: CensusReading; at: number } | undefined;
  private refreshing: Promise<CensusReading> | undefined;
  /** False once the server rejected GROUP BY on the phase; phases are then counted one by one. */
  private groupBySupported = true;
  private up: boolean | undefined;

  constructor(private readonly options: MigrationCensusOptions) {
    this.timeoutMs = options.timeoutMs ?? 3_000;
    this.maxAgeMs = options.maxAgeMs ?? 5_000;
    this.runningQuery = `${migrationsQuery({ running: true }, 'metrics')} AND TaskQueue = ${queryLiteral(options.taskQueue)}`;
  }

  /** Returns the census, refreshed when the cached one is older than `maxAgeMs`. */
  async read(): Promise<CensusReading> {
    if (this.cached !== undefined && Date.now() - this.cached.at < this.maxAgeMs) return this.cached.reading;
    this.refreshing ??= this.refresh().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async refresh(): Promise<CensusReading> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no census from Temporal within ${this.timeoutMs} ms`)), this.timeoutMs);
    });

    let reading: CensusReading;
    try {
      reading = { census: await Promise.race([this.take(), timeout]) };
      if (this.up === false) this.options.logger.info({ taskQueue: this.options.taskQueue }, 'migration gauges readable again');
      this.up = true;
    } catch (error) {
      reading = {};
      // Logged when the gauges go missing, not on every scrape while they stay missing.
      if (this.up !== false) this.options.logger.warn({ err: error, taskQueue: this.options.taskQueue }, 'cannot read the migration gauges from Temporal; /metrics reports whm_migrate_serve_temporal_up 0');
      this.up = false;
    } finally {
      clearTimeout(timer);
    }

    this.cached = { reading, at: Date.now() };
    return reading;
  }

  /**
   * Reads the census. The one list call goes first and alone, so a Temporal that is down fails it and
   * costs one failed call, not one per phase count.
   */
  private async take(): Promise<Census> {
    const heldSources = await this.options.migrations.holdSources(`${this.runningQuery} AND ${PAUSED_ATTRIBUTE.name} = true`, this.timeoutMs);
    const phases = await this.countPhases();

    const holds = Object.fromEntries(HOLD_KINDS.map((kind) => [kind, 0])) as Record<HoldKind, number>;
    for (const sources of heldSources) for (const source of sources) holds[holdKind(source)] += 1;
    return { phases, paused: heldSources.length, holds };
  }

  /** Counts by phase with one GROUP BY query where the server supports it, else with one count per phase. */
  private async countPhases(): Promise<Record<MigrationPhase, number>> {
    const phases = Object.fromEntries(Object.keys(MIGRATION_PHASES).map((phase) => [phase, 0])) as Record<MigrationPhase, number>;
    const { migrations } = this.options;

    if (this.groupBySupported) {
      try {
        const result = await migrations.count(`${this.runningQuery} GROUP BY ${PHASE_ATTRIBUTE.name}`, this.timeoutMs);
        for (const group of result.groups) {
          // Each group value is the attribute's value list: ["transferring"], or empty for no phase.
          const value: unknown = group.groupValues[0];
          const phase: unknown = Array.isArray(value) ? value[0] : value;
          if (typeof phase === 'string' && Object.hasOwn(phases, phase)) phases[phase as MigrationPhase] += group.count;
        }
        return phases;
      } catch (error) {
        // NOTE: Temporal 1.29 groups by ExecutionStatus only, whatever the visibility store, and rejects
        // other groupings with INVALID_ARGUMENT. So the GROUP BY result above has never been read in a test.
        if (!isInvalidArgument(error)) throw error;
        this.groupBySupported = false;
        this.options.logger.info({ err: error }, 'Temporal cannot group the migration count by phase; counting each phase on its own');
      }
    }

    const counts = await Promise.all(
      (Object.keys(phases) as MigrationPhase[]).map(async (phase) => {
        const result = await migrations.count(`${this.runningQuery} AND ${PHASE_ATTRIBUTE.name} = ${queryLiteral(phase)}`, this.timeoutMs);
        return [phase, result.count] as const;
      }),
    );
    for (const [phase, count] of counts) phases[phase] = count;
    return phases;
  }
}
