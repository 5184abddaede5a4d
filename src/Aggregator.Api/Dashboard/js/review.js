// One unit's report for the year, in a panel beside the completeness list: its current, submitted and counted
// versions, what the submitted version changes against the counted one, its rule warnings, and, for a reviewer or a
// tenant-admin, accept or return with a comment. Opened by a "unit-open" event ({ code, name, status }); after a move
// it dispatches "figures-changed" so that the completeness, the table and the charts are read again.

import { ApiError, getJson, getJsonOrNull, paths, session } from "./api.js";
import { $, dateTime, el, number, show, showError, signed } from "./dom.js";
import { templateLines } from "./figures.js";

const reviewerRoles = new Set(["reviewer", "tenant-admin"]);
const statusNames = { accepted: "已采用", submitted: "待审核", returned: "已退回", missing: "未报送" };
const actionNames = {
  "report.version-submitted": "报送新版本",
  "report.version-imported": "导入报告文件",
  "report.version-imported-csv": "批量导入",
  "report.version-patched": "更正当前版本",
  "report.version-accepted": "审核通过（采用）",
  "report.version-returned": "退回修改",
  "report.reopened": "重新开放年度",
};
const tabs = ["review", "history", "audit"];
const AUDIT_LIMIT = 100;

const segment = encodeURIComponent;
const report = (t, org, year) => `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/reports/${year}`;
const reviewPaths = {
  history: (t, org, year) => `${report(t, org, year)}/versions`,
  version: (t, org, year, v) => `${report(t, org, year)}/versions/${v}`,
  diff: (t, org, year, v, against) => `${report(t, org, year)}/versions/${v}/diff${against ? `?against=${against}` : ""}`,
  move: (t, org, year, v, move) => `${report(t, org, year)}/versions/${v}/${move}`,
  audit: (t, org, year) => `/api/v1/tenants/${segment(t)}/audit?unit=${segment(org)}&year=${year}&limit=${AUDIT_LIMIT}`,
};

const panel = {
  who: null, // { key, me, tenant }: whom the key is, asked once per key
  templates: new Map(),
  unit: null, // { code, name, status, year }
  ticket: 0, // a newer opening wins over a slower older one
  submitted: null, // the version number a move would name, once its diff is on screen
  keyNames: new Map(), // actor ("key:…") → the key's name, from the history
};

document.addEventListener("DOMContentLoaded", () => {
  document.addEventListener("unit-open", (event) => open(event.detail).catch(() => {}));
  $("review-close").addEventListener("click", close);
  // Another unit or year on the board: the panel's report is no longer the one in view.
  for (const id of ["unit", "year"]) $(id).addEventListener("change", close);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !$("review-panel").hidden) close();
  });
  for (const tab of tabs) $(`review-tab-${tab}`).addEventListener("click", () => select(tab));
  $("review-comment").addEventListener("input", enableMoves);
  $("review-accept").addEventListener("click", () => move("accept"));
  $("review-return").addEventListener("click", () => move("return"));
  // Signing out (the login form shows again) closes the panel: nothing of the last key stays on screen or usable.
  new MutationObserver(() => {
    if (!$("login").hidden || $("board").hidden) close();
  }).observe($("login"), { attributes: true, attributeFilter: ["hidden"] });
});

function close() {
  panel.ticket++;
  panel.unit = null;
  disableMoves();
  $("review-fields").disabled = true;
  show($("review-panel"), false);
  split(false);
}

/** On a wide screen the page moves left of the panel, so the completeness list stays in sight beside it. */
function split(on) {
  if (document.body.classList.contains("reviewing") === on) return;
  document.body.classList.toggle("reviewing", on);
  window.dispatchEvent(new Event("resize")); // the charts take their new width
}

