// The page: log in with a key, pick a unit and a year, and read what that key may see.

import { ApiError, download, getJson, getJsonOrNull, paths, session } from "./api.js";
import { drawBreakdown, drawSeries } from "./charts.js";
import { $, dateTime, el, minute, number, show, showError } from "./dom.js";
import { chartable, coverage, gridRows, tableRows, templateLines } from "./figures.js";
import "./review.js";

// Any indicator every template has: its series answers the years that have figures.
const YEARS_INDICATOR = "1.1";
// The quality flags come in pages: this many flags a page, and at most this many pages (the rest is counted, not shown).
const QUALITY_PAGE = 500;
const QUALITY_PAGES = 20;

const state = {
  tenant: null, // { code, name }
  units: [], // the org units the key sees, parents first
  templates: new Map(), // code → template
  lines: [], // the current template's lines
  loading: 0, // a counter, so that a slow answer for an older choice never overwrites a newer one
  shown: null, // what the table shows now: { template, rollup, comparison }, redrawn when the like-for-like switch turns
};

// The table read answers at most this many indicators a call, and a table of more cells is an expensive read.
const TABLE_INDICATORS = 100;
const TABLE_CELLS = 1000;

// The units whose reports need someone first: awaiting review, returned, missing; the accepted ones after them.
const workOrder = { submitted: 0, returned: 1, missing: 2, accepted: 3 };

const statusNames = { accepted: "已采用", submitted: "待审核", returned: "已退回", missing: "未报送" };
const flagNames = { swing: "同比大幅波动", outlier: "明显偏离", warning: "校验提示" };

document.addEventListener("DOMContentLoaded", () => {
  $("login-form").addEventListener("submit", onLogin);
  $("logout").addEventListener("click", () => logOut());
  $("unit").addEventListener("change", () => loadYear());
  $("year").addEventListener("change", () => loadYear());
  $("indicator").addEventListener("change", () => loadCharts());
  $("download").addEventListener("click", onDownload);
  $("like-for-like").addEventListener("change", () => {
    if (state.shown) renderTable(state.shown.template, state.shown.rollup, state.shown.comparison);
  });
  $("copy-missing").addEventListener("click", onCopyMissing);
  // The review panel (review.js) says when an accept or a return changed the figures: read the year again, in place.
  document.addEventListener("figures-changed", () => {
    if (state.tenant) loadYear();
  });
  if (session.key) start().catch(failed);
  else logOut();
});

function logOut(message) {
  session.clear();
  state.tenant = null;
  // Nothing stays usable without a key the page serves: a refused key leaves every control disabled.
  for (const id of ["unit", "year", "indicator", "download", "like-for-like", "copy-missing"]) $(id).disabled = true;
  show($("board"), false);
  show($("who"), false);
  show($("login"), true);
  $("login-key").value = "";
  showError($("login-error"), message);
}

/** A sign-in that failed, said in Chinese (the API's own words are English for programs). */
function signInMessage(e) {
  if (e instanceof SignInRefused) return e.message;
  if (!(e instanceof ApiError)) return `登录失败：${e.message}`;
  if (e.status === 401) return "登录失败：密钥无效或已撤销，请核对后重新粘贴。";
  if (e.status === 0) return "登录失败：无法连接服务器，请检查网络后重试。";
  if (e.status === 429) return "登录失败：请求过于频繁，请稍后再试。";
  return `登录失败：服务器返回错误（HTTP ${e.status}），请稍后再试或联系管理员。`;
}

/** The key is valid but not one this page serves: a reporter's, or the platform admin's. */
class SignInRefused extends Error {}

const officerRoles = new Set(["viewer", "reviewer", "tenant-admin"]);

