import type { ReactNode } from 'react';
import type { MatterListItem } from '../../api/routing.ts';
import { DeadlineCountdown } from '../../intake/DeadlineCountdown.tsx';
import { Link } from '../../router.tsx';

/** One matter in a 分流 list: number, title, type, who is responsible, where it waits, and its stage deadline. */
export function MatterCard({ m, children }: { m: MatterListItem; children?: ReactNode }) {
  return (
    <article className="card matter-card" data-testid="matter-card" data-matter-id={m.id}>
      <div className="matter-card__head">
        <Link to={`/matters/${encodeURIComponent(m.id)}`} className="matter-card__title" data-testid="matter-link">
          {m.title}
        </Link>
        <span className={`badge ${m.urgency === 'URGENT' ? 'badge--red' : 'badge--blue'}`}>{m.urgency === 'URGENT' ? '紧急' : m.statusLabel}</span>
      </div>
      <div className="matter-card__meta muted">
        <span>{m.registrationNo}</span>
        <span>{m.disputeTypeLabel}</span>
        <span data-testid="matter-owner">
          责任人：{m.ownerName}（{m.ownerUnitName}）
        </span>
        {m.pendingUnitName && <span data-testid="matter-pending">待接收：{m.pendingUnitName}</span>}
        <span className="matter-card__due" data-testid="stage-due" data-due-at={m.stageDueAt ?? ''}>
          本环节时限：{m.stageDueAt ? <DeadlineCountdown dueAt={m.stageDueAt} /> : '—'}
        </span>
      </div>
      {m.riskFlags.length > 0 && (
        <div className="matter-card__risk" role="note">
          风险提示：{m.riskFlags.join('、')}
        </div>
      )}
      {children}
    </article>
  );
}
