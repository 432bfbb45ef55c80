import { daysLeftView } from '../format.ts';

/** 限时办结 indicator; red when ≤ 3 days left or overdue. */
export function DaysLeft({ daysLeft }: { daysLeft: number }) {
  const v = daysLeftView(daysLeft);
  return (
    <span className={`days-left${v.urgent ? ' days-left--urgent' : ''}`} data-testid="days-left" data-urgent={v.urgent ? 'true' : 'false'}>
      {v.text}
    </span>
  );
}
