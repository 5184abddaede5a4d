// The public page: a tenant's published years, and the table and a chart of the one chosen. Key-less reads of
// /public/v1 only; ECharts is the dashboard's vendored copy (Apache-2.0; no CDN).

import * as echarts from "/dashboard/vendor/echarts/echarts.esm.min.js";

const $ = (id) => document.getElementById(id);
const api = "/public/v1";
let chart = null;

const number = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });
const show = (value) => (value === null || value === undefined ? "—" : number.format(value));
const signed = (value) => (value === null || value === undefined ? "—" : (value > 0 ? "+" : "") + number.format(value));
const time = (iso) => new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false });

async function read(path) {
  const response = await fetch(api + path, { headers: { Accept: "application/json" } });
  if (response.status === 404) return null;
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    throw new Error(problem.detail ?? `服务暂时无法答复（${response.status}）`);
  }
  return response.json();
}

function fail(text) {
  $("error").textContent = text;
  $("error").hidden = false;
}

async function openTenant(tenant) {
  $("error").hidden = true;
  $("published").hidden = true;
  $("status").textContent = "正在查询……";
  const url = new URL(location.href);
  url.searchParams.set("t", tenant);
  history.replaceState(null, "", url);
  try {
    const list = await read(`/${encodeURIComponent(tenant)}`);
    $("status").textContent = "";
    if (list === null) return fail(`“${tenant}”尚未公开发布任何数据。`);
    $("tenant-title").textContent = `${list.tenantName}已公开发布的年度`;
    const years = $("years");
    years.replaceChildren();
    const latest = list.items.filter((item) => item.latest);
    for (const item of latest) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = `${item.year}年`;
      button.dataset.year = item.year;
      button.addEventListener("click", () => openYear(list, item.year));
      years.append(button);
    }
    $("published").hidden = false;
    const wanted = Number(url.searchParams.get("year"));
    await openYear(list, latest.some((item) => item.year === wanted) ? wanted : latest[0].year);
  } catch (error) {
    $("status").textContent = "";
    fail(error.message);
  }
}

async function openYear(list, year) {
  for (const button of $("years").children) button.setAttribute("aria-pressed", String(Number(button.dataset.year) === year));
  const tenant = list.tenant;
  const edition = await read(`/${encodeURIComponent(tenant)}/${year}`);
  if (edition === null) return fail(`“${tenant}”未公开发布 ${year} 年的数据。`);
  const url = new URL(location.href);
  url.searchParams.set("year", year);
  history.replaceState(null, "", url);

  $("edition-title").textContent = `${edition.orgUnitName}${edition.year}年政府信息公开情况统计（第${edition.edition}版）`;
  $("edition-meta").textContent = `发布时间：${time(edition.publishedAt)}（北京时间）　数据截至：${time(edition.computedAt)}`;
  const units = edition.countedUnits;
  $("edition-units").textContent = `应报单位 ${units.expected} 个，已计入 ${units.counted} 个` +
    (units.units.length > 0 ? `：${units.units.map((u) => u.name).join("、")}` : "") +
    (units.missing.length > 0 ? `；未计入 ${units.missing.length} 个` : "");
  $("download-docx").href = `${api}/${encodeURIComponent(tenant)}/${year}.docx`;
  $("download-xlsx").href = `${api}/${encodeURIComponent(tenant)}/${year}.xlsx`;
  $("download-csv").href = `${api}/${encodeURIComponent(tenant)}/${year}.csv`;

  const changed = new Set(edition.changelog.map((c) => c.code));
  $("changelog").hidden = edition.changelog.length === 0;
  $("changelog-list").replaceChildren(...edition.changelog.map((c) => {
    const li = document.createElement("li");
    li.textContent = `${c.code} ${c.label}：${show(c.before)} → ${show(c.after)}`;
    return li;
  }));

  const yoy = new Map((edition.yoy?.values ?? []).map((v) => [v.code, v]));
  $("base-head").textContent = edition.yoy ? `${edition.yoy.baseYear}年` : "上年";
  const rows = edition.figures.map((f) => {
    const tr = document.createElement("tr");
    if (changed.has(f.code)) tr.className = "changed";
    const cells = [f.code, f.label, f.unit, show(f.value), show(yoy.get(f.code)?.base), signed(yoy.get(f.code)?.delta)];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i >= 3) td.className = "num";
      tr.append(td);
    });
    return tr;
  });
  $("figures").tBodies[0].replaceChildren(...rows);

  const editions = list.items.filter((item) => item.year === year).map((item) => `第${item.edition}版 ${time(item.publishedAt)}`);
  $("editions-line").textContent = `本年度已发布：${editions.join("；")}`;
  $("edition").hidden = false;
  draw(edition, yoy);
}

/** The top-level figures (codes of one or two parts) with a value, by their unit: the units most used first. */
function mainFigures(edition) {
  const main = edition.figures.filter((f) => f.code.split(".").length <= 2 && !f.code.includes(":") && f.value !== null);
  const tally = new Map();
  for (const f of main) tally.set(f.unit, (tally.get(f.unit) ?? 0) + 1);
  const units = [...tally.entries()].sort((a, b) => b[1] - a[1]).map(([unit]) => unit);
  return { main, units };
}

let current = null;

function draw(edition, yoy) {
  current = { edition, yoy };
  const { main, units } = mainFigures(edition);
  const select = $("chart-unit");
  // The unit chosen before, while this year has it; otherwise the first figure's (1.1 主动公开, in 条).
  const kept = units.includes(select.value) ? select.value : (main[0]?.unit ?? units[0]);
  select.replaceChildren(...units.map((unit) => new Option(unit, unit, false, unit === kept)));
  plot(kept);
}

/** This year's figures in the chosen unit, and the base year's beside them. */
function plot(unit) {
  const { edition, yoy } = current;
  const shown = mainFigures(edition).main.filter((f) => f.unit === unit).slice(0, 16);
  const node = $("chart");
  node.setAttribute("role", "img");
  node.setAttribute("aria-label", shown.map((f) => `${f.label}：${f.value}`).join("；") || "暂无数据");
  chart ??= echarts.init(node, null, { renderer: "canvas", locale: "ZH" });
  const series = [{ name: `${edition.year}年`, type: "bar", data: shown.map((f) => f.value), itemStyle: { color: "#9b1c1c" } }];
  if (edition.yoy) series.push({ name: `${edition.yoy.baseYear}年`, type: "bar", data: shown.map((f) => yoy.get(f.code)?.base ?? null), itemStyle: { color: "#9aa5b1" } });
  chart.setOption({
    animation: false,
    title: { text: `主要指标（单位：${unit ?? "—"}）`, left: "center", textStyle: { fontSize: 14 } },
    tooltip: { trigger: "axis" },
    legend: { bottom: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 60 },
    xAxis: { type: "category", data: shown.map((f) => f.code), axisLabel: { interval: 0 } },
    yAxis: { type: "value" },
    series,
  }, true);
}

$("chart-unit").addEventListener("change", (event) => plot(event.target.value));

window.addEventListener("resize", () => chart?.resize());

$("tenant-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const tenant = $("tenant").value.trim();
  if (tenant) openTenant(tenant);
});

const start = new URL(location.href).searchParams.get("t");
if (start) {
  $("tenant").value = start;
  openTenant(start);
}
