// Periods as the law counts them (民事诉讼法 art. 85): the day an event happens is not counted, a
// period of N days ends at 24:00 China time on the Nth day, and when that day is a statutory rest
// day the period ends on the first working day after it. Rest days come from a calendar file a
// centre updates each year (agreement-templates/court-rules/holidays-cn.json): the holidays and
// the 调休 working days the State Council publishes; weekends are rest days unless listed as work.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const CalendarFile = Type.Object({
  about: Type.Optional(Type.String()),
  weekendsAreRestDays: Type.Boolean(),
  years: Type.Record(
    Type.String({ pattern: '^\\d{4}$' }),
    Type.Object({
      published: Type.Boolean(),
      source: Type.String(),
      rest: Type.Array(Type.Object({ name: Type.String(), from: IsoDate, to: IsoDate })),
      work: Type.Array(IsoDate),
    }),
  ),
});
type CalendarData = Static<typeof CalendarFile>;

export const DEFAULT_CALENDAR_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../agreement-templates/court-rules/holidays-cn.json');

const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

/** The calendar date (YYYY-MM-DD) in China of an instant. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 24:00 China time at the end of a China calendar date, as an instant. */
export function endOfChinaDay(iso: string): Date {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + DAY_MS - CHINA_OFFSET_MS);
}

export interface PeriodEnd {
  /** The event's day (not counted). */
  startDate: string;
  /** The last day of the period, after moving off rest days. */
  lastDay: string;
  /** 24:00 China time on lastDay. */
  endsAt: Date;
  /** The Nth day when it was a rest day (the period then moved to lastDay); null otherwise. */
  movedFrom: string | null;
  /** The holiday that moved it, if named in the calendar. */
  movedBecause: string | null;
  /** False when a year the period touches has no published arrangement in the calendar file (weekends only were used). */
  calendarComplete: boolean;
}

export class CourtCalendar {
  constructor(private readonly data: CalendarData) {}

  static load(file: string = DEFAULT_CALENDAR_FILE): CourtCalendar {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!Value.Check(CalendarFile, raw)) {
      const first = [...Value.Errors(CalendarFile, raw)][0];
      throw new Error(`${path.basename(file)}: ${first?.path ?? ''} ${first?.message ?? 'invalid'}`);
    }
    return new CourtCalendar(raw);
  }

  /** Whether the calendar holds the published arrangement for a year. */
  published(year: number): boolean {
    return this.data.years[String(year)]?.published === true;
  }

  /** The named holiday a date falls in, if any. */
  holiday(iso: string): string | null {
    const y = this.data.years[iso.slice(0, 4)];
    return y?.rest.find((r) => r.from <= iso && iso <= r.to)?.name ?? null;
  }

  isRestDay(iso: string): boolean {
    const y = this.data.years[iso.slice(0, 4)];
    if (y?.work.includes(iso)) return false;
    if (this.holiday(iso)) return true;
    const weekday = new Date(`${iso}T00:00:00Z`).getUTCDay();
    return this.data.weekendsAreRestDays && (weekday === 0 || weekday === 6);
  }

  /** The end of a period of `days` days beginning with the event at `from` (MS 85). */
  periodEnd(from: Date, days: number): PeriodEnd {
    const startDate = chinaDate(from);
    const nth = addDays(startDate, days);
    let lastDay = nth;
    while (this.isRestDay(lastDay)) lastDay = addDays(lastDay, 1);
    const years = new Set([startDate, lastDay].map((d) => Number(d.slice(0, 4))));
    return {
      startDate,
      lastDay,
      endsAt: endOfChinaDay(lastDay),
      movedFrom: lastDay === nth ? null : nth,
      movedBecause: lastDay === nth ? null : this.holiday(nth),
      calendarComplete: [...years].every((y) => this.published(y)),
    };
  }
}

/** 2026年3月8日 10:05, China time (for documents). */
export function chinaDateTime(at: Date): string {
  const d = new Date(at.getTime() + CHINA_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}
