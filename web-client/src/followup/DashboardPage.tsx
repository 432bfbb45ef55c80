// 统计分析: the centre's dashboard for centre staff (every unit) and unit staff (their own; the server
// decides). Filters (受理 date range, unit), the figures with their definitions (口径, from the same
// data file the server and the export use), charts, every table, the .xlsx export. Phone first (one
// column); on a wide screen a grid; 大屏 mode for a wall screen (dark, large, refreshed every minute).
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import { dashboardApi, type BreakdownRow, type DashboardQuery, type DashboardView } from '../api/dashboard.ts';
import { ErrorBanner } from '../components/ErrorBanner.tsx';
import { Loading } from '../components/Loading.tsx';
import { useLoaded } from '../use-loaded.ts';
import {
  BREAKDOWN_COLUMNS,
  BREAKDOWN_KEYS,
  BREAKDOWNS,
  CYCLE_NOTE,
  FIGURE_KEYS,
  FIGURES,
  SCOPE_NOTE,
  STAGES,
  WORKLOAD,
  type FigureFormat,
} from '../../../signaling/followup/dashboard/figures.ts';
import { EChart } from './EChart.tsx';
import './dashboard.css';

const WALL_REFRESH_MS = 60_000;

export function formatFigure(value: number | null, format: FigureFormat): string {
  if (value === null) return '—';
  switch (format) {
    case 'count':
      return value.toLocaleString('zh-CN');
    case 'rate':
      return `${(value * 100).toFixed(1)}%`;
    case 'hours':
      return `${value.toFixed(1)} 小时`;
    case 'minutes':
      return `${value.toFixed(1)} 分钟`;
    case 'score':
      return `${value.toFixed(2)} 分`;
  }
}

const PALETTE = ['#1f6feb', '#2da44e', '#bf8700', '#cf222e', '#8250df', '#0a7ea4', '#6e7781'];

function Filters({ view, onApply }: { view: DashboardView | null; onApply: (q: DashboardQuery) => void }) {
  const [from, setFrom] = useState(view?.filter.from ?? '');
  const [to, setTo] = useState(view?.filter.to ?? '');
  const [unitId, setUnitId] = useState(view?.filter.unitId ?? '');
  // The fields show the period the server chose until the user changes one: a page that loads
  // late (or a wall-screen refresh) never overwrites what was typed.
  const edited = useRef(false);
  useEffect(() => {
    if (!view || edited.current) return;
    setFrom(view.filter.from);
    setTo(view.filter.to);
    setUnitId(view.filter.unitId ?? '');
  }, [view]);
  const edit = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    edited.current = true;
    set(e.target.value);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...(from ? { from } : {}), ...(to ? { to } : {}), ...(unitId ? { unitId } : {}) });
  };
  const centre = view?.filter.scope === 'centre';
  return (
    <form className="dash-filters" onSubmit={submit} aria-label="统计条件">
      <label>
        <span>受理日期自</span>
        <input type="date" value={from} onChange={edit(setFrom)} data-testid="dash-from" required />
      </label>
      <label>
        <span>至</span>
        <input type="date" value={to} onChange={edit(setTo)} data-testid="dash-to" required />
      </label>
      <label>
        <span>单位</span>
        <select value={unitId} onChange={edit(setUnitId)} data-testid="dash-unit" disabled={!centre}>
          {centre ? <option value="">全部成员单位</option> : null}
          {(view?.filter.units ?? []).map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="btn btn--primary btn--small" data-testid="dash-apply">
        查询
      </button>
    </form>
  );
}

function FigureCards({ view }: { view: DashboardView }) {
  return (
    <ul className="dash-figures" aria-label="主要指标">
      {FIGURE_KEYS.map((k) => (
        <li key={k} className="dash-figure" data-testid={`figure-${k}`}>
          <span className="dash-figure__label">{FIGURES[k].label}</span>
          <strong className="dash-figure__value" data-testid={`figure-${k}-value`}>
            {formatFigure(view.figures[k], FIGURES[k].format)}
          </strong>
          <span className="dash-figure__def">{FIGURES[k].definition}</span>
        </li>
      ))}
    </ul>
  );
}

