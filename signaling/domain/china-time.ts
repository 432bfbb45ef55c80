// One clock for everything people read — the web client, the PDFs, audit summaries: China time
// (Asia/Shanghai) in one format, whatever the time zone of the browser or the server. China has
// kept UTC+8 all year since 1991, so a fixed offset is exact and needs no time-zone database.
// Durations too: the judge's page and the audit certificate say the same thing for the same seconds.

const CHINA_OFFSET_MS = 8 * 3600_000;
const pad = (n: number) => String(n).padStart(2, '0');

type Instant = Date | string | number | null | undefined;

/** The instant as China wall-clock fields, or null when missing or unparsable. */
function chinaFields(at: Instant) {
  if (at === null || at === undefined || at === '') return null;
  const ms = at instanceof Date ? at.getTime() : typeof at === 'number' ? at : Date.parse(at);
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms + CHINA_OFFSET_MS);
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() };
}

/** `2026-03-08 22:30` (with `seconds`: `2026-03-08 22:30:05`) in China time; `—` when missing. */
export function formatChinaDateTime(at: Instant, options: { seconds?: boolean } = {}): string {
  const f = chinaFields(at);
  if (!f) return '—';
  return `${f.y}-${pad(f.mo)}-${pad(f.d)} ${pad(f.h)}:${pad(f.mi)}${options.seconds ? `:${pad(f.s)}` : ''}`;
}

/** `2026-03-08`, the China calendar date of the instant; `—` when missing. */
export function formatChinaDate(at: Instant): string {
  const f = chinaFields(at);
  return f ? `${f.y}-${pad(f.mo)}-${pad(f.d)}` : '—';
}

/** `22:30` in China time, for same-day lists such as chat; empty when missing. */
export function formatChinaClock(at: Instant): string {
  const f = chinaFields(at);
  return f ? `${pad(f.h)}:${pad(f.mi)}` : '';
}

/** `30 秒`, `1 分 30 秒`, `25 分钟`, `1 小时 25 分钟`: exact under an hour, to the minute above. */
export function formatDuration(totalSec: number): string {
  const sec = Number.isFinite(totalSec) ? Math.max(0, Math.round(totalSec)) : 0;
  if (sec < 60) return `${sec} 秒`;
  if (sec < 3600) {
    const m = Math.floor(sec / 60);
    const s = sec % 60;
    return s ? `${m} 分 ${s} 秒` : `${m} 分钟`;
  }
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return m ? `${h} 小时 ${m} 分钟` : `${h} 小时`;
}
