// The consolidated table in the template's order: a printed layout (bj-gip-2017) row by row, or a matrix
// template (cn-gip-*) table by table, each row and column a line; with the year before beside it.

import { el, number, percent, signed } from "./dom.js";

/** The template's lines in order: headings ({heading, depth}) and figures ({code, label, unit, depth}). */
export function templateLines(template) {
  const byCode = new Map(template.indicators.map((i) => [i.code, i]));
  if (template.tables.length > 0) return matrixLines(template);

  const depths = new Map();
  return template.layout.map((row) => {
    const depth = row.parent && depths.has(row.parent) ? depths.get(row.parent) + 1 : 0;
    depths.set(row.code, depth);
    const label = [row.numbering, row.label].filter(Boolean).join(" ");
    if (row.isGroup) return { heading: label, depth };
    return { code: row.code, label, unit: byCode.get(row.code)?.unit ?? "", depth };
  });
}

function matrixLines(template) {
  const cell = new Map(template.indicators.filter((i) => i.table).map((i) => [`${i.table}|${i.row}|${i.column}`, i]));
  const lines = [];
  for (const table of template.tables) {
    lines.push({ heading: [table.numbering, table.label].filter(Boolean).join(" "), depth: 0 });
    for (const row of table.rows) {
      if (row.isGroup) {
        lines.push({ heading: row.label, depth: 1 });
        continue;
      }
      for (const column of table.columns) {
        const indicator = cell.get(`${table.code}|${row.code}|${column.code}`);
        if (!indicator) continue;
        const columnLabel = [column.group, column.label].filter(Boolean).join(" ");
        const label = table.columns.length > 1 ? `${row.label} · ${columnLabel}` : row.label;
        lines.push({ code: indicator.code, label, unit: indicator.unit, depth: 1 });
      }
    }
  }
  // Indicators outside any table (none in today's templates) still show, after the tables.
  for (const indicator of template.indicators.filter((i) => !i.table)) {
    if (!lines.some((line) => line.code === indicator.code)) {
      lines.push({ code: indicator.code, label: indicator.label, unit: indicator.unit, depth: 0 });
    }
  }
  return lines;
}

/**
 * The table's body rows: this year's total and, where a comparison exists, the change on the base year. Like for like
 * (the default), the change is over the units counted in both years only (the comparison's likeForLike), beside this
 * year's figure over those same units; otherwise over all units. Each row says how many units its change covers.
 */
export function tableRows(lines, rollup, comparison, { likeForLike = true, expected = 0 } = {}) {
  return lines.map((line) => {
    if (line.heading !== undefined) {
      return el("tr", { class: `heading depth-${Math.min(line.depth, 3)}` }, el("th", { colspan: "8", text: line.heading }));
    }
    const total = rollup.values[line.code] ?? null;
    const all = comparison?.values?.[line.code];
    const change = likeForLike ? all?.likeForLike : all;
    const units = !all ? null : likeForLike ? all.likeForLike.units : total?.reporters ?? 0;
    const trend = change?.delta > 0 ? "up" : change?.delta < 0 ? "down" : "";
    return el("tr", { "data-code": line.code },
      el("td", { class: `label depth-${Math.min(line.depth, 3)}`, title: `指标代码 ${line.code}`, text: line.label }),
      el("td", { class: "unit", text: line.unit }),
      el("td", { class: "num value", text: number(total?.value ?? null) }),
      el("td", { class: "num now lfl-only", text: likeForLike ? number(change?.value) : "" }),
      el("td", { class: "num base", text: number(change?.baseValue) }),
      el("td", { class: `num delta ${trend}`, text: signed(change?.delta) }),
      el("td", { class: `num pct ${trend}`, text: percent(change?.pctChange) }),
      el("td", { class: "num cover", title: units === null ? undefined : coverage(units, expected), text: units === null ? "" : `${units}/${expected}` }));
  });
}

/** How many of the expected units a figure covers: "4/7 个单位". */
export const coverage = (units, expected) => `${units}/${expected} 个单位`;

/**
 * The units × indicators grid as the official table reads: a row per indicator in the template's order (headings
 * between), a column per unit as the table read answers them (tree order), and the total last.
 */
export function gridRows(lines, table) {
  const column = new Map(table.columns.map((code, i) => [code, i]));
  const width = table.rows.length + 2;
  return lines.filter((line) => line.heading !== undefined || column.has(line.code)).map((line) => {
    if (line.heading !== undefined) {
      return el("tr", { class: `heading depth-${Math.min(line.depth, 3)}` }, el("th", { colspan: String(width), text: line.heading }));
    }
    const i = column.get(line.code);
    return el("tr", { "data-code": line.code },
      el("td", { class: `label depth-${Math.min(line.depth, 3)}`, title: `指标代码 ${line.code}`, text: line.label }),
      ...table.rows.map((row) => el("td", { class: "num", "data-unit": row.orgUnit, text: number(row.values[i]) })),
      el("td", { class: "num value total", text: number(table.total[i]) }));
  }).filter((row, i, rows) => !(row.classList.contains("heading") && (i === rows.length - 1 || rows[i + 1].classList.contains("heading")
    && Number(rows[i + 1].className.match(/depth-(\d)/)?.[1] ?? 0) <= Number(row.className.match(/depth-(\d)/)?.[1] ?? 0))));
}

/** The indicators worth charting: those that add up across units, in the template's order. */
export function chartable(template, lines) {
  const summed = new Set(template.indicators.filter((i) => i.aggregate === "sum").map((i) => i.code));
  return lines.filter((line) => line.code && summed.has(line.code));
}
