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

/**
 * The coverage of each year (units counted / expected, from the series answer) and the years whose coverage differs
 * from the most common one: their figures cover other units, so their rise or fall is not like for like.
 */
export function coverageOf(points) {
  const known = points.filter((p) => p.countedUnits !== null && p.countedUnits !== undefined);
  const text = (p) => `${p.countedUnits}/${p.expectedUnits}`;
  const tally = new Map();
  for (const p of known) tally.set(text(p), (tally.get(text(p)) ?? 0) + 1);
  // The most common coverage; on a tie, the newest year's.
  const usual = [...tally.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const tie = [...tally.values()].filter((n) => n === tally.get(usual)).length > 1;
  const norm = tie && known.length > 0 ? text(known[known.length - 1]) : usual;
  return new Map(known.map((p) => [p.year, { text: text(p), differs: text(p) !== norm }]));
}

/** One indicator over the years: the series endpoint's points (null where nothing was reported), each year's coverage marked. */
export function drawSeries(node, label, series) {
  const points = series?.points ?? [];
  const chart = chartIn(node);
  chart.clear();
  const cover = coverageOf(points);
  const note = (p) => (cover.has(p.year) ? `（${cover.get(p.year).text} 个单位${cover.get(p.year).differs ? "，口径不同" : ""}）` : "");
  describe(node, points.map((p) => [`${p.year}年${note(p)}`, p.value]));
  if (points.length === 0) {
    chart.setOption(empty("暂无历年数据"));
    return;
  }
  chart.setOption({
    animation: false,
    title: { text: label, left: "center", textStyle: { fontSize: 12, fontWeight: "normal" } },
    tooltip: { trigger: "axis" },
    grid: { left: 56, right: 24, top: 36, bottom: 40 },
    xAxis: {
      type: "category",
      data: points.map((p) => `${p.year}年`),
      axisLabel: {
        interval: 0,
        formatter: (_, i) => {
          const c = cover.get(points[i].year);
          return c ? `${points[i].year}年\n{${c.differs ? "odd" : "n"}|${c.text} 个单位}` : `${points[i].year}年`;
        },
        rich: { n: { color: "#66788a", fontSize: 11 }, odd: { color: "#c53030", fontSize: 11, fontWeight: "bold" } },
      },
    },
    yAxis: { type: "value" },
    // A year of other coverage: a red diamond, named beside it.
    series: [{
      type: "line", name: label, connectNulls: false, symbolSize: 7,
      data: points.map((p) => (cover.get(p.year)?.differs
        ? {
          value: p.value, symbol: "diamond", symbolSize: 12, itemStyle: { color: "#c53030" },
          label: { show: true, position: "top", color: "#c53030", fontWeight: "bold", formatter: "口径不同" },
        }
        : p.value)),
    }],
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
