import { useId, useState } from 'react';
import { routingApi, type MatterListItem, type StaffRef } from '../../api/routing.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useLoaded } from '../../use-loaded.ts';
import { MatterSection } from './MatterSection.tsx';
import { ReasonField } from './ReasonField.tsx';
import { RoutingError } from './RoutingError.tsx';
import { useAction } from '../../use-action.ts';
import './routing.css';

/** A unit head's inbox: 待接收 (accept or return with a reason), 待指派 (assign a mediator: the case is opened), 办理中. */
export function UnitInboxPage() {
  const { data, error, load } = useLoaded(routingApi.inbox, '待办事项加载失败');

  return (
    <>
      <div className="page__head">
        <h1 className="page__title">本单位待办</h1>
      </div>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!data && !error && <Loading text="正在加载…" />}
      {data && (
        <>
          <MatterSection title="待接收" empty="暂无分流来的事项" matters={data.pending}>
            {(m) => <ReceiveForm m={m} onDone={load} />}
          </MatterSection>
          <MatterSection title="待指派" empty="暂无待指派的事项" matters={data.toAssign}>
            {(m) => <AssignForm m={m} mediators={data.mediators} onDone={load} />}
          </MatterSection>
          <MatterSection title="办理中" matters={data.assigned} />
        </>
      )}
    </>
  );
}

function ReceiveForm({ m, onDone }: { m: MatterListItem; onDone: () => void }) {
  const { busy, error, setError, run } = useAction(onDone);
  const [returning, setReturning] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <div className="matter-action">
      {!returning ? (
        <div className="matter-action__row">
          <button
            type="button"
            className="btn btn--primary"
            disabled={busy}
            data-testid="accept-button"
            onClick={() => run(() => routingApi.accept(m.id), '已接收')}
          >
            接收
          </button>
          <button type="button" className="btn" disabled={busy} data-testid="return-button" onClick={() => setReturning(true)}>
            退回
          </button>
        </div>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) return setError('请填写退回原因');
            void run(() => routingApi.return(m.id, reason.trim()), '已退回');
          }}
        >
          <ReasonField label="退回原因" value={reason} onChange={setReason} testId="return-reason" />
          <div className="matter-action__row">
            <button type="submit" className="btn btn--primary" disabled={busy} data-testid="return-submit">
              确认退回
            </button>
            <button type="button" className="btn" onClick={() => setReturning(false)}>
              取消
            </button>
          </div>
        </form>
      )}
      <RoutingError error={error} />
    </div>
  );
}

export function AssignForm({ m, mediators, onDone, again = false }: { m: { id: string }; mediators: StaffRef[]; onDone: () => void; again?: boolean }) {
  const { busy, error, setError, run } = useAction(onDone);
  const id = useId();
  const [mediatorId, setMediatorId] = useState('');
  return (
    <form
      className="matter-action"
      onSubmit={(e) => {
        e.preventDefault();
        if (!mediatorId) return setError('请选择调解员');
        void run(() => (again ? routingApi.reassign(m.id, mediatorId) : routingApi.assign(m.id, mediatorId)), again ? '已更换调解员' : '已指派调解员并立案');
      }}
    >
      <label className="field__label" htmlFor={id}>
        {again ? '更换调解员' : '指派调解员'}
      </label>
      <div className="matter-action__row">
        <select id={id} value={mediatorId} onChange={(e) => setMediatorId(e.target.value)} data-testid="assign-mediator">
          <option value="">请选择</option>
          {mediators.map((u) => (
            <option key={u.id} value={u.id}>
              {u.displayName}
              {u.role === 'UNIT_HEAD' ? '（负责人）' : ''}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="assign-submit">
          {again ? '更换' : '指派'}
        </button>
      </div>
      <RoutingError error={error} />
    </form>
  );
}
