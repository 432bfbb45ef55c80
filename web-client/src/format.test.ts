import { describe, expect, it } from 'vitest';
import { daysLeftView, formatDate, formatDateTime, fromChinaInput, invitationState, localDatePlusDays, normalizeIdLast4, toChinaInput } from './format.ts';
import { matchRoute } from './route-match.ts';
import { isPng, toBase64 } from './pages/admin/png.ts';
import { defaultSideFor, makeLabels } from './labels.ts';

describe('China-time datetime-local values', () => {
  it('reads and writes the input in China time, whatever the browser zone', () => {
    expect(toChinaInput(Date.parse('2026-03-08T06:05:00Z'))).toBe('2026-03-08T14:05');
    expect(fromChinaInput('2026-03-08T14:05')).toBe('2026-03-08T06:05:00.000Z');
    expect(fromChinaInput(toChinaInput(Date.parse('2026-12-31T20:30:00Z')))).toBe('2026-12-31T20:30:00.000Z');
    expect(fromChinaInput('')).toBeNull();
    expect(fromChinaInput('2026-13-40T99:99')).toBeNull();
  });
});

describe('daysLeftView', () => {
  it('shows remaining days, urgent at 3 or fewer', () => {
    expect(daysLeftView(12)).toEqual({ text: '剩余 12 天', urgent: false, overdue: false });
    expect(daysLeftView(4).urgent).toBe(false);
    expect(daysLeftView(3)).toEqual({ text: '剩余 3 天', urgent: true, overdue: false });
    expect(daysLeftView(0)).toEqual({ text: '今日到期', urgent: true, overdue: false });
  });
  it('shows overdue days', () => {
    expect(daysLeftView(-1)).toEqual({ text: '已超期 1 天', urgent: true, overdue: true });
    expect(daysLeftView(-15).text).toBe('已超期 15 天');
  });
  it('tolerates garbage', () => {
    expect(daysLeftView(Number.NaN).text).toBe('—');
  });
});

describe('dates', () => {
  it('formats date and time in China time', () => {
    expect(formatDateTime('2025-03-08T06:05:00Z')).toBe('2025-03-08 14:05');
    expect(formatDate('2025-03-08T06:05:00Z')).toBe('2025-03-08');
    expect(formatDateTime(null)).toBe('—');
    expect(formatDate('not a date')).toBe('—');
  });
  it('adds calendar days across month ends', () => {
    expect(localDatePlusDays(30, new Date('2025-01-15T15:30:00+08:00'))).toBe('2025-02-14');
    expect(localDatePlusDays(1, new Date('2024-02-28T08:00:00+08:00'))).toBe('2024-02-29');
  });
});

describe('invitationState', () => {
  const now = Date.parse('2025-01-10T00:00:00Z');
  it('distinguishes active, expired and revoked links', () => {
    expect(invitationState({ revokedAt: null, expiresAt: '2025-01-11T00:00:00Z' }, now).label).toBe('有效');
    expect(invitationState({ revokedAt: null, expiresAt: '2025-01-09T00:00:00Z' }, now).label).toBe('已过期');
    expect(invitationState({ revokedAt: '2025-01-09T00:00:00Z', expiresAt: '2025-01-11T00:00:00Z' }, now).label).toBe('已撤销');
  });
});

describe('normalizeIdLast4', () => {
  it('uppercases x and trims to 4 characters', () => {
    expect(normalizeIdLast4(' 123x ')).toBe('123X');
    expect(normalizeIdLast4('123456')).toBe('1234');
  });
});

describe('matchRoute', () => {
  it('extracts and decodes params', () => {
    expect(matchRoute('/cases/:id', '/cases/abc')).toEqual({ id: 'abc' });
    expect(matchRoute('/cases/:id', '/cases/abc/')).toEqual({ id: 'abc' });
    expect(matchRoute('/j/:token', '/j/a%2Eb')).toEqual({ token: 'a.b' });
    expect(matchRoute('/cases/:id', '/cases')).toBeNull();
    expect(matchRoute('/cases/:id', '/admin/x')).toBeNull();
    expect(matchRoute('/j/:token', '/j/%E0%A4%A')).toBeNull();
  });
});

describe('png helpers', () => {
  it('checks the PNG signature and base64-encodes', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(isPng(png)).toBe(true);
    expect(isPng(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0, 0]))).toBe(false);
    expect(toBase64(new Uint8Array([104, 105]))).toBe('aGk=');
    const big = new Uint8Array(100_000).fill(65);
    expect(atob(toBase64(big)).length).toBe(100_000);
  });
});

describe('labels', () => {
  it('uses meta labels, then documented fallbacks, then the key', () => {
    const l = makeLabels({
      disputeTypes: [{ key: 'NEIGHBOR', label: '邻里纠纷' }],
      caseStatuses: [],
      participantRoles: [],
      sides: [],
    });
    expect(l.disputeType('NEIGHBOR')).toBe('邻里纠纷');
    expect(l.status('MEDIATING')).toBe('调解中');
    expect(l.side('B')).toBe('乙方');
    expect(l.participantRole('RESPONDENT')).toBe('被申请人');
    expect(l.userRole('JUDGE')).toBe('法官');
    expect(l.auditType('SOMETHING_NEW')).toBe('SOMETHING_NEW');
    expect(defaultSideFor('RESPONDENT')).toBe('B');
  });
});