/** The key's role and tenant (GET /me, then the tenant for its time zone), asked again only for another key. */
async function whoAmI() {
  const key = session.key;
  if (panel.who?.key !== key) {
    const me = await getJson(paths.me());
    if (!me.tenant) throw new ApiError(403, "此密钥不属于任何区。", null);
    const tenant = await getJson(paths.tenant(me.tenant.code));
    panel.who = { key, me, tenant };
  }
  return panel.who;
}

async function templateOf(code) {
  if (!panel.templates.has(code)) panel.templates.set(code, await getJson(paths.template(code)));
  return panel.templates.get(code);
}

const mayReview = () => reviewerRoles.has(panel.who?.me.role);
const zone = () => panel.who?.tenant.timeZone;
const when = (iso) => dateTime(iso, zone());

async function open(detail) {
  const ticket = ++panel.ticket;
  const year = Number($("year").value);
  panel.unit = { ...detail, year };
  disableMoves();
  $("review-title").textContent = `${detail.name || detail.code}（${detail.code}） · ${year}年度报告`;
  $("review-versions").replaceChildren();
  $("review-diff").tBodies[0].replaceChildren(emptyRow(5, "加载中…"));
  $("review-warnings").replaceChildren();
  $("review-history").tBodies[0].replaceChildren();
  $("review-audit").tBodies[0].replaceChildren();
  $("review-comment").value = "";
  showError($("review-error"), null);
  showNotice(null);
  show($("review-actions"), false);
  $("review-status").textContent = "";
  select("review");
  $("review-fields").disabled = false;
  show($("review-panel"), true);
  split(true);
  $("review-close").focus();

  try {
    const who = await whoAmI();
    const tenant = who.tenant.code;
    // The audit is a reviewer's and an admin's read: a viewer gets no tab for it.
    show($("review-tab-audit"), mayReview());
    const history = await getJsonOrNull(reviewPaths.history(tenant, detail.code, year));
    if (ticket !== panel.ticket) return;
    if (!history) {
      renderNothingReported(year);
      return;
    }
    const items = history.items;
    for (const v of items) if (v.reportedByName) panel.keyNames.set(`key:${v.reportedBy}`, v.reportedByName);
    const current = items.find((v) => v.current) ?? items[0];
    const counted = items.find((v) => v.counts) ?? null;
    const submitted = current.status === "submitted" ? current : null;
    renderVersions(current, submitted, counted);
    renderHistory(items);

    // The version under review (else the current one) against the version that counts; without one (or when it is
    // the counted one itself), against the version before it, as the API compares by default.
    const shown = submitted ?? current;
    const against = counted && counted.version !== shown.version ? counted.version : null;
    const [version, diff] = await Promise.all([
      getJson(reviewPaths.version(tenant, detail.code, year, shown.version)),
      getJson(reviewPaths.diff(tenant, detail.code, year, shown.version, against)),
    ]);
    const template = await templateOf(version.template);
    if (ticket !== panel.ticket) return;
    renderDiff(template, diff, items);
    renderWarnings(version.warnings);
    renderState(current, counted);

    if (mayReview() && submitted) {
      panel.submitted = submitted.version;
      show($("review-actions"), true);
      enableMoves();
    }
  } catch (e) {
    if (ticket !== panel.ticket) return;
    $("review-diff").tBodies[0].replaceChildren(emptyRow(5, "未能读取本单位的报告。"));
    showError($("review-error"), readFailure(e));
  }
}

function showNotice(text, kind = "") {
  const notice = $("review-notice");
  notice.textContent = text ?? "";
  notice.className = `notice ${kind}`;
  show(notice, Boolean(text));
}

const emptyRow = (columns, text) => el("tr", {}, el("td", { colspan: String(columns), class: "empty", text }));

function renderNothingReported(year) {
  showNotice(`该单位尚未报送 ${year} 年度报告，没有可审核的版本。`, "bad");
  $("review-diff").tBodies[0].replaceChildren(emptyRow(5, "没有报送的版本。"));
  $("review-warnings").replaceChildren(el("li", { class: "empty", text: "无" }));
  $("review-history").tBodies[0].replaceChildren(emptyRow(7, "没有报送的版本。"));
}

