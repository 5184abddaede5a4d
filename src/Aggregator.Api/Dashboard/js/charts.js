// The two charts, drawn with the vendored ECharts (vendor/echarts, Apache-2.0; no CDN).

import * as echarts from "../vendor/echarts/echarts.esm.min.js";

const charts = new Map();

// Drawn at once (no animation): what the officer sees, or a screenshot takes, is the final picture.
function chartIn(node) {
  if (!charts.has(node)) charts.set(node, echarts.init(node, null, { renderer: "canvas", locale: "ZH" }));
  return charts.get(node);
}

window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));

/** The figures in words too, for screen readers (a canvas says nothing). */
function describe(node, pairs) {
  node.setAttribute("role", "img");
  node.setAttribute("aria-label", pairs.length === 0 ? "暂无数据" : pairs.map(([name, value]) => `${name}：${value ?? "未填报"}`).join("；"));
}

const empty = (text) => ({
  animation: false,
  title: { text, left: "center", top: "middle", textStyle: { color: "#888", fontSize: 13, fontWeight: "normal" } },
  xAxis: { show: false }, yAxis: { show: false }, series: [],
});

/** One indicator over the years: the series endpoint's points (null where nothing was reported). */
export function drawSeries(node, label, series) {
  const points = series?.points ?? [];
  const chart = chartIn(node);
  chart.clear();
  describe(node, points.map((p) => [`${p.year}年`, p.value]));
  if (points.length === 0) {
    chart.setOption(empty("暂无历年数据"));
    return;
  }
  chart.setOption({
    animation: false,
    title: { text: label, left: "center", textStyle: { fontSize: 12, fontWeight: "normal" } },
    tooltip: { trigger: "axis" },
    grid: { left: 56, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: points.map((p) => `${p.year}年`) },
    yAxis: { type: "value" },
    series: [{ type: "line", name: label, data: points.map((p) => p.value), connectNulls: false, symbolSize: 7 }],
  });
}

/** One indicator of the year by child unit, largest first. */
export function drawBreakdown(node, label, breakdown) {
  const items = (breakdown?.children ?? []).filter((c) => c.value !== null).sort((a, b) => b.value - a.value);
  const chart = chartIn(node);
  chart.clear();
  describe(node, items.map((c) => [c.name, c.value]));
  if (items.length === 0) {
    chart.setOption(empty("暂无分单位数据"));
    return;
  }
  chart.setOption({
    animation: false,
    title: { text: label, left: "center", textStyle: { fontSize: 12, fontWeight: "normal" } },
    tooltip: {
      trigger: "axis",
      axisPointer: { type: "shadow" },
      valueFormatter: (v) => (v === null || v === undefined ? "—" : String(v)),
    },
    grid: { left: 56, right: 16, top: 36, bottom: 56 },
    xAxis: { type: "category", data: items.map((c) => c.name), axisLabel: { interval: 0, rotate: items.length > 4 ? 30 : 0 } },
    yAxis: { type: "value" },
    series: [{ type: "bar", name: label, data: items.map((c) => c.value), barMaxWidth: 40 }],
  });
}
