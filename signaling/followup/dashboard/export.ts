// The dashboard as an .xlsx workbook: every table of the page on a sheet of its own, each figure with
// its definition (口径) beside it, and a first sheet saying which period and units were counted. The
// numbers are the view the page shows (one source), written as numbers (rates as percentages).
import ExcelJS from 'exceljs';
import { BREAKDOWN_COLUMNS, BREAKDOWN_KEYS, BREAKDOWNS, CYCLE_NOTE, FIGURE_KEYS, FIGURES, SCOPE_NOTE, STAGES, WORKLOAD, type FigureFormat } from './figures.ts';
import type { DashboardViewT } from './schemas.ts';

/** The sheet names, in order (the test and the page's download list use them). */
export const SHEETS = {
  about: '说明',
  figures: '总览',
  ...Object.fromEntries(BREAKDOWN_KEYS.map((k) => [k, BREAKDOWNS[k].title])),
  stages: '各阶段用时',
  workload: '调解员工作量',
} as Record<'about' | 'figures' | 'stages' | 'workload' | (typeof BREAKDOWN_KEYS)[number], string>;

const NUM_FMT: Record<FigureFormat, string> = { count: '0', rate: '0.0%', hours: '0.00', minutes: '0.0', score: '0.00' };

function header(sheet: ExcelJS.Worksheet, columns: { header: string; key: string; width: number; fmt?: string }[]): void {
  sheet.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width, ...(c.fmt ? { style: { numFmt: c.fmt } } : {}) }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

export async function dashboardWorkbook(view: DashboardViewT, unitLabel: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'jiefen';
  wb.created = new Date(view.asOf);

  const about = wb.addWorksheet(SHEETS.about);
  header(about, [
    { header: '项目', key: 'k', width: 16 },
    { header: '内容', key: 'v', width: 90 },
  ]);
  about.addRow({ k: '统计期间', v: `${view.filter.from} 至 ${view.filter.to}（受理日期）` });
  about.addRow({ k: '单位', v: unitLabel });
  about.addRow({ k: '统计时刻', v: view.asOf });
  about.addRow({ k: '统计范围', v: SCOPE_NOTE });
  about.addRow({ k: '用时口径', v: CYCLE_NOTE });

  const figures = wb.addWorksheet(SHEETS.figures);
  header(figures, [
    { header: '指标', key: 'label', width: 16 },
    { header: '数值', key: 'value', width: 12 },
    { header: '口径', key: 'definition', width: 90 },
  ]);
  for (const k of FIGURE_KEYS) {
    const row = figures.addRow({ label: FIGURES[k].label, value: view.figures[k], definition: FIGURES[k].definition });
    row.getCell('value').numFmt = NUM_FMT[FIGURES[k].format];
  }

  for (const key of BREAKDOWN_KEYS) {
    const sheet = wb.addWorksheet(SHEETS[key]);
    header(sheet, [
      { header: BREAKDOWNS[key].dimension, key: 'label', width: 22 },
      ...BREAKDOWN_COLUMNS.map((c) => ({ header: FIGURES[c].label, key: c, width: 12, fmt: NUM_FMT[FIGURES[c].format] })),
    ]);
    for (const r of view.breakdowns[key]) sheet.addRow(r);
    sheet.addRow({});
    sheet.addRow({ label: `口径：${BREAKDOWNS[key].definition}` });
  }

  const stages = wb.addWorksheet(SHEETS.stages);
  header(stages, [
    { header: '阶段', key: 'label', width: 12 },
    { header: '件数', key: 'count', width: 8, fmt: '0' },
    { header: '平均用时（小时）', key: 'avgHours', width: 16, fmt: '0.00' },
    { header: 'P90 用时（小时）', key: 'p90Hours', width: 16, fmt: '0.00' },
    { header: '按时', key: 'onTime', width: 8, fmt: '0' },
    { header: '限时办结率', key: 'onTimeRate', width: 12, fmt: '0.0%' },
    { header: '口径', key: 'definition', width: 70 },
  ]);
  for (const s of view.stages) stages.addRow({ ...s, definition: STAGES[s.stage].definition });
  stages.addRow({});
  stages.addRow({ label: CYCLE_NOTE });

  const workload = wb.addWorksheet(SHEETS.workload);
  header(workload, [
    { header: '调解员', key: 'name', width: 14 },
    { header: '单位', key: 'unitName', width: 24 },
    ...Object.entries(WORKLOAD.columns).map(([key, label]) => ({ header: label, key, width: 10, fmt: key === 'satisfaction' ? '0.00' : '0' })),
  ]);
  for (const w of view.workload) workload.addRow(w);
  workload.addRow({});
  workload.addRow({ name: `口径：${WORKLOAD.definition}` });

  return Buffer.from(await wb.xlsx.writeBuffer());
}
