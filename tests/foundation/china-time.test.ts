// One clock: every time people read is China time in one format, whatever the machine's or the
// browser's time zone, and a duration reads the same on the judge's page and in the PDF.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatChinaClock, formatChinaDate, formatChinaDateTime, formatDuration } from '../../signaling/domain/china-time.ts';
import { formatDate, formatDateTime, localDatePlusDays } from '../../web-client/src/format.ts';

const savedTz = process.env.TZ;
beforeEach(() => {
  // A browser or server far from China: the same instant must still read as China time.
  process.env.TZ = 'America/Los_Angeles';
});
afterEach(() => {
  process.env.TZ = savedTz;
});

describe('China time', () => {
  const evening = '2026-03-08T14:30:00.000Z'; // 22:30 in Beijing, 07:30 in Los Angeles

  it('formats an instant as Beijing wall-clock time, in any time zone', () => {
    expect(formatChinaDateTime(evening)).toBe('2026-03-08 22:30');
    expect(formatChinaDateTime(new Date(evening), { seconds: true })).toBe('2026-03-08 22:30:00');
    expect(formatChinaDate(evening)).toBe('2026-03-08');
    expect(formatChinaClock(evening)).toBe('22:30');
    // Past midnight in Beijing is the next day there, whatever the day is elsewhere.
    expect(formatChinaDateTime('2026-03-08T16:34:00Z')).toBe('2026-03-09 00:34');
    expect(formatChinaDateTime(null)).toBe('—');
    expect(formatChinaDateTime('not a date')).toBe('—');
  });

  it('is what the web client shows everywhere', () => {
    expect(formatDateTime(evening)).toBe('2026-03-08 22:30');
    expect(formatDate('2026-03-08T16:34:00Z')).toBe('2026-03-09');
    // "14 days from today" counts China calendar days: at 01:00 Beijing (17:00 the day before in LA) it is already the 9th.
    expect(localDatePlusDays(14, new Date('2026-03-08T17:00:00Z'))).toBe('2026-03-23');
  });
});

describe('durations', () => {
  it('say seconds under a minute and never round half a minute up to one', () => {
    expect(formatDuration(0)).toBe('0 秒');
    expect(formatDuration(30)).toBe('30 秒');
    expect(formatDuration(60)).toBe('1 分钟');
    expect(formatDuration(90)).toBe('1 分 30 秒');
    expect(formatDuration(1500)).toBe('25 分钟');
    expect(formatDuration(3600)).toBe('1 小时');
    expect(formatDuration(3600 + 25 * 60 + 10)).toBe('1 小时 25 分钟');
    expect(formatDuration(-5)).toBe('0 秒');
  });
});
