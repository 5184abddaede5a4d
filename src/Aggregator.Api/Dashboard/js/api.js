// Calls to the API with the officer's key in X-Api-Key. The key lives in sessionStorage only (gone with the tab),
// never in a URL; the tenant and the unit are the key's own, asked of GET /api/v1/me.

const KEY = "aggregator.dashboard.key";

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  save(key) {
    sessionStorage.setItem(KEY, key);
  },
  clear() {
    sessionStorage.removeItem(KEY);
  },
};

/** An answer other than 2xx: its status and the problem's own words (detail, else title). */
export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem;
  }
}

// A 429 that asks for a short wait (another expensive read of the tenant still running, say) is waited out and
// sent again, at most this often; a longer wait is shown as it is.
const RETRIES_AFTER_429 = 3;
const LONGEST_WAIT_SECONDS = 5;

async function send(path, accept, key = session.key) {
  for (let attempt = 0; ; attempt++) {
    let response;
    try {
      response = await fetch(path, { headers: { "X-Api-Key": key ?? "", Accept: accept }, cache: "no-cache" });
    } catch (e) {
      throw new ApiError(0, `无法连接服务器：${e.message}`, null);
    }
    if (response.ok) return response;
    const wait = Number(response.headers.get("Retry-After"));
    if (response.status === 429 && attempt < RETRIES_AFTER_429 && wait >= 0 && wait <= LONGEST_WAIT_SECONDS) {
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      // Not a problem document (a proxy's page, say): the status line is all there is to show.
    }
    const message = problem?.detail || problem?.title || `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message, problem);
  }
}

export async function getJson(path, key) {
  return (await send(path, "application/json", key)).json();
}

/** The same, but null for a 404 (figures not computed yet, no base year, …). */
export async function getJsonOrNull(path) {
  try {
    return await getJson(path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Downloads a file the key may read: fetched with the header (a plain link cannot send it), then saved. */
export async function download(path, accept, fallbackName) {
  const response = await send(path, accept);
  const blob = await response.blob();
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = fileName(response.headers.get("Content-Disposition")) ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

function fileName(disposition) {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : null;
}

const segment = encodeURIComponent;

/** The paths of the tenant's reads, one place for their shapes. */
export const paths = {
  me: () => "/api/v1/me",
  tenant: (t) => `/api/v1/tenants/${segment(t)}`,
  orgUnits: (t) => `/api/v1/tenants/${segment(t)}/org-units`,
  latestReport: (t, org) => `/api/v1/tenants/${segment(t)}/reports?orgUnit=${segment(org)}&pageSize=1`,
  template: (code) => `/api/v1/templates/${segment(code)}`,
  rollup: (t, org, year) => `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/rollups/${year}`,
  xlsx: (t, org, year) => `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/rollups/${year}.xlsx`,
  comparison: (t, org, year) => `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/comparisons/${year}`,
  completeness: (t, org, year) => `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/completeness/${year}`,
  quality: (t, org, year, limit, next) => `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/quality/${year}` +
    `?limit=${limit}${next ? `&next=${segment(next)}` : ""}`,
  breakdown: (t, org, year, indicator) =>
    `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/rollups/${year}/breakdown?indicator=${segment(indicator)}`,
  deadline: (t, year) => `/api/v1/tenants/${segment(t)}/deadlines/${year}`,
  table: (t, org, year, indicators) =>
    `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/table/${year}?indicators=${indicators.map(segment).join(",")}`,
  series: (t, org, indicator) => `/api/v1/tenants/${segment(t)}/org-units/${segment(org)}/series?indicator=${segment(indicator)}`,
};
