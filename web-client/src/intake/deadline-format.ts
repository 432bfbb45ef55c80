// The words and tone of a countdown to a deadline (限时办结): 剩余 2 天 3 小时 / 已超期 5 小时. Pure, so
// the list rows, the component and the tests agree on one reading of "how late".

export type DeadlineTone = 'ok' | 'soon' | 'overdue';

export interface DeadlineReading {
  tone: DeadlineTone;
  /** What the badge says. */
  text: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A span as the largest two units that matter: 2 天 3 小时, 5 小时 12 分, 40 分钟. */
function span(ms: number): string {
  const days = Math.floor(ms / DAY);
  const hours = Math.floor((ms % DAY) / HOUR);
  const minutes = Math.floor((ms % HOUR) / MINUTE);
  if (days > 0) return hours > 0 ? `${days} 天 ${hours} 小时` : `${days} 天`;
  if (hours > 0) return minutes > 0 ? `${hours} 小时 ${minutes} 分` : `${hours} 小时`;
  return `${Math.max(minutes, 1)} 分钟`;
}

/**
 * How the deadline `dueAt` reads at `now` (both ms). `soonWithinMs`: from how close it turns amber
 * (default one day).
 */
export function readDeadline(dueAt: number, now: number, soonWithinMs = DAY): DeadlineReading {
  const left = dueAt - now;
  if (left < 0) return { tone: 'overdue', text: -left < MINUTE ? '已到期' : `已超期 ${span(-left)}` };
  return { tone: left <= soonWithinMs ? 'soon' : 'ok', text: left < MINUTE ? '即将到期' : `剩余 ${span(left)}` };
}

const DUE_FORMAT = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** The deadline itself in Beijing time: 12月8日 09:00. */
export function formatDue(dueAt: number): string {
  return DUE_FORMAT.format(new Date(dueAt));
}
