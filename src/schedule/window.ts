/**
 * Maintenance windows: the hours in which a migration may transfer, and blackouts in which it may
 * not (for example cPanel's nightly update, `upcp`, which fails when it runs during a transfer).
 *
 * Time-zone arithmetic uses the ICU data of the Node.js that runs it, which changes with tzdata
 * updates. The workflow therefore calls {@link evaluateSchedule} through a local activity, so its
 * results are recorded in history and a replay never recomputes them.
 */
import { z } from 'zod';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const clockTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, { error: 'must be a time of day as HH:MM or HH:MM:SS, 00:00 to 23:59:59' });

const timeZoneSchema = z.string().refine(isValidTimeZone, {
  error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}: use an IANA name such as "Europe/Berlin" or "UTC"`,
});

const periodFields = {
  days: z
    .array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(', ')}` }))
    .min(1)
    .optional()
    .describe('Days on which the period starts (a period that ends after midnight belongs to its start day). Default: every day.'),
  start: clockTimeSchema.describe('Local start time, HH:MM or HH:MM:SS.'),
  end: clockTimeSchema.describe('Local end time; at or before `start` means the next day.'),
};

export const scheduleSchema = z
  .strictObject({
    timeZone: timeZoneSchema.default('UTC').describe('IANA time zone of every time below.'),
    windows: z
      .array(z.strictObject(periodFields))
      .default([])
      .describe('Periods in which the migration may transfer; none means any time outside blackouts.'),
    blackouts: z
      .array(z.strictObject({ ...periodFields, reason: z.string().min(1).max(200).optional() }))
      .default([])
      .describe('Periods in which it may not, for example the time cPanel\'s nightly update (upcp) runs on either server.'),
  })
  .describe('Maintenance windows: outside them the migration holds with source "schedule" and resumes when one opens.');

export type Schedule = z.output<typeof scheduleSchema>;
type Period = Schedule['windows'][number] & { reason?: string };

export interface ScheduleEvaluation {
  allowed: boolean;
  /** Why the migration may not run now. */
  reason?: string;
  /** ISO time of the next change between allowed and not allowed; absent when it never changes. */
  nextChangeAt?: string;
}

/** Evaluates the schedule at `now`: whether a transfer may run, and when that next changes (within 8 days). */
export function evaluateSchedule(schedule: Schedule, now: Date): ScheduleEvaluation {
  const windows = schedule.windows.flatMap((period) => occurrences(period, schedule.timeZone, now));
  const blackouts = schedule.blackouts.flatMap((period) => occurrences(period, schedule.timeZone, now));

  const stateAt = (instant: number): { allowed: boolean; reason?: string } => {
    const blackout = blackouts.find((interval) => interval.start <= instant && instant < interval.end);
    if (blackout) return { allowed: false, reason: blackout.reason ?? `in a blackout (${blackout.label})` };
    if (schedule.windows.length === 0) return { allowed: true };
    if (windows.some((interval) => interval.start <= instant && instant < interval.end)) return { allowed: true };
    return { allowed: false, reason: `outside the maintenance windows (${schedule.windows.map((period) => describePeriod(period, schedule.timeZone)).join(', ')})` };
  };

  const current = stateAt(now.getTime());
  const boundaries = [...new Set([...windows, ...blackouts].flatMap((interval) => [interval.start, interval.end]))]
    .filter((instant) => instant > now.getTime())
    .sort((a, b) => a - b);
  const next = boundaries.find((instant) => stateAt(instant).allowed !== current.allowed);
  return { ...current, ...(next === undefined ? {} : { nextChangeAt: new Date(next).toISOString() }) };
}

interface Interval {
  start: number;
  end: number;
  reason?: string;
  label: string;
}

// Every occurrence of `period` that starts between one day before and eight days after `now`.
function occurrences(period: Period, timeZone: string, now: Date): Interval[] {
  const intervals: Interval[] = [];
  const today = localDate(now, timeZone);
  for (let offset = -1; offset <= 8; offset++) {
    const day = addDays(today, offset);
    if (period.days && !period.days.includes(weekday(day))) continue;
    const start = toInstant(day, parseClock(period.start), timeZone);
    const endsNextDay = parseClock(period.end) <= parseClock(period.start);
    const end = toInstant(endsNextDay ? addDays(day, 1) : day, parseClock(period.end), timeZone);
    intervals.push({ start, end, reason: period.reason, label: describePeriod(period, timeZone) });
  }
  return intervals;
}

function describePeriod(period: Period, timeZone: string): string {
  const days = period.days ? `${period.days.join(',')} ` : '';
  return `${days}${period.start}-${period.end} ${timeZone}`;
}

interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

function parseClock(text: string): number {
  const [hours, minutes, seconds] = text.split(':').map(Number);
  return (hours ?? 0) * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0);
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

function weekday(date: CalendarDate): Weekday {
  // getUTCDay: 0 is Sunday.
  return WEEKDAYS[(new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7]!;
}

function zonedParts(instant: number, timeZone: string): { date: CalendarDate; seconds: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  return {
    date: { year: parts.year!, month: parts.month!, day: parts.day! },
    seconds: parts.hour! * 3600 + parts.minute! * 60 + parts.second!,
  };
}

function localDate(now: Date, timeZone: string): CalendarDate {
  return zonedParts(now.getTime(), timeZone).date;
}

// Local wall-clock time to an instant: start from the time as if it were UTC, then correct by the
// zone's offset twice (the second pass settles instants next to a daylight-saving change).
function toInstant(date: CalendarDate, seconds: number, timeZone: string): number {
  const wallClock = Date.UTC(date.year, date.month - 1, date.day) + seconds * 1000;
  let instant = wallClock;
  for (let pass = 0; pass < 2; pass++) {
    const parts = zonedParts(instant, timeZone);
    const shown = Date.UTC(parts.date.year, parts.date.month - 1, parts.date.day) + parts.seconds * 1000;
    instant += wallClock - shown;
  }
  return instant;
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}
