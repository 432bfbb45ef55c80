import { statusTone } from '../labels.ts';
import { useMeta } from '../meta.tsx';

export function StatusBadge({ status }: { status: string }) {
  const { labels } = useMeta();
  return (
    <span className={`badge badge--${statusTone(status)}`} data-testid="case-status" data-status={status}>
      {labels.status(status)}
    </span>
  );
}