async function onLogin(event) {
  event.preventDefault();
  const key = $("login-key").value.trim();
  showError($("login-error"), null);
  $("login-submit").disabled = true;
  try {
    // A header carries printable ASCII only: anything else would fail in fetch as if the server were down.
    if (!/^[\x21-\x7e]+$/.test(key)) throw new SignInRefused("登录失败：密钥格式不正确（应为 agg_ 开头的一串字母、数字和符号），请核对后重新粘贴。");
    // The key alone: who it is, its tenant and its unit come from GET /api/v1/me.
    const me = await getJson(paths.me(), key);
    refuseIfNotAnOfficer(me);
    session.save(key);
    $("login-key").value = "";
    await start(me);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) session.clear();
    if (!session.key) logOut(signInMessage(e));
    else failed(e);
  } finally {
    $("login-submit").disabled = false;
  }
}

function refuseIfNotAnOfficer(me) {
  if (!me.tenant) {
    throw new SignInRefused("此密钥是平台管理员密钥，不属于任何区，没有可显示的区级数据。请使用区政务公开办的查看者或审核者密钥登录。");
  }
  if (!officerRoles.has(me.role)) {
    throw new SignInRefused(`此页面供区政务公开办的查看者、审核者或管理员使用。此密钥是${me.orgUnit?.name ?? ""}的填报密钥，请在填报系统中报送，` +
      "或向区政务公开办申请查看者密钥。");
  }
}

/** The reporting year districts work on now: the year before this one on the tenant's calendar. */
function currentReportingYear(timeZone) {
  const year = Number(new Intl.DateTimeFormat("en-US", { year: "numeric", timeZone: timeZone || undefined }).format(new Date()));
  return year - 1;
}

/** Whoever the key is: its tenant, its unit and the years to offer. */
async function start(known) {
  const me = known ?? await getJson(paths.me());
  refuseIfNotAnOfficer(me);
  const tenantCode = me.tenant.code;
  const [tenant, units] = await Promise.all([getJson(paths.tenant(tenantCode)), getJson(paths.orgUnits(tenantCode))]);
  state.tenant = tenant;
  state.units = units.items;
  if (state.units.length === 0) throw new SignInRefused("此密钥看不到任何单位。");

  const parents = new Set(state.units.map((u) => u.parent).filter(Boolean));
  const own = state.units.find((u) => u.code === me.orgUnit?.code) ?? state.units[0];
  const choices = state.units.filter((u) => u === own || parents.has(u.code));
  $("unit").replaceChildren(...choices.map((u) => el("option", { value: u.code, text: `${u.name}（${u.code}）` })));

  // The years worth a choice: those with figures (the series of any indicator lists them, one request) and the
  // newest year anyone reported (a report still awaiting review has no figures yet), plus the year being reported now.
  const [latest, series] = await Promise.all([
    getJsonOrNull(paths.latestReport(tenantCode, own.code)),
    getJsonOrNull(paths.series(tenantCode, own.code, YEARS_INDICATOR)),
  ]);
  const newestReported = latest?.items?.[0]?.year;
  const reporting = currentReportingYear(tenant.timeZone);
  const years = [...new Set([reporting, ...(newestReported ? [newestReported] : []), ...(series?.points ?? []).map((p) => p.year)])]
    .sort((a, b) => b - a);
  $("year").replaceChildren(...years.map((y) => el("option", { value: String(y), text: y === reporting ? `${y}年度（本期）` : `${y}年度` })));
  $("year").value = String(newestReported ?? reporting);
  $("unit").disabled = false;
  $("year").disabled = false;
  $("like-for-like").disabled = false;

  $("who-text").textContent = `${tenant.name}（${tenant.code}） · ${own.name}`;
  show($("login"), false);
  show($("who"), true);
  show($("board"), true);
  await loadYear();
}

function failed(e) {
  if (e instanceof ApiError && e.status === 401) logOut("请重新登录：密钥无效或已撤销。");
  else if (e instanceof SignInRefused || !state.tenant) logOut(signInMessage(e));
  else showError($("board-error"), e.message);
}

