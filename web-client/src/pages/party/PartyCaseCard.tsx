import type { PartyView } from '../../api.ts';
import { useMeta } from '../../meta.tsx';

export function PartyCaseCard({ view }: { view: PartyView }) {
  const { labels } = useMeta();
  const { case: c, participant: p } = view;
  // Staff meta may be unavailable here: never show a raw key such as NEIGHBOR.
  const label = labels.disputeType(c.disputeType);
  const typeLabel = label !== c.disputeType || !/^[A-Z0-9_]+$/.test(label) ? label : '';
  return (
    <section className="card" aria-labelledby="party-case-title" data-testid="party-case">
      <p className="muted small">您收到一份在线调解邀请</p>
      <h1 className="card__title" id="party-case-title">
        {c.title}
      </h1>
      <dl className="facts">
        <div>
          <dt>案号</dt>
          <dd data-testid="party-case-number">{c.number}</dd>
        </div>
        {typeLabel && (
          <div>
            <dt>纠纷类型</dt>
            <dd>{typeLabel}</dd>
          </div>
        )}
        <div>
          <dt>调解组织</dt>
          <dd>{c.orgName}</dd>
        </div>
        <div>
          <dt>调解员</dt>
          <dd>{c.mediatorName || '—'}</dd>
        </div>
        <div>
          <dt>您的身份</dt>
          <dd data-testid="party-self">
            {p.name}（{labels.side(p.side)} · {labels.participantRole(p.role)}）
          </dd>
        </div>
      </dl>
    </section>
  );
}