/** Three cards: the current version, the one awaiting review, the one the figures count. */
function renderVersions(current, submitted, counted) {
  const card = (title, v, kind) => el("div", { class: `version-card ${kind}`, "data-role": kind },
    el("div", { class: "title", text: title }),
    v
      ? [
        el("div", { class: "number", text: `v${v.version} · ${statusNames[v.status] ?? v.status}` }),
        el("div", { class: "line", text: `报送于 ${when(v.reportedAt)}${v.reportedByName ? ` · ${v.reportedByName}` : ""}` }),
        v.status !== "submitted" ? el("div", { class: "line", text: `${statusNames[v.status] ?? v.status}于 ${when(v.statusAt)}` }) : null,
        el("div", { class: "line note", text: v.note ? `说明：${v.note}` : "说明：无" }),
      ]
      : el("div", { class: "line none", text: "无" }));
  $("review-versions").replaceChildren(
    card("当前版本", current, "current"),
    card("待审核版本", submitted, "submitted"),
    card("已采用版本（计入汇总）", counted, "counted"));
}

function renderState(current, counted) {
  if (current.status === "submitted") {
    showNotice(mayReview()
      ? `v${current.version} 待审核：请先核对下面的逐项比较和校验提示，再审核通过或退回。`
      : `v${current.version} 待审核。`, "warn");
  } else if (current.status === "returned") {
    showNotice(`v${current.version} 已于 ${when(current.statusAt)} 退回，等待单位报送新版本。审核意见：${current.statusComment ?? "（无）"}`, "bad");
  } else {
    const lockedNote = counted ? `v${counted.version} 已采用，计入汇总。` : "";
    showNotice(`${lockedNote}没有待审核的版本。`, "good");
  }
}

