/**
 * The bench's chart, drawn by ECharts' server-side SVG renderer: above, each HTTP case's
 * throughput as a ratio to bare node:http per database, with the ratio targets marked;
 * below, every measured target as measured ÷ target on a log scale (1 is the bar; right
 * of it is better, whichever way the target points), green when met, red when missed.
 */
import * as echarts from 'echarts';
import { attainment } from './targets.js';

const COLORS = { sqlite: '#2c7fb8', postgres: '#7b3294', met: '#1a9850', missed: '#d73027', target: '#111' };
const NAMES = { sqlite: 'SQLite', postgres: 'PostgreSQL', emulator: 'emulator' };
const ROW = 22;

export function drawChart(results, { width = 1000 } = {}) {
  const sections = results.databases.filter((section) => section.cases.length > 0);
  const caseNames = [...new Set(sections.flatMap((section) => section.cases.map((c) => c.name)))];
  const measured = results.targets.filter((t) => t.met !== null);

  const top = 60;
  const ratioHeight = caseNames.length === 0 ? 0 : Math.max(120, caseNames.length * Math.max(1, sections.length) * ROW);
  const targetsTop = top + ratioHeight + (ratioHeight ? 80 : 0);
  const targetsHeight = Math.max(60, measured.length * ROW);
  const height = targetsTop + targetsHeight + 50;

  const grids = [];
  const xAxes = [];
  const yAxes = [];
  const series = [];
  const titles = [
    {
      text: `Confab bench, ${results.date.slice(0, 10)} — Node ${results.machine.node}, ${results.machine.cpus} CPUs`,
      left: 10,
      top: 6,
      textStyle: { fontSize: 14 },
    },
  ];

  if (caseNames.length > 0) {
    const index = grids.length;
    grids.push({ left: 310, right: 60, top, height: ratioHeight });
    titles.push({ text: 'throughput ÷ bare node:http (same run)', left: 10, top: top - 26, textStyle: { fontSize: 12, fontWeight: 'normal' } });
    xAxes.push({ gridIndex: index, type: 'value', min: 0, max: (value) => Math.max(1, Math.ceil(value.max * 10) / 10), axisLabel: { formatter: '{value}×' } });
    yAxes.push({ gridIndex: index, type: 'category', data: caseNames, inverse: true, axisLabel: { width: 295, overflow: 'truncate' } });
    for (const section of sections) {
      series.push({
        name: NAMES[section.database],
        type: 'bar',
        xAxisIndex: index,
        yAxisIndex: index,
        itemStyle: { color: COLORS[section.database] },
        label: { show: true, position: 'right', formatter: ({ value }) => `${value.toFixed(2)}×`, fontSize: 10 },
        data: caseNames.map((name) => section.cases.find((c) => c.name === name)?.ratio ?? null),
      });
    }
    // The ratio targets, as a marker on their case's row in their database's colour.
    for (const section of sections) {
      const marks = results.targets.filter((t) => t.database === section.database && t.unit === '×' && t.caseKey);
      series.push({
        name: `${NAMES[section.database]} target`,
        type: 'scatter',
        xAxisIndex: index,
        yAxisIndex: index,
        symbol: 'diamond',
        symbolSize: 12,
        itemStyle: { color: COLORS[section.database], borderColor: COLORS.target, borderWidth: 1 },
        data: marks.flatMap((t) => {
          const name = section.cases.find((c) => c.key === t.caseKey)?.name;
          return name ? [[t.target, name]] : [];
        }),
      });
    }
  }

  const index = grids.length;
  grids.push({ left: 310, right: 230, top: targetsTop, height: targetsHeight });
  titles.push({
    text: 'speed targets (issues 23, 24): measured ÷ target, log scale; bars grow from the bar (1): right = better, left = worse',
    left: 10,
    top: targetsTop - 26,
    textStyle: { fontSize: 12, fontWeight: 'normal' },
  });
  const labels = measured.map((t) => `${NAMES[t.database]}: ${t.name}`);
  xAxes.push({ gridIndex: index, type: 'log', min: 0.01, max: 100, logBase: 10, axisLabel: { formatter: (value) => `${value}` } });
  yAxes.push({ gridIndex: index, type: 'category', data: labels, inverse: true, axisLabel: { width: 295, overflow: 'truncate', fontSize: 10 } });
  series.push({
    name: 'targets',
    type: 'bar',
    xAxisIndex: index,
    yAxisIndex: index,
    barMaxWidth: 14,
    label: { show: true, position: 'right', fontSize: 10, formatter: ({ dataIndex }) => verdict(measured[dataIndex]) },
    data: measured.map((t) => ({
      value: Math.min(100, Math.max(0.01, attainment(t))),
      itemStyle: { color: t.met ? COLORS.met : COLORS.missed },
    })),
    markLine: { symbol: 'none', silent: true, label: { show: false }, lineStyle: { color: COLORS.target, type: 'solid', width: 1 }, data: [{ xAxis: 1 }] },
  });

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  chart.setOption({
    animation: false,
    backgroundColor: '#fff',
    title: titles,
    legend: { top: 8, right: 10, data: sections.flatMap((s) => [NAMES[s.database], `${NAMES[s.database]} target`]) },
    grid: grids,
    xAxis: xAxes,
    yAxis: yAxes,
    series,
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

function verdict(t) {
  const unit = t.unit === '×' || t.unit === '' ? t.unit : ` ${t.unit}`;
  const value = t.measured === null ? (t.note?.startsWith('failed') ? '—' : '∞') : short(t.measured);
  const note = t.note ? ` — ${t.note.replace(/, not .*/, '')}` : '';
  return `${t.met ? 'PASS' : 'MISS'} ${value}${unit} (${t.comparison} ${short(t.target)}${unit})${note}`;
}

function short(value) {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  return value.toFixed(Math.abs(value) >= 10 ? 0 : 2);
}
