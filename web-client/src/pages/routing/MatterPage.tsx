import { useId, useState } from 'react';
import { routingApi, type MatterDetail, type NamedRef } from '../../api/routing.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useLoaded } from '../../use-loaded.ts';
import { MatterCard } from './MatterCard.tsx';
import { ReasonField } from './ReasonField.tsx';
import { RoutingError } from './RoutingError.tsx';
import { ScreeningCard } from './ScreeningCard.tsx';
import { AssignForm } from './UnitInboxPage.tsx';
import { useAction } from '../../use-action.ts';
import './routing.css';

const OWNERSHIP_REASONS: Record<string, string> = {
  REGISTERED: '登记受理',
  HANDED_OVER: '交接',
  ACCEPTED: '单位接收',
  ASSIGNED: '指派调解员',
  REASSIGNED: '更换调解员',
  RETURNED: '退回',
  TRANSFERRED: '转交接收',
};

/** One matter: facts, parties, who is responsible now (首接负责) and since when, the whole history, and the moves this user may make. */
export function MatterPage({ matterId }: { matterId: string }) {
  const { data, error, load } = useLoaded(() => routingApi.matter(matterId), '事项加载失败', matterId);

  if (error) return <ErrorBanner message={error} onRetry={load} />;
  if (!data) return <Loading text="正在加载…" />;
  const { matter: m } = data;
  const current = data.ownerships.find((o) => o.toAt === null);
  return (
    <>
      <div className="page__head">
        <h1 className="page__title">{m.registrationNo}</h1>
      </div>
      <MatterCard m={m}>
        <p>{m.summary}</p>
        {(m.place || m.areaName) && (
          <p className="muted" data-testid="matter-place">
            地点：{[m.areaName, m.place].filter(Boolean).join('，')}
          </p>
        )}
        {data.parties.length > 0 && (
          <p className="muted">
            当事人：{data.parties.map((p) => `${p.name}（${p.role === 'APPLICANT' ? '申请人' : p.role === 'RESPONDENT' ? '被申请人' : '其他'}）`).join('、')}
          </p>
        )}
        {data.case && (
          <p>
            已立案：<Link to={`/cases/${encodeURIComponent(data.case.id)}`}>{data.case.number}</Link>
          </p>
        )}
      </MatterCard>

      <ScreeningCard matterId={m.id} />

      <section className="card" aria-labelledby="owner-title">
        <h2 id="owner-title" className="section-title">
          当前责任人
        </h2>
        <p data-testid="current-owner">{current ? `${current.userName}（${current.unitName}），自 ${formatDateTime(current.fromAt)} 起负责` : '—'}</p>
        <details>
          <summary>责任人交接记录（{data.ownerships.length}）</summary>
          <ol className="matter-history">
            {data.ownerships.map((o, i) => (
              <li key={i}>
                {o.userName}（{o.unitName}）· {OWNERSHIP_REASONS[o.reason] ?? o.reason}
                <time className="muted">
                  {formatDateTime(o.fromAt)} — {o.toAt ? formatDateTime(o.toAt) : '至今'}
                </time>
              </li>
            ))}
          </ol>
        </details>
      </section>

      {data.can.length > 0 && <Moves data={data} onDone={load} />}

      <section className="card" aria-labelledby="history-title">
        <h2 id="history-title" className="section-title">
          办理经过
        </h2>
        <ol className="matter-history" data-testid="matter-history">
          {data.history.map((h, i) => (
            <li key={i} data-step={h.type}>
              {h.text}
              <time className="muted">
                {formatDateTime(h.at)} · {h.actor}
              </time>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}

function Moves({ data, onDone }: { data: MatterDetail; onDone: () => void }) {
  const id = data.matter.id;
  const can = (x: MatterDetail['can'][number]) => data.can.includes(x);
  const { busy, error, run } = useAction(onDone);
  return (
    <section className="card" aria-labelledby="moves-title">
      <h2 id="moves-title" className="section-title">
        办理
      </h2>
      {can('route') && (
        <UnitReasonForm
          label="分流至"
          units={data.units}
          preset={data.matter.suggestion?.unitId ?? ''}
          onSubmit={(u) => routingApi.route(id, u)}
          done="已分流"
          onDone={onDone}
        />
      )}
      {can('accept') && (
        <button
          type="button"
          className="btn btn--primary"
          disabled={busy}
          data-testid="accept-button"
          onClick={() => run(() => routingApi.accept(id), '已接收')}
        >
          接收
        </button>
      )}
      {can('return') && <ReasonForm label="退回原因" action="退回" onSubmit={(r) => routingApi.return(id, r)} onDone={onDone} />}
      {can('assign') && <AssignForm m={data.matter} mediators={data.mediators} onDone={onDone} />}
      {can('reassign') && <AssignForm m={data.matter} mediators={data.mediators} onDone={onDone} again />}
      {can('transfer') && (
        <UnitReasonForm
          label="转交至"
          units={data.units.filter((u) => u.id !== data.matter.ownerUnitId && u.id !== data.matter.pendingUnitId)}
          withReason
          preset=""
          onSubmit={(u, r) => routingApi.transfer(id, u, r)}
          done="已转交"
          onDone={onDone}
        />
      )}
      {can('withdraw') && <ReasonForm label="撤回原因" action="撤回" onSubmit={(r) => routingApi.withdraw(id, r)} onDone={onDone} />}
      <RoutingError error={error} />
    </section>
  );
}

function ReasonForm({
  label,
  action,
  onSubmit,
  onDone,
}: {
  label: string;
  action: string;
  onSubmit: (reason: string) => Promise<unknown>;
  onDone: () => void;
}) {
  const { busy, error, setError, run } = useAction(onDone);
  const [reason, setReason] = useState('');
  return (
    <form
      className="matter-action"
      onSubmit={(e) => {
        e.preventDefault();
        if (!reason.trim()) return setError(`请填写${label}`);
        void run(() => onSubmit(reason.trim()), `已${action}`);
      }}
    >
      <ReasonField label={label} value={reason} onChange={setReason} testId={`${action}-reason`} />
      <button type="submit" className="btn" disabled={busy}>
        {action}
      </button>
      <RoutingError error={error} />
    </form>
  );
}

function UnitReasonForm(props: {
  label: string;
  units: NamedRef[];
  preset: string;
  withReason?: boolean;
  done: string;
  onSubmit: (unitId: string, reason: string) => Promise<unknown>;
  onDone: () => void;
}) {
  const { busy, error, setError, run } = useAction(props.onDone);
  const id = useId();
  const [unitId, setUnitId] = useState(props.preset);
  const [reason, setReason] = useState('');
  return (
    <form
      className="matter-action"
      onSubmit={(e) => {
        e.preventDefault();
        if (!unitId) return setError('请选择承办单位');
        if (props.withReason && !reason.trim()) return setError('请填写转交原因');
        void run(() => props.onSubmit(unitId, reason.trim()), props.done);
      }}
    >
      <label className="field__label" htmlFor={id}>
        {props.label}
      </label>
      <select id={id} value={unitId} onChange={(e) => setUnitId(e.target.value)}>
        <option value="">请选择</option>
        {props.units.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
      </select>
      {props.withReason && <ReasonField label="转交原因" value={reason} onChange={setReason} testId="transfer-reason" />}
      <button type="submit" className="btn btn--primary" disabled={busy}>
        {props.withReason ? '转交' : '分流'}
      </button>
      <RoutingError error={error} />
    </form>
  );
}