async function loadYear() {
  const ticket = ++state.loading;
  const tenant = state.tenant.code;
  const org = $("unit").value;
  const year = Number($("year").value);
  showError($("board-error"), null);
  $("status").textContent = "加载中…";
  try {
    const [rollup, comparison, completeness, deadline, quality] = await Promise.all([
      getJsonOrNull(paths.rollup(tenant, org, year)),
      getJsonOrNull(paths.comparison(tenant, org, year)).catch(() => null), // no base year: no change column
      getJsonOrNull(paths.completeness(tenant, org, year)),
      getJsonOrNull(paths.deadline(tenant, year)).catch(() => null),
      qualityOf(tenant, org, year),
    ]);
    const template = rollup ? await templateOf(rollup.template) : null;
    const lines = template ? templateLines(template) : [];
    const grid = rollup ? await gridOf(tenant, org, year, chartable(template, lines)) : null;
    if (ticket !== state.loading) return;

    renderCompleteness(completeness, deadline);
    renderTable(template, rollup, comparison);
    renderGrid(lines, grid);
    renderQuality(quality);
    $("download").disabled = !rollup;
    $("status").textContent = "";
    await loadCharts();
  } catch (e) {
    if (ticket === state.loading) $("status").textContent = "";
    failed(e);
  }
}

async function templateOf(code) {
  if (!state.templates.has(code)) state.templates.set(code, await getJson(paths.template(code)));
  return state.templates.get(code);
}

function renderCompleteness(c, deadline) {
  const counts = $("completeness-counts");
  const units = $("completeness-units");
  if (!c) {
    counts.replaceChildren(el("p", { class: "empty", text: "该年度暂无报送情况。" }));
    units.replaceChildren();
    renderMissing([], null);
    return;
  }
  // Each count means one thing: 应报 = 已报送 + 已退回 + 未报送; 待审核 and 已采用 are the two parts of 已报送.
  const accepted = c.units.filter((u) => u.status === "accepted").length;
  const card = (label, value, kind = "", title) =>
    el("div", { class: `count ${kind}`, title }, el("span", { class: "n", text: String(value) }), el("span", { class: "l", text: label }));
  counts.replaceChildren(
    card("应报单位", c.expected, "", "应报 = 已报送 + 已退回 + 未报送"),
    card("已报送", c.reported, "good", "最新版本待审核或已采用的单位（不含已退回）"),
    card("待审核", c.awaitingReview, c.awaitingReview > 0 ? "warn" : ""),
    card("已采用", accepted, "good"),
    card("已退回", c.returned, c.returned > 0 ? "warn" : "", "退回后尚未重新报送的单位"),
    card("未报送", c.missing.length, c.missing.length > 0 ? "bad" : ""),
    card("逾期报送", c.late, c.late > 0 ? "warn" : "", "已报送单位中首次报送晚于截止时间的"));

  const timing = (u) => (u.onTime === null ? "—" : u.onTime ? "按时" : "逾期");
  const ordered = [...c.units].sort((a, b) => (workOrder[a.status] ?? 9) - (workOrder[b.status] ?? 9));
  units.replaceChildren(el("table", { class: "units-table", id: "completeness-table" },
    el("thead", {}, el("tr", {}, ["单位", "状态", "首次报送", "时效", "采用版本", "退回意见"].map((h) => el("th", { text: h })))),
    el("tbody", {}, ordered.map((u) => el("tr", { class: `status-${u.status}`, "data-org": u.orgUnit, "data-org-code": u.orgUnit },
      el("td", { class: "name" }, el("button", {
        type: "button", class: "link unit-open", title: `查看${u.name}的报送与审核`, text: u.name,
      })),
      el("td", { class: "status", text: statusNames[u.status] ?? u.status }),
      el("td", { class: "when", text: minute(u.firstReportedAt, state.tenant.timeZone) }),
      el("td", { class: u.onTime === false ? "late" : "", text: timing(u) }),
      el("td", { class: "num", text: u.countedVersion === null ? "—" : `v${u.countedVersion}` }),
      el("td", { class: "comment", text: u.returnComment ?? "" }))))));
  // A click anywhere on a unit's row opens it (its name is the button a keyboard reaches; its click bubbles here).
  for (const row of units.querySelectorAll("tr[data-org-code]")) {
    const unit = c.units.find((u) => u.orgUnit === row.dataset.orgCode);
    row.addEventListener("click", () => document.dispatchEvent(new CustomEvent("unit-open", {
      detail: { code: unit.orgUnit, name: unit.name, status: unit.status },
    })));
  }
  renderMissing(c.missing, deadline ?? { due: c.due, isDefault: true });
}

