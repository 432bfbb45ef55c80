// The 30-day window for 司法确认 as 民事诉讼法 art. 85 counts it, on the shipped holiday calendar:
// the effective day is not counted, the window ends at 24:00 China time on the 30th day, and moves
// to the first working day when that day is a statutory rest day (2026 Spring Festival), while a
// 调休 working Saturday is not a rest day; month ends and years without a published arrangement.
import { describe, expect, it } from 'vitest';
import { CourtCalendar, endOfChinaDay } from '../../signaling/judicial/court-calendar.ts';

const calendar = CourtCalendar.load();
/** An instant on a China calendar day (10:00 China time). */
const on = (iso: string) => new Date(`${iso}T02:00:00Z`);

describe('the 30-day window (民事诉讼法 art. 85)', () => {
  it('does not count the effective day and ends at 24:00 China time on the 30th day', () => {
    const w = calendar.periodEnd(on('2026-03-02'), 30);
    expect(w).toMatchObject({ startDate: '2026-03-02', lastDay: '2026-04-01', movedFrom: null, calendarComplete: true });
    expect(w.endsAt.toISOString()).toBe('2026-04-01T16:00:00.000Z');
    // Signed at 23:30 China time: still that day; the window is measured in China days, not 30×24 h.
    expect(calendar.periodEnd(new Date('2026-03-02T15:30:00Z'), 30).lastDay).toBe('2026-04-01');
    expect(calendar.periodEnd(new Date('2026-03-02T16:30:00Z'), 30).lastDay).toBe('2026-04-02');
  });

  it('moves past the Spring Festival holiday to the first working day (2026-02-15…23)', () => {
    const w = calendar.periodEnd(on('2026-01-20'), 30);
    expect(w).toMatchObject({ lastDay: '2026-02-24', movedFrom: '2026-02-19', movedBecause: '春节' });
    expect(w.endsAt).toEqual(endOfChinaDay('2026-02-24'));
  });

  it('across a month end: a 调休 working Saturday (2026-02-28) is a working day; an ordinary weekend is not', () => {
    expect(calendar.periodEnd(on('2026-01-29'), 30)).toMatchObject({ lastDay: '2026-02-28', movedFrom: null });
    // 2026-01-31 + 30 = 2026-03-02 (Monday); 2026-04-30 + 30 = 2026-05-30 (Saturday) → 2026-06-01 (Monday).
    expect(calendar.periodEnd(on('2026-01-31'), 30)).toMatchObject({ lastDay: '2026-03-02', movedFrom: null });
    expect(calendar.periodEnd(on('2026-04-30'), 30)).toMatchObject({ lastDay: '2026-06-01', movedFrom: '2026-05-30', movedBecause: null });
  });

  it('National Day: the 30th day in the holiday moves to 2026-10-08; across the year end into 2027', () => {
    expect(calendar.periodEnd(on('2026-09-02'), 30)).toMatchObject({ lastDay: '2026-10-08', movedFrom: '2026-10-02', movedBecause: '国庆节' });
    const w = calendar.periodEnd(on('2026-12-02'), 30);
    expect(w).toMatchObject({ lastDay: '2027-01-04', movedFrom: '2027-01-01', movedBecause: '元旦' });
    // 2027's 调休 arrangement is not yet entered: the result says so (the page warns).
    expect(w.calendarComplete).toBe(false);
  });

  it('2027 Spring Festival (除夕至初三, 2027-02-05…08) moves the end to 2027-02-09', () => {
    expect(calendar.periodEnd(on('2027-01-07'), 30)).toMatchObject({ lastDay: '2027-02-09', movedFrom: '2027-02-06' });
  });
});