/** The API's diff, indicator by indicator, in the template's order. */
function renderDiff(template, diff, items) {
  const lines = templateLines(template).filter((line) => line.code);
  const label = new Map(lines.map((line) => [line.code, line.label]));
  const position = new Map(lines.map((line, index) => [line.code, index]));
  const order = (code) => position.get(code) ?? Number.MAX_SAFE_INTEGER;

  const against = diff.against === null ? null : items.find((v) => v.version === diff.against);
  const basis = against === undefined || against === null
    ? "（无）"
    : `${against.counts ? "已采用" : statusNames[against.status] ?? against.status} v${against.version}`;
  $("review-diff-from").textContent = basis;
  $("review-diff-to").textContent = `v${diff.version}`;
  $("review-diff-title").textContent = diff.against === null
    ? `逐项比较：v${diff.version} 是首个版本，以下为报送的全部数值`
    : `逐项比较：v${diff.version} 与 ${basis}`;

  const rows = [
    ...diff.changed.map((c) => ({ code: c.code, from: c.from, to: c.to, kind: "changed" })),
    ...diff.added.map((c) => ({ code: c.code, from: undefined, to: c.value, kind: "added" })),
    ...diff.removed.map((c) => ({ code: c.code, from: c.value, to: undefined, kind: "removed" })),
  ].sort((a, b) => order(a.code) - order(b.code) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  const body = $("review-diff").tBodies[0];
  if (rows.length === 0) {
    body.replaceChildren(emptyRow(5, "两个版本的数值完全相同。"));
    return;
  }
  const shown = (value) => (value === undefined ? "—" : value === null ? "（空）" : number(value));
  body.replaceChildren(...rows.map((row) => {
    const delta = typeof row.from === "number" && typeof row.to === "number" ? Math.round((row.to - row.from) * 1e4) / 1e4 : null;
    const change = delta !== null ? signed(delta)
      : row.kind === "added" ? (diff.against === null ? "" : "新增")
        : row.kind === "removed" ? "删除" : row.to === null ? "清空" : "填报";
    const trend = delta > 0 ? "up" : delta < 0 ? "down" : "";
    return el("tr", { "data-code": row.code, class: `diff-${row.kind}` },
      el("td", { class: "label", text: label.get(row.code) ?? "（模板中没有此指标）" }),
      el("td", { class: "code", text: row.code }),
      el("td", { class: "num from", text: shown(row.from) }),
      el("td", { class: "num to", text: shown(row.to) }),
      el("td", { class: `num change ${trend}`, text: change }));
  }));
  if (diff.against !== null && diff.template !== diff.againstTemplate) {
    body.prepend(emptyRow(5, "两个版本使用不同的模板，无法逐项对应：下表列出删除的旧值和新增的新值。"));
  }
}

function renderWarnings(warnings) {
  const list = $("review-warnings");
  if (warnings.length === 0) {
    list.replaceChildren(el("li", { class: "empty", text: "此版本没有校验提示。" }));
    return;
  }
  list.replaceChildren(...warnings.map((w) => el("li", { "data-rule": w.ruleId },
    el("span", { class: "codes", text: w.indicators.join("、") }),
    el("span", { class: "why", text: w.message }))));
}

function renderHistory(items) {
  $("review-history").tBodies[0].replaceChildren(...items.map((v) => el("tr", { class: `status-${v.status}`, "data-version": String(v.version) },
    el("td", { text: `v${v.version}${v.current ? "（当前）" : ""}${v.counts ? "（计入）" : ""}` }),
    el("td", { class: "status", text: statusNames[v.status] ?? v.status }),
    el("td", { text: when(v.reportedAt) }),
    el("td", { text: v.reportedByName ?? actorName(v.reportedBy === "admin" ? "admin" : `key:${v.reportedBy}`) }),
    el("td", { text: v.note ?? "" }),
    el("td", { class: "comment", text: v.statusComment ?? "" }),
    el("td", { class: "num", text: String(v.warnings) }))));
}

function actorName(actor) {
  if (actor === "system") return "系统（无需审核时自动采用）";
  if (actor === "admin") return "平台管理员";
  return panel.keyNames.get(actor) ?? `密钥 ${actor.replace(/^key:/, "").slice(0, 8)}…`;
}

/** Read again at each click: a move made in the panel meanwhile shows. */
async function loadAudit() {
  if (!panel.unit || !panel.who) return;
  const ticket = panel.ticket;
  const { code, year } = panel.unit;
  const body = $("review-audit").tBodies[0];
  body.replaceChildren(emptyRow(4, "加载中…"));
  try {
    const audit = await getJson(reviewPaths.audit(panel.who.tenant.code, code, year));
    if (ticket !== panel.ticket) return;
    if (audit.items.length === 0) {
      body.replaceChildren(emptyRow(4, "没有操作记录。"));
      return;
    }
    body.replaceChildren(...audit.items.map((entry) => el("tr", { "data-action": entry.action },
      el("td", { text: when(entry.at) }),
      el("td", { text: actionNames[entry.action] ?? entry.action }),
      el("td", { text: actorName(entry.actor) }),
      el("td", { text: auditWhat(entry.details) }))));
    if (audit.next) body.append(emptyRow(4, `仅显示最近 ${AUDIT_LIMIT} 条。`));
  } catch (e) {
    if (ticket === panel.ticket) body.replaceChildren(emptyRow(4, readFailure(e)));
  }
}

function auditWhat(details) {
  const parts = [];
  if (details?.version !== undefined && details?.version !== null) parts.push(`v${details.version}`);
  if (details?.countedVersion) parts.push(`采用中的版本 v${details.countedVersion}`);
  if (details?.comment) parts.push(`意见：${details.comment}`);
  return parts.join(" · ");
}

function select(tab) {
  for (const name of tabs) {
    const selected = name === tab;
    $(`review-tab-${name}`).setAttribute("aria-selected", String(selected));
    show($(`review-pane-${name}`), selected);
  }
  if (tab === "audit") loadAudit();
}

function disableMoves() {
  panel.submitted = null;
  $("review-accept").disabled = true;
  $("review-return").disabled = true;
  $("review-comment").disabled = true;
}

/** Accept once the diff is on screen; return once a comment is written. */
function enableMoves() {
  const ready = panel.submitted !== null;
  $("review-comment").disabled = !ready;
  $("review-accept").disabled = !ready;
  $("review-return").disabled = !ready || $("review-comment").value.trim() === "";
}

/**
 * A review move on the version whose diff is shown. The version number in the path pins it: versions never change,
 * and a move on one that is no longer the newest submitted one is refused (409), so no If-Match is needed (the API
 * reads none on these moves).
 */
async function move(kind) {
  const unit = panel.unit;
  const version = panel.submitted;
  if (!unit || version === null || !panel.who) return;
  const comment = $("review-comment").value.trim();
  if (kind === "return" && comment === "") return;
  disableMoves();
  showError($("review-error"), null);
  $("review-status").textContent = kind === "accept" ? "正在提交审核通过…" : "正在退回…";
  try {
    await post(reviewPaths.move(panel.who.tenant.code, unit.code, unit.year, version, kind), comment ? { comment } : {});
    document.dispatchEvent(new CustomEvent("figures-changed"));
    const next = { code: unit.code, name: unit.name, status: kind === "accept" ? "accepted" : "returned" };
    await open(next);
    $("review-status").textContent = kind === "accept" ? `已审核通过 v${version}，已计入汇总。` : `已退回 v${version}，单位查看该版本时可看到审核意见。`;
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      // Someone moved first (the unit sent a newer version, another reviewer decided): show the report as it is now.
      document.dispatchEvent(new CustomEvent("figures-changed"));
      await open({ code: unit.code, name: unit.name, status: unit.status }).catch(() => {});
    } else if (panel.unit === unit) {
      panel.submitted = version;
      enableMoves();
    }
    $("review-status").textContent = "";
    showError($("review-error"), readFailure(e));
  }
}

