/**
 * The soak's chart: request rate, error rate and p99 latency per second, with each kill
 * and restart of a Confab process marked, drawn by ECharts' server-side SVG renderer.
 */
import * as echarts from 'echarts';

/**
 * @param {{ t: number, requests: number, errors: number, p99: number }[]} seconds
 * @param {{ t: number, kind: 'kill' | 'restart', process: number }[]} marks
 * @param {{ t: number, on: boolean }[]} faults
 */
export function drawChart(seconds, marks, faults, { width = 1000, height = 420, title = 'Confab soak' } = {}) {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  const markLines = marks.map((mark) => ({
    xAxis: mark.t,
    name: `${mark.kind} ${mark.process + 1}`,
    lineStyle: { color: mark.kind === 'kill' ? '#c0392b' : '#27ae60', type: mark.kind === 'kill' ? 'solid' : 'dashed', width: 1 },
    label: { formatter: mark.kind === 'kill' ? `kill #${mark.process + 1}` : 'up', color: mark.kind === 'kill' ? '#c0392b' : '#27ae60', fontSize: 9 },
  }));
  // Shaded spans while injected faults were on.
  const spans = [];
  for (let i = 0; i < faults.length; i++) {
    if (!faults[i].on) continue;
    const end = faults[i + 1]?.t ?? seconds.at(-1)?.t ?? faults[i].t;
    spans.push([{ xAxis: faults[i].t, itemStyle: { color: 'rgba(241,196,15,0.12)' } }, { xAxis: end }]);
  }
  chart.setOption({
    animation: false,
    backgroundColor: '#fff',
    title: { text: title, left: 10, top: 6, textStyle: { fontSize: 14 } },
    legend: { top: 8, right: 170, data: ['requests/s', 'errors/s (non-2xx)', 'p99 latency (ms)'] },
    grid: { left: 60, right: 130, top: 50, bottom: 45 },
    xAxis: { type: 'value', name: 'seconds', nameLocation: 'middle', nameGap: 28, min: 0, max: seconds.at(-1)?.t ?? 0 },
    yAxis: [
      { type: 'value', name: 'requests/s', position: 'left' },
      { type: 'value', name: 'p99 ms', position: 'right', splitLine: { show: false } },
      { type: 'value', name: 'errors/s', position: 'right', offset: 60, splitLine: { show: false } },
    ],
    series: [
      {
        name: 'requests/s',
        type: 'line',
        showSymbol: false,
        yAxisIndex: 0,
        lineStyle: { width: 1.5, color: '#2c7fb8' },
        itemStyle: { color: '#2c7fb8' },
        data: seconds.map((second) => [second.t, second.requests]),
        markLine: { symbol: 'none', silent: true, data: markLines },
        markArea: { silent: true, data: spans },
      },
      {
        name: 'p99 latency (ms)',
        type: 'line',
        showSymbol: false,
        yAxisIndex: 1,
        lineStyle: { width: 1, color: '#8e44ad' },
        itemStyle: { color: '#8e44ad' },
        data: seconds.map((second) => [second.t, second.p99]),
      },
      {
        name: 'errors/s (non-2xx)',
        type: 'bar',
        yAxisIndex: 2,
        barWidth: 2,
        itemStyle: { color: '#e67e22' },
        data: seconds.map((second) => [second.t, second.errors]),
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}