function BreakdownTable({ kind, rows }: { kind: (typeof BREAKDOWN_KEYS)[number]; rows: BreakdownRow[] }) {
  const def = BREAKDOWNS[kind];
  return (
    <section className="dash-card" aria-labelledby={`dash-${kind}`} data-testid={`table-${kind}`}>
      <h2 id={`dash-${kind}`}>{def.title}</h2>
      <p className="dash-def">{def.definition}</p>
      {rows.length === 0 ? (
        <p className="dash-empty">所选期间没有数据</p>
      ) : (
        <div className="dash-table-wrap">
          <table className="dash-table">
            <thead>
              <tr>
                <th scope="col">{def.dimension}</th>
                {BREAKDOWN_COLUMNS.map((c) => (
                  <th key={c} scope="col" title={FIGURES[c].definition}>
                    {FIGURES[c].label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{r.label}</th>
                  {BREAKDOWN_COLUMNS.map((c) => (
                    <td key={c}>{formatFigure(r[c], FIGURES[c].format)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Charts({ view, wall }: { view: DashboardView; wall: boolean }) {
  const text = wall ? '#e6edf3' : '#1f2328';
  const base = useMemo(() => ({ color: PALETTE, textStyle: { color: text, fontSize: wall ? 16 : 12 }, tooltip: { trigger: 'axis' } }), [text, wall]);
  const period: EChartsCoreOption = useMemo(
    () => ({
      ...base,
      legend: { data: ['受理', '化解'], textStyle: { color: text } },
      grid: { left: 40, right: 16, top: 36, bottom: 32 },
      xAxis: { type: 'category', data: view.breakdowns.period.map((r) => r.label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: '受理', type: 'bar', data: view.breakdowns.period.map((r) => r.received) },
        { name: '化解', type: 'line', data: view.breakdowns.period.map((r) => r.resolved) },
      ],
    }),
    [base, text, view],
  );
  const channel: EChartsCoreOption = useMemo(
    () => ({
      ...base,
      tooltip: { trigger: 'item' },
      legend: { bottom: 0, textStyle: { color: text } },
      series: [{ name: '来源渠道', type: 'pie', radius: ['35%', '65%'], data: view.breakdowns.channel.map((r) => ({ name: r.label, value: r.received })) }],
    }),
    [base, text, view],
  );
  const stages: EChartsCoreOption = useMemo(
    () => ({
      ...base,
      legend: { data: ['平均', 'P90'], textStyle: { color: text } },
      grid: { left: 48, right: 16, top: 36, bottom: 32 },
      xAxis: { type: 'category', data: view.stages.map((s) => s.label) },
      yAxis: { type: 'value', name: '小时' },
      series: [
        { name: '平均', type: 'bar', data: view.stages.map((s) => s.avgHours) },
        { name: 'P90', type: 'bar', data: view.stages.map((s) => s.p90Hours) },
      ],
    }),
    [base, text, view],
  );
  const units: EChartsCoreOption = useMemo(() => {
    const rows = [...view.breakdowns.unit].reverse();
    return {
      ...base,
      grid: { left: 8, right: 16, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rows.map((r) => r.label) },
      series: [{ name: '受理', type: 'bar', data: rows.map((r) => r.received) }],
    };
  }, [base, view]);
  const h = wall ? 360 : 260;
  return (
    <div className="dash-charts">
      <section className="dash-card">
        <h2>按月受理与化解</h2>
        <EChart option={period} label="按月受理与化解件数图" height={h} testId="chart-period" />
      </section>
      <section className="dash-card">
        <h2>来源渠道</h2>
        <EChart option={channel} label="来源渠道构成图" height={h} testId="chart-channel" />
      </section>
      <section className="dash-card">
        <h2>各阶段用时</h2>
        <EChart option={stages} label="各阶段平均与 P90 用时图" height={h} testId="chart-stages" />
      </section>
      <section className="dash-card">
        <h2>各单位受理</h2>
        <EChart option={units} label="各成员单位受理件数图" height={Math.max(h, 28 * view.breakdowns.unit.length + 40)} testId="chart-units" />
      </section>
    </div>
  );
}

function StagesTable({ view }: { view: DashboardView }) {
  return (
    <section className="dash-card" aria-labelledby="dash-stages" data-testid="table-stages">
      <h2 id="dash-stages">各阶段用时与限时办结</h2>
      <p className="dash-def">{CYCLE_NOTE}</p>
      <div className="dash-table-wrap">
        <table className="dash-table">
          <thead>
            <tr>
              <th scope="col">阶段</th>
              <th scope="col">件数</th>
              <th scope="col">平均用时</th>
              <th scope="col">P90 用时</th>
              <th scope="col">限时办结率</th>
            </tr>
          </thead>
          <tbody>
            {view.stages.map((s) => (
              <tr key={s.stage}>
                <th scope="row" title={STAGES[s.stage].definition}>
                  {s.label}
                </th>
                <td>{formatFigure(s.count, 'count')}</td>
                <td>{formatFigure(s.avgHours, 'hours')}</td>
                <td>{formatFigure(s.p90Hours, 'hours')}</td>
                <td>{STAGES[s.stage].timed ? formatFigure(s.onTimeRate, 'rate') : '不适用'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="dash-defs">
        {view.stages.map((s) => (
          <li key={s.stage}>
            <strong>{s.label}</strong>：{STAGES[s.stage].definition}
          </li>
        ))}
      </ul>
    </section>
  );
}

function WorkloadTable({ view }: { view: DashboardView }) {
  const cols = Object.entries(WORKLOAD.columns) as [keyof typeof WORKLOAD.columns, string][];
  return (
    <section className="dash-card" aria-labelledby="dash-workload" data-testid="table-workload">
      <h2 id="dash-workload">{WORKLOAD.title}</h2>
      <p className="dash-def">{WORKLOAD.definition}</p>
      {view.workload.length === 0 ? (
        <p className="dash-empty">所选期间没有数据</p>
      ) : (
        <div className="dash-table-wrap">
          <table className="dash-table">
            <thead>
              <tr>
                <th scope="col">调解员</th>
                <th scope="col">单位</th>
                {cols.map(([k, label]) => (
                  <th key={k} scope="col">
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {view.workload.map((w) => (
                <tr key={w.mediatorId}>
                  <th scope="row">{w.name}</th>
                  <td>{w.unitName}</td>
                  {cols.map(([k]) => (
                    <td key={k}>{k === 'satisfaction' ? formatFigure(w.satisfaction, 'score') : formatFigure(w[k], 'count')}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function DashboardPage() {
  const [query, setQuery] = useState<DashboardQuery>({});
  const [wall, setWall] = useState(() => new URLSearchParams(window.location.search).get('wall') === '1');
  const key = JSON.stringify(query);
  const { data: view, error, load } = useLoaded(() => dashboardApi.view(query), '统计数据加载失败，请重试', key);

  useEffect(() => {
    if (!wall) return;
    const timer = setInterval(() => void load(), WALL_REFRESH_MS);
    return () => clearInterval(timer);
  }, [wall, load]);

  return (
    <div className={`dash${wall ? ' dash--wall' : ''}`} data-testid="dashboard-page">
      <header className="dash-head">
        <h1>统计分析</h1>
        <div className="dash-head__actions">
          {view && (
            <a className="btn btn--small" href={dashboardApi.exportUrl(query)} download data-testid="dash-export">
              导出 Excel
            </a>
          )}
          <button type="button" className="btn btn--small" aria-pressed={wall} onClick={() => setWall((w) => !w)} data-testid="dash-wall">
            {wall ? '退出大屏' : '大屏模式'}
          </button>
        </div>
      </header>
      <Filters view={view} onApply={setQuery} />
      <p className="dash-def dash-scope">{SCOPE_NOTE}</p>
      {error && <ErrorBanner message={error} onRetry={() => void load()} />}
      {!view && !error && <Loading text="正在统计…" />}
      {view && (
        <>
          {view.figures.received === 0 && (
            <p className="dash-empty" data-testid="dash-empty">
              所选期间和单位没有受理的纠纷。
            </p>
          )}
          <FigureCards view={view} />
          <Charts view={view} wall={wall} />
          <StagesTable view={view} />
          {BREAKDOWN_KEYS.map((k) => (
            <BreakdownTable key={k} kind={k} rows={view.breakdowns[k]} />
          ))}
          <WorkloadTable view={view} />
          <p className="dash-def">统计时刻：{new Date(view.asOf).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}</p>
        </>
      )}
    </div>
  );
}
