// Hash routes (#/org, #/unit/ID, #/person/ID, #/goals, #/statements?…) and the reporting period,
// which lives in the hash's query (?from=2026-05-01&to=2026-10-31) so that every view is a link.

export function parseHash(hash = window.location.hash) {
  const raw = hash.startsWith('#/') ? hash.slice(1) : '/org';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const segments = path.split('/').filter(Boolean).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  return {path, segments, query};
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

// The period chosen in the header: {from, to} as YYYY-MM-DD (either may be empty).
export function period(query = parseHash().query) {
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  return {from: DATE.test(from) ? from : '', to: DATE.test(to) ? to : ''};
}

// The period as the API's since (exclusive) and until (inclusive): whole UTC days.
export function periodParams(p = period()) {
  const params = {};
  if (p.from) params.since = new Date(Date.parse(`${p.from}T00:00:00Z`) - 1).toISOString();
  if (p.to) params.until = `${p.to}T23:59:59Z`;
  return params;
}

// A link to a route that keeps the current period: href('/unit/emea-sales').
export function href(path, extra = {}) {
  const query = new URLSearchParams();
  const p = period();
  if (p.from) query.set('from', p.from);
  if (p.to) query.set('to', p.to);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') query.set(k, v);
  const qs = query.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

export function unitHref(id) {
  return href(`/unit/${encodeURIComponent(id)}`);
}

export function personHref(id) {
  return href(`/person/${encodeURIComponent(id)}`);
}
