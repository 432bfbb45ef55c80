import { useId, useState } from 'react';
import { routingApi, type MatterListItem, type NamedRef } from '../../api/routing.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Loading } from '../../components/Loading.tsx';
import { useLoaded } from '../../use-loaded.ts';
import { MatterSection } from './MatterSection.tsx';
import { RoutingError } from './RoutingError.tsx';
import { useAction } from '../../use-action.ts';
import './routing.css';

/** The dispatcher's 分流 queue: registered matters with the rules' suggestion (and why), and those waiting at a unit. */
export function RoutingQueuePage() {
  const { data, error, load } = useLoaded(routingApi.queue, '分流队列加载失败');

  return (
    <>
      <div className="page__head">
        <h1 className="page__title">分流</h1>
      </div>
      {error && <ErrorBanner message={error} onRetry={load} />}
      {!data && !error && <Loading text="正在加载…" />}
      {data && (
        <>
          <MatterSection title="待分流" empty="暂无待分流的事项" matters={data.registered}>
            {(m) => <RouteForm m={m} units={data.units} onDone={load} />}
          </MatterSection>
          <MatterSection title="已分流，待单位接收" matters={data.routed} />
        </>
      )}
    </>
  );
}

function RouteForm({ m, units, onDone }: { m: MatterListItem; units: NamedRef[]; onDone: () => void }) {
  const { busy, error, setError, run } = useAction(onDone);
  const id = useId();
  const [unitId, setUnitId] = useState(m.suggestion?.unitId ?? '');
  return (
    <form
      className="matter-action"
      onSubmit={(e) => {
        e.preventDefault();
        if (!unitId) return setError('请选择承办单位');
        void run(() => routingApi.route(m.id, unitId), `已分流至${units.find((u) => u.id === unitId)?.name ?? '承办单位'}`);
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
      <RoutingError error={error} />
    </form>
  );
}
