// A small React wrapper around echarts: the library is imported when the first chart mounts (its own
// chunk, loaded only on the dashboard — never in a party's room bundle), draws as SVG (crisp on a
// wall screen, text readable by tests and screen readers), resizes with its box and is disposed with
// the component. The figure's accessible name is `label`, echarts' own description of the series is on
// the chart; the same numbers are in the tables below.
import { useEffect, useRef, useState } from 'react';
import type { EChartsCoreOption } from 'echarts/core';

type EChartsModule = typeof import('echarts/core');

let loading: Promise<EChartsModule> | null = null;

function loadEcharts(): Promise<EChartsModule> {
  loading ??= Promise.all([import('echarts/core'), import('echarts/charts'), import('echarts/components'), import('echarts/renderers')]).then(
    ([core, charts, components, renderers]) => {
      core.use([
        charts.BarChart,
        charts.LineChart,
        charts.PieChart,
        components.GridComponent,
        components.TooltipComponent,
        components.LegendComponent,
        components.AriaComponent,
        renderers.SVGRenderer,
      ]);
      return core;
    },
  );
  return loading;
}

export function EChart({ option, label, height = 280, testId }: { option: EChartsCoreOption; label: string; height?: number; testId?: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<EChartsModule['init']> | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    loadEcharts().then(
      (echarts) => {
        if (disposed || !box.current) return;
        chart.current = echarts.init(box.current, null, { renderer: 'svg' });
        observer = new ResizeObserver(() => chart.current?.resize());
        observer.observe(box.current);
      },
      () => setFailed(true),
    );
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    let cancelled = false;
    const apply = () => {
      if (cancelled) return;
      if (chart.current) chart.current.setOption({ aria: { enabled: true }, ...option }, true);
      else if (!failed) requestAnimationFrame(apply);
    };
    apply();
    return () => {
      cancelled = true;
    };
  }, [option, failed]);

  if (failed) return <p className="dash-chart__failed">图表加载失败，请查看下方表格中的数据</p>;
  // echarts describes the series itself (aria) on the box; the figure names the chart.
  return (
    <figure className="dash-chart-figure" aria-label={label} data-testid={testId}>
      <div ref={box} className="dash-chart" style={{ height }} />
    </figure>
  );
}
