// DOM building and number formatting. Every text from the API goes in through text nodes
// (never innerHTML), so nothing a statement holds can inject markup.

// h('a', {href: '#/org', class: 'x', dataset: {test: 'y'}, onclick: fn}, 'text', child, [more])
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const LOCALE = 'en-GB';
const formats = new Map();
function nf(min, max) {
  const key = `${min}/${max}`;
  if (!formats.has(key)) {
    formats.set(key, new Intl.NumberFormat(LOCALE, {minimumFractionDigits: min, maximumFractionDigits: max}));
  }
  return formats.get(key);
}

export const fmt = {
  int: (n) => (n === null || n === undefined ? '–' : nf(0, 0).format(n)),
  num: (n, digits = 1) => (n === null || n === undefined ? '–' : nf(digits, digits).format(n)),
  hours: (seconds) => nf(1, 1).format((seconds || 0) / 3600),
  pct: (share, digits = 1) => (share === null || share === undefined || Number.isNaN(share)
    ? '–' : `${nf(digits, digits).format(share * 100)} %`),
  money: (amount, currency) => (amount === null || amount === undefined ? '–'
    : `${nf(2, 2).format(amount)}${currency ? ` ${currency}` : ''}`),
  date: (iso) => (iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : ''),
  // An ISO 8601 duration as "1 h 46 min", "32 min 27 s", "9.5 s" (as given when not understood).
  duration: (iso) => {
    const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(iso || '');
    if (!m || !(m[1] || m[2] || m[3])) return iso || '';
    const total = (Number(m[1] || 0) * 3600) + (Number(m[2] || 0) * 60) + Number(m[3] || 0);
    const h = Math.floor(total / 3600);
    const min = Math.floor((total % 3600) / 60);
    const s = total % 60;
    if (h) return `${h} h${min ? ` ${min} min` : ''}`;
    if (min) return `${min} min${s >= 1 ? ` ${Math.round(s)} s` : ''}`;
    return `${+s.toFixed(1)} s`;
  },
  month: (yyyymm) => {
    const [y, m] = yyyymm.split('-').map(Number);
    return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(LOCALE, {month: 'short', year: 'numeric', timeZone: 'UTC'});
  },
};

// The last meaningful segment of an IRI ("http://adlnet.gov/expapi/verbs/completed" -> "completed").
export function shortIri(iri) {
  if (!iri) return '';
  const trimmed = iri.replace(/[/#]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('#'));
  return cut >= 0 && cut < trimmed.length - 1 ? trimmed.slice(cut + 1) : trimmed;
}

// A language map's best entry: en-* first, then anything.
export function langString(map) {
  if (!map || typeof map !== 'object') return '';
  const keys = Object.keys(map);
  const en = keys.find((k) => k.toLowerCase().startsWith('en'));
  return map[en ?? keys[0]] ?? '';
}

// An amount for a KPI card: the number, then the currency in small type.
export function moneyNode(amount, currency) {
  return h('span', {}, fmt.money(amount), currency ? h('small', {}, ` ${currency}`) : null);
}

// A KPI card: <div class="kpi"><dt>label</dt><dd data-metric=…>value</dd></div>; the exact
// number is kept in data-value for the browser tests.
export function kpi(label, text, {metric, value, hint} = {}) {
  return h('div', {class: 'kpi'},
    h('dt', {}, label),
    h('dd', {dataset: {metric: metric ?? '', value: value ?? ''}}, text),
    hint ? h('p', {class: 'hint'}, hint) : null);
}

export function kpiGrid(label, cards) {
  return h('dl', {class: 'kpis', 'aria-label': label}, cards);
}

export function section(title, ...children) {
  const id = `s-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return h('section', {class: 'card', 'aria-labelledby': id}, h('h2', {id}, title), children);
}

// A table: columns [{label, numeric?}], rows of cells (strings, numbers or nodes).
export function table(caption, columns, rows, {test, empty = 'Nothing to show.'} = {}) {
  if (!rows.length) return h('p', {class: 'empty', dataset: {test: test ?? ''}}, empty);
  return h('div', {class: 'table-wrap'},
    h('table', {dataset: {test: test ?? ''}},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col', class: c.numeric ? 'num' : null}, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell, i) =>
        (i === 0 && columns[0].rowHeader !== false
          ? h('th', {scope: 'row', class: columns[i].numeric ? 'num' : null}, cell)
          : h('td', {class: columns[i]?.numeric ? 'num' : null}, cell))))))));
}

export function statusBadge(status) {
  const labels = {done: 'Done', 'on-track': 'On track', 'at-risk': 'At risk', overdue: 'Overdue'};
  return h('span', {class: `badge status-${status}`, dataset: {status}}, labels[status] ?? status);
}

export function link(href, text, attrs = {}) {
  return h('a', {href, ...attrs}, text);
}

export function errorBox(error) {
  return h('div', {class: 'error', role: 'alert'}, h('strong', {}, 'Could not load this page. '), error.message ?? String(error));
}

export function loading(text = 'Loading…') {
  return h('p', {class: 'loading', role: 'status', 'aria-live': 'polite'}, text);
}