async function post(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "X-Api-Key": session.key ?? "", "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
  } catch (e) {
    throw new ApiError(0, e.message, null);
  }
  if (response.ok) return response.json();
  let problem = null;
  try {
    problem = await response.json();
  } catch {
    // not a problem document: its status says what there is to say
  }
  throw new ApiError(response.status, problem?.detail || problem?.title || response.statusText, problem);
}

const chinese = /[\u4e00-\u9fff]/;

/** A refusal in Chinese: the API's own words when they are Chinese, else what the status means here. */
function readFailure(e) {
  if (!(e instanceof ApiError)) return `出错了：${e.message}`;
  const said = e.problem?.detail ?? "";
  const type = e.problem?.type ?? "";
  if (e.status === 0) return "无法连接服务器，请检查网络后重试。";
  if (e.status === 401) return "密钥无效或已撤销，请退出后重新登录。";
  if (type.endsWith("/review-conflict")) {
    return "操作未完成：该版本已不是待审核的最新版本（单位可能已报送新版本，或已由他人审核）。已重新载入本单位的报告，请核对后再审核。";
  }
  if (e.status === 403) return chinese.test(said) ? `操作被拒绝：${said}` : "操作被拒绝：此密钥无权审核该单位的报告。";
  if (e.status === 404) return "未找到该单位本年度的报告或版本，可能已被更改，请刷新后重试。";
  if (e.status === 400) return "审核意见不符合要求：退回时必须填写，不超过 2000 字，且不能含控制字符。";
  if (e.status === 429) return "请求过于频繁，请稍后再试。";
  return chinese.test(said) ? said : `服务器返回错误（HTTP ${e.status}），请稍后再试或联系管理员。`;
}