/** What to do about the missing units: the deadline, and their names to copy into a reminder. */
function renderMissing(missing, deadline) {
  show($("missing-todo"), missing.length > 0);
  $("copy-missing").disabled = missing.length === 0;
  $("copy-result").textContent = "";
  $("missing-list").textContent = missing.map((u) => `${u.name}（${u.orgUnit}）`).join("\n");
  if (missing.length === 0) return;
  const due = dateTime(deadline.due, state.tenant.timeZone);
  const passed = new Date(deadline.due) < new Date();
  $("missing-due").textContent = `${missing.length} 个单位未报送。报送截止时间：${due}${deadline.isDefault ? "（默认截止时间）" : ""}` +
    (passed ? "，已过截止时间，请尽快催报。" : "，请在截止前提醒报送。");
}

async function onCopyMissing() {
  const text = $("missing-list").textContent;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // No clipboard permission (an older browser, a page not in focus): copy the selected list the old way.
    const range = document.createRange();
    range.selectNodeContents($("missing-list"));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    document.execCommand("copy");
  }
  $("copy-result").textContent = `已复制 ${text.split("\n").length} 个单位`;
}

/** The units × indicators grid: the table read, in calls small enough to stay cheap reads. */
async function gridOf(tenant, org, year, lines) {
  const codes = lines.map((l) => l.code);
  const units = state.units.filter((u) => u.parent === org).length || 1;
  const size = Math.max(1, Math.min(TABLE_INDICATORS, Math.floor(TABLE_CELLS / units)));
  const parts = [];
  for (let i = 0; i < codes.length; i += size) parts.push(codes.slice(i, i + size));
  if (parts.length === 0) return null;
  const answers = await Promise.all(parts.map((part) => getJsonOrNull(paths.table(tenant, org, year, part))));
  if (answers.some((a) => a === null)) return null;
  return {
    columns: answers.flatMap((a) => a.columns),
    rows: answers[0].rows.map((row, r) => ({ ...row, values: answers.flatMap((a) => a.rows[r].values) })),
    total: answers.flatMap((a) => a.total),
  };
}

function renderGrid(lines, grid) {
  const table = $("grid-table");
  if (!grid || grid.rows.length === 0) {
    $("grid-meta").textContent = "";
    table.tHead.rows[0].replaceChildren();
    table.tBodies[0].replaceChildren(el("tr", {}, el("td", { class: "empty", text: "该年度尚无分单位数据。" })));
    return;
  }
  $("grid-meta").textContent = "按汇总表的指标顺序，每个单位一列（采用的版本；空白为未填报或未采用），末列为合计。";
  table.tHead.rows[0].replaceChildren(
    el("th", { class: "label", text: "指标" }),
    ...grid.rows.map((row) => el("th", { class: "num", "data-unit": row.orgUnit, text: row.name })),
    el("th", { class: "num", text: "合计" }));
  table.tBodies[0].replaceChildren(...gridRows(lines, grid));
}

/** A unit's row opens its report (js/review.js listens). */
function openUnit(event) {
  const row = event.target.closest("[data-org-code]");
  if (!row) return;
  event.preventDefault();
  const { orgCode: code, name, status } = row.dataset;
  document.dispatchEvent(new CustomEvent("unit-open", { detail: { code, name, status } }));
}

