import { useCallback, useEffect, useId, useState } from 'react';
import { ApiError } from '../../api.ts';
import { routingApi, type MatterListItem, type StaffRef } from '../../api/routing.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';
import { MatterCard } from './MatterCard.tsx';
import { ReasonField } from './ReasonField.tsx';
import { useAction } from './use-action.ts';
import './routing.css';

type Inbox = { pending: MatterListItem[]; toAssign: MatterListItem[]; assigned: MatterListItem[]; mediators: StaffRef[] };

/** A unit head's inbox: 待接收 (accept or return with a reason), 待指派 (assign a mediator: the case is opened), 办理中. */
export function UnitInboxPage() {
  const [data, setData] = useState<Inbox | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    setError(null);
    try {
      setData(await routingApi.inbox());
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '待办事项加载失败');
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <div className="page__head">
        <h1 className="page__title">本单位待办</h1>
      </div>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!data && !error && <Loading text="正在加载…" />}
      {data && (
        <>
          <h2 className="section-title">待接收（{data.pending.length}）</h2>
          {data.pending.length === 0 && <div className="card empty">暂无分流来的事项</div>}
          {data.pending.map((m) => (
            <MatterCard key={m.id} m={m}>
              <ReceiveForm m={m} onDone={load} />
            </MatterCard>
          ))}
          <h2 className="section-title">待指派（{data.toAssign.length}）</h2>
          {data.toAssign.length === 0 && <div className="card empty">暂无待指派的事项</div>}
          {data.toAssign.map((m) => (
            <MatterCard key={m.id} m={m}>
              <AssignForm m={m} mediators={data.mediators} onDone={load} />
            </MatterCard>
          ))}
          <h2 className="section-title">办理中（{data.assigned.length}）</h2>
          {data.assigned.length === 0 && <div className="card empty">暂无</div>}
          {data.assigned.map((m) => (
            <MatterCard key={m.id} m={m} />
          ))}
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
      {error && (
        <p className="routing-error" role="alert">
          {error}
        </p>
      )}
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
      {error && (
        <p className="routing-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
