// How a countdown reads (web-client/src/intake/deadline-format.ts): the largest two units, the tone
// turning amber within a day and red once overdue, and the edges (less than a minute either way).
import { describe, expect, it } from 'vitest';
import { readDeadline } from '../../web-client/src/intake/deadline-format.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('readDeadline', () => {
  it.each([
    [2 * DAY + 3 * HOUR + 59 * MIN, 'ok', '剩余 2 天 3 小时'],
    [3 * DAY, 'ok', '剩余 3 天'],
    [DAY, 'soon', '剩余 1 天'],
    [5 * HOUR + 12 * MIN, 'soon', '剩余 5 小时 12 分'],
    [4 * HOUR, 'soon', '剩余 4 小时'],
    [40 * MIN + 30_000, 'soon', '剩余 40 分钟'],
    [30_000, 'soon', '即将到期'],
    [-30_000, 'overdue', '已到期'],
    [-(5 * HOUR + 30 * MIN), 'overdue', '已超期 5 小时 30 分'],
    [-5 * HOUR, 'overdue', '已超期 5 小时'],
    [-(2 * DAY + 3 * HOUR), 'overdue', '已超期 2 天 3 小时'],
  ])('%d ms left reads %s “%s”', (left, tone, text) => {
    expect(readDeadline(1_000_000_000_000 + left, 1_000_000_000_000)).toEqual({ tone, text });
  });

  it('the amber threshold is a setting', () => {
    expect(readDeadline(3 * DAY, 0, 4 * DAY).tone).toBe('soon');
  });
});