function renderTable(template, rollup, comparison) {
  const body = $("rollup-table").tBodies[0];
  const likeForLike = $("like-for-like").checked;
  $("rollup-table").classList.toggle("all-units", !likeForLike);
  $("base-sub").textContent = likeForLike ? "（同口径）" : "合计";
  if (!rollup) {
    state.lines = [];
    state.shown = null;
    $("table-meta").textContent = "";
    body.replaceChildren(el("tr", {}, el("td", { colspan: "8", class: "empty", text: "该年度尚无汇总数据（还没有单位报送，或正在计算）。" })));
    fillIndicators([]);
    return;
  }
  state.shown = { template, rollup, comparison };
  state.lines = templateLines(template);
  const expected = rollup.completeness.expected;
  const base = !comparison ? "无上年数据可比"
    : likeForLike ? `与 ${comparison.baseYear} 年同口径比较：只比较两年均已采用的单位，各行“比较单位”为所含单位数`
    : `与 ${comparison.baseYear} 年全部单位合计比较（两年所含单位可能不同）`;
  const stale = rollup.stale ? " · 有新报送，正在重新计算" : "";
  $("table-meta").textContent =
    `${template.name} · 本年合计计入 ${coverage(rollup.completeness.reported, expected)} · ${base} · 计算于 ${dateTime(rollup.computedAt, state.tenant.timeZone)}${stale}`;
  body.replaceChildren(...tableRows(state.lines, rollup, comparison, { likeForLike, expected }));
  fillIndicators(chartable(template, state.lines));
}

function fillIndicators(lines) {
  const select = $("indicator");
  const previous = select.value;
  select.replaceChildren(...lines.map((l) => el("option", { value: l.code, text: `${l.code} ${shorten(l.label)}` })));
  if (lines.some((l) => l.code === previous)) select.value = previous;
  select.disabled = lines.length === 0;
}

const shorten = (text) => (text.length > 24 ? `${text.slice(0, 23)}…` : text);

async function loadCharts() {
  const tenant = state.tenant.code;
  const org = $("unit").value;
  const year = Number($("year").value);
  const code = $("indicator").value;
  const line = state.lines.find((l) => l.code === code);
  if (!line) {
    drawSeries($("series-chart"), "", null);
    drawBreakdown($("breakdown-chart"), "", null);
    return;
  }
  try {
    const [series, breakdown] = await Promise.all([
      getJsonOrNull(paths.series(tenant, org, code)),
      getJsonOrNull(paths.breakdown(tenant, org, year, code)),
    ]);
    const label = `${shorten(line.label)}（${line.unit}）`;
    drawSeries($("series-chart"), label, series);
    drawBreakdown($("breakdown-chart"), `${year}年 ${label}`, breakdown);
  } catch (e) {
    failed(e);
  }
}

/** The year's quality flags, page after page (following next), as one answer; null when nothing was there to check. */
async function qualityOf(tenant, org, year) {
  const first = await getJsonOrNull(paths.quality(tenant, org, year, QUALITY_PAGE));
  if (!first) return null;
  const flags = [...first.flags];
  let next = first.next;
  for (let pages = 1; next && pages < QUALITY_PAGES; pages++) {
    const page = await getJson(paths.quality(tenant, org, year, QUALITY_PAGE, next));
    flags.push(...page.flags);
    next = page.next;
  }
  return { ...first, flags, next };
}

function renderQuality(q) {
  const body = $("quality-table").tBodies[0];
  const flags = q?.flags ?? [];
  if (flags.length === 0) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: "5", class: "empty", text: q ? "未发现需要复核的数据。" : "该年度暂无可检查的报告。" })));
    return;
  }
  const rows = flags.map((f) => el("tr", { class: `flag-${f.kind}` },
    el("td", { text: f.name }),
    el("td", { class: "kind", text: flagNames[f.kind] ?? f.kind }),
    el("td", { text: f.indicator }),
    el("td", { class: "num", text: number(f.value) }),
    el("td", { class: "why", text: f.why })));
  if (q.next) {
    rows.push(el("tr", { class: "more" },
      el("td", { colspan: "5", class: "empty", text: `另有 ${q.total - flags.length} 条提示未显示（共 ${q.total} 条）。` })));
  }
  body.replaceChildren(...rows);
}

async function onDownload() {
  const year = $("year").value;
  const org = $("unit").value;
  $("download").disabled = true;
  try {
    await download(paths.xlsx(state.tenant.code, org, year),
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", `rollup-${org}-${year}.xlsx`);
  } catch (e) {
    failed(e);
  } finally {
    $("download").disabled = !state.tenant;
  }
}
