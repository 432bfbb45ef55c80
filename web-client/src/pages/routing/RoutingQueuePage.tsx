import { useCallback, useEffect, useId, useState } from 'react';
import { ApiError } from '../../api.ts';
import { routingApi, type MatterListItem, type NamedRef } from '../../api/routing.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useToast } from '../../toast.tsx';
import { MatterCard } from './MatterCard.tsx';
import './routing.css';

/** The dispatcher's 分流 queue: registered matters with the rules' suggestion (and why), and those waiting at a unit. */
export function RoutingQueuePage() {
  const [data, setData] = useState<{ registered: MatterListItem[]; routed: MatterListItem[]; units: NamedRef[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    setError(null);
    try {
      setData(await routingApi.queue());
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '分流队列加载失败');
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <div className="page__head">
        <h1 className="page__title">分流</h1>
      </div>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!data && !error && <Loading text="正在加载…" />}
      {data && (
        <>
          <h2 className="section-title">待分流（{data.registered.length}）</h2>
          {data.registered.length === 0 && <div className="card empty">暂无待分流的事项</div>}
          {data.registered.map((m) => (
            <MatterCard key={m.id} m={m}>
              <RouteForm m={m} units={data.units} onDone={load} />
            </MatterCard>
          ))}
          <h2 className="section-title">已分流，待单位接收（{data.routed.length}）</h2>
          {data.routed.length === 0 && <div className="card empty">暂无</div>}
          {data.routed.map((m) => (
            <MatterCard key={m.id} m={m} />
          ))}
        </>
      )}
    </>
  );
}

function RouteForm({ m, units, onDone }: { m: MatterListItem; units: NamedRef[]; onDone: () => void }) {
  const notify = useToast();
  const id = useId();
  const [unitId, setUnitId] = useState(m.suggestion?.unitId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="matter-action"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!unitId) return setError('请选择承办单位');
        setBusy(true);
        setError(null);
        try {
          await routingApi.route(m.id, unitId);
          notify(`已分流至${units.find((u) => u.id === unitId)?.name ?? '承办单位'}`);
          onDone();
        } catch (err) {
          setError(err instanceof ApiError ? err.message : '分流失败');
        } finally {
          setBusy(false);
        }
      }}
    >
      {m.suggestion ? (
        <p className="matter-suggestion" data-testid="route-suggestion">
          建议分流至 <strong>{m.suggestion.unitName}</strong>（{m.suggestion.rule}）：{m.suggestion.why}
        </p>
      ) : (
        <p className="matter-suggestion muted">分流规则没有给出建议，请选择承办单位</p>
      )}
      <label className="field__label" htmlFor={id}>
        承办单位
      </label>
      <div className="matter-action__row">
        <select id={id} value={unitId} onChange={(e) => setUnitId(e.target.value)} data-testid="route-unit">
          <option value="">请选择</option>
          {units.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
        <button type="submit" className="btn btn--primary" disabled={busy} data-testid="route-submit">
          分流
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
