// Case numbers in the customary form 青山调〔2026〕第12号.
export function formatCaseNumber(shortName: string, year: number, seq: number): string {
  return `${shortName}调〔${year}〕第${seq}号`;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from today to the due date (both in China Standard Time); negative when overdue. */
export function daysLeft(dueDate: Date, now: Date = new Date()): number {
  const cstDay = (d: Date) => Math.floor((d.getTime() + 8 * 60 * 60 * 1000) / DAY_MS);
  return cstDay(dueDate) - cstDay(now);
}
