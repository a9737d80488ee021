/**
 * Pure text formatting for the CLI: sizes, durations, progress bars and aligned tables. Nothing here
 * writes output or reads the clock.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Formats a byte count with binary units: `0 B`, `512 B`, `1.5 KiB`, `12 MiB`, `3.21 GiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';

  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;

  // Two decimals below 10, one below 100, none above; trailing zeros dropped: 1.5 KiB, 12.3 MiB, 123 GiB.
  let decimals = 0;
  if (value < 10) decimals = 2;
  else if (value < 100) decimals = 1;
  return `${Number(value.toFixed(decimals))} ${BYTE_UNITS[unit]}`;
}

/**
 * Formats a duration in milliseconds with its two largest units: `350 ms`, `4.2 s`, `2m 05s`,
 * `1h 02m`, `3d 04h`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;

  const totalSeconds = Math.floor(ms / 1000);
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const pad = (value: number): string => String(value).padStart(2, '0');

  if (days > 0) return `${days}d ${pad(hours)}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  if (minutes > 0) return `${minutes}m ${pad(seconds)}s`;
  return `${seconds} s`;
}

/** Returns the time from `from` to `to` (ISO 8601 strings), or undefined when either is missing or invalid. */
export function durationBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Formats an ISO 8601 time as `YYYY-MM-DD HH:MM:SS UTC`; other text is returned unchanged. */
export function formatTime(iso: string | Date | undefined): string {
  if (iso === undefined) return '-';
  const date = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return String(iso);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * Draws `[#####.....]  50%`: `width` cells filled in proportion to `done / total`. A total of 0 counts
 * as complete, so an empty migration does not show 0 %.
 */
export function progressBar(done: number, total: number, width = 30): string {
  const fraction = total <= 0 ? 1 : Math.min(Math.max(done / total, 0), 1);
  const filled = Math.floor(fraction * width);
  // Math.floor keeps 99.6 % from printing as 100 % while work remains.
  const percent = Math.floor(fraction * 100);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)}%`;
}

export type ColumnAlign = 'left' | 'right';

export interface TableOptions {
  /** Header row, underlined with dashes. @default no header */
  headers?: string[];
  /** Alignment per column. @default left for every column */
  align?: ColumnAlign[];
  /** Text before every line. @default '' */
  indent?: string;
  /** Spaces between columns. @default 2 */
  gap?: number;
}

/**
 * Lays out rows as lines of aligned columns. The last column is not padded, so lines carry no
 * trailing spaces; a missing cell counts as empty.
 */
export function formatTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string[] {
  const indent = options.indent ?? '';
  const gap = ' '.repeat(options.gap ?? 2);
  const all = options.headers ? [options.headers, options.headers.map((header) => '-'.repeat(header.length)), ...rows] : [...rows];
  const columns = Math.max(0, ...all.map((row) => row.length));

  const widths: number[] = [];
  for (let column = 0; column < columns; column += 1) {
    widths.push(Math.max(0, ...all.map((row) => (row[column] ?? '').length)));
  }

  return all.map((row) => {
    const cells: string[] = [];
    for (let column = 0; column < columns; column += 1) {
      const text = row[column] ?? '';
      const isLast = column === columns - 1;
      const width = widths[column] ?? 0;
      if (options.align?.[column] === 'right') cells.push(text.padStart(width));
      else cells.push(isLast ? text : text.padEnd(width));
    }
    return `${indent}${cells.join(gap)}`.trimEnd();
  });
}

/** Returns `1 item` or `3 items`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
