// Pure display helpers (unit-tested in format.test.ts).

import { formatChinaClock, formatChinaDate, formatChinaDateTime, formatDuration } from '../../signaling/domain/china-time.ts';

// Every time on screen is China time in one format (signaling/domain/china-time.ts, shared with the PDFs).
export { formatDuration };

function parse(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** `2025-03-08 14:05` in China time, whatever the browser's time zone; `—` when missing. */
export function formatDateTime(iso: string | null | undefined): string {
  return formatChinaDateTime(iso);
}

/** `2025-03-08`, the China calendar date; `—` when missing. */
export function formatDate(iso: string | null | undefined): string {
  return formatChinaDate(iso);
}

/** `14:05` in China time (chat messages); empty when missing. */
export function formatClock(iso: string | null | undefined): string {
  return formatChinaClock(iso);
}

/** The China calendar date `days` days after `from`, as YYYY-MM-DD (for <input type="date">). */
export function localDatePlusDays(days: number, from: Date = new Date()): string {
  return formatChinaDate(from.getTime() + days * 24 * 3600_000);
}

/** An `<input type="datetime-local">` value in China time (`2025-03-08T14:05`) of an instant, whatever the browser's time zone. */
export function toChinaInput(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16);
}

/** The instant a China-time `datetime-local` value names, as ISO; null when it is no such value. */
export function fromChinaInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const d = new Date(`${value}:00+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export interface DaysLeftView {
  text: string;
  /** Red: due within 3 days or overdue. */
  urgent: boolean;
  overdue: boolean;
}

/** 限时办结 display: "剩余 12 天", "今日到期", "已超期 3 天". */
export function daysLeftView(daysLeft: number): DaysLeftView {
  if (!Number.isFinite(daysLeft)) return { text: '—', urgent: false, overdue: false };
  const n = Math.trunc(daysLeft);
  if (n < 0) return { text: `已超期 ${-n} 天`, urgent: true, overdue: true };
  if (n === 0) return { text: '今日到期', urgent: true, overdue: false };
  return { text: `剩余 ${n} 天`, urgent: n <= 3, overdue: false };
}

/** Status of an invitation link at time `now`. */
export function invitationState(
  inv: { revokedAt: string | null; expiresAt: string },
  now: number = Date.now(),
): { label: string; tone: 'ok' | 'muted' | 'danger'; active: boolean } {
  if (inv.revokedAt) return { label: '已撤销', tone: 'danger', active: false };
  const exp = parse(inv.expiresAt);
  if (exp && exp.getTime() <= now) return { label: '已过期', tone: 'muted', active: false };
  return { label: '有效', tone: 'ok', active: true };
}

/** Basic client-side checks; the server remains the authority. */
export function isLikelyMobile(phone: string): boolean {
  return /^1\d{10}$/.test(phone.trim());
}

export function normalizeIdLast4(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase().slice(0, 4);
}

/** Pretty Chinese byte size, for upload messages. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
