// Elements built with textContent only: figures, names and messages from the API are never parsed as HTML.

export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children.flat().filter((child) => child !== null && child !== undefined));
  return node;
}

export const $ = (id) => document.getElementById(id);

export function show(node, visible) {
  node.hidden = !visible;
}

export function showError(node, message) {
  node.textContent = message ?? "";
  node.hidden = !message;
}

const numbers = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 4 });
const percents = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 1, signDisplay: "exceptZero" });

/** A figure as the table prints it; an empty cell for a figure nobody gave. */
export const number = (value) => (value === null || value === undefined ? "" : numbers.format(value));

export const signed = (value) =>
  value === null || value === undefined ? "" : (value > 0 ? "+" : "") + numbers.format(value);

export const percent = (value) => (value === null || value === undefined ? "" : `${percents.format(value)}%`);

/** A moment on the tenant's calendar (its time zone, as deadlines are), not the browser's. */
export function dateTime(iso, timeZone) {
  if (!iso) return "";
  return new Date(iso).toLocaleString("zh-CN", { hour12: false, timeZone: timeZone || undefined });
}

/** The same to the minute, for a list where the seconds are noise. */
export function minute(iso, timeZone) {
  if (!iso) return "";
  return new Date(iso).toLocaleString("zh-CN", {
    hour12: false, timeZone: timeZone || undefined, year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit",
  });
}
