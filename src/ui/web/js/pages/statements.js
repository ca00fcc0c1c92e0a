// The statement browser: GET /xapi/statements with the xAPI filters (kept in the hash, so a
// query is a link), paged with the `more` URL the LRS returns.
import {getJson} from '../api.js';
import {errorBox, fmt, h, langString, shortIri, table} from '../dom.js';
import {resultText} from './person.js';

export const FILTERS = ['agent', 'verb', 'activity', 'registration', 'since', 'until', 'related_activities',
  'related_agents', 'limit', 'ascending'];
const FLAGS = new Set(['related_activities', 'related_agents', 'ascending']);

// An agent filter as typed: Agent JSON, or an e-mail address, or a mailto: IRI.
export function agentParam(text) {
  const t = text.trim();
  if (!t) return '';
  if (t.startsWith('{')) {
    JSON.parse(t);  // throws a SyntaxError with the position
    return t;
  }
  if (/^(mailto:)?[^\s@]+@[^\s@]+$/.test(t)) return JSON.stringify({mbox: t.startsWith('mailto:') ? t : `mailto:${t}`});
  throw new SyntaxError('enter Agent JSON ({"mbox":"mailto:…"} or {"account":{…}}) or an e-mail address');
}

// The API parameters of the query in the hash.
export function queryParams(query) {
  const params = {};
  for (const name of FILTERS) {
    const value = query.get(name);
    if (value === null || value === '') continue;
    if (FLAGS.has(name)) {
      if (value === 'true') params[name] = 'true';
    } else {
      params[name] = name === 'agent' ? agentParam(value) : value;
    }
  }
  return params;
}

function actorText(actor) {
  if (!actor) return '';
  if (actor.name) return actor.name;
  if (actor.mbox) return actor.mbox.replace(/^mailto:/, '');
  if (actor.account) return `${actor.account.name} @ ${actor.account.homePage}`;
  return actor.openid ?? actor.mbox_sha1sum ?? (actor.objectType === 'Group' ? 'anonymous group' : '');
}

function actorFilter(actor) {
  const agent = {};
  for (const k of ['mbox', 'mbox_sha1sum', 'openid', 'account']) if (actor?.[k]) agent[k] = actor[k];
  return Object.keys(agent).length ? JSON.stringify(agent) : null;
}

function objectText(object) {
  switch (object?.objectType) {
    case 'StatementRef': return `statement ${object.id}`;
    case 'SubStatement': return 'sub-statement';
    case 'Agent':
    case 'Group': return actorText(object);
    default: return langString(object?.definition?.name) || shortIri(object?.id);
  }
}

function filterLink(name, value, text, title) {
  const q = new URLSearchParams({[name]: value});
  return h('a', {href: `#/statements?${q}`, title: title ?? `Only statements with this ${name}`}, text);
}

function rows(statements) {
  return statements.map((s) => {
    const agent = actorFilter(s.actor);
    const verb = langString(s.verb.display) || shortIri(s.verb.id);
    const isActivity = !s.object.objectType || s.object.objectType === 'Activity';
    return [
      h('span', {class: 'nowrap', dataset: {id: s.id}}, fmt.date(s.timestamp)),
      agent ? filterLink('agent', agent, actorText(s.actor), 'Only statements about this agent') : actorText(s.actor),
      filterLink('verb', s.verb.id, verb, s.verb.id),
      isActivity ? filterLink('activity', s.object.id, objectText(s.object), s.object.id) : objectText(s.object),
      resultText(s.result),
      h('details', {class: 'json'}, h('summary', {}, 'JSON'), h('pre', {}, JSON.stringify(s, null, 2))),
    ];
  });
}

function field(name, label, attrs = {}, hint) {
  const id = `f-${name}`;
  return h('div', {class: 'field'}, h('label', {for: id}, label),
    h('input', {id, name, ...attrs, 'aria-describedby': hint ? `${id}-hint` : null}),
    hint ? h('p', {class: 'hint', id: `${id}-hint`}, hint) : null);
}

function check(name, label, checked) {
  const id = `f-${name}`;
  return h('div', {class: 'check'}, h('input', {id, name, type: 'checkbox', checked}), h('label', {for: id}, label));
}

export async function render({query, signal}) {
  const form = h('form', {class: 'filters card', 'aria-labelledby': 'filters-title'},
    h('h2', {id: 'filters-title'}, 'Filters'),
    h('div', {class: 'fields'},
      field('agent', 'Agent', {value: query.get('agent') ?? '', placeholder: '{"mbox":"mailto:ana.silva@example.com"}', spellcheck: 'false'},
        'Agent JSON or an e-mail address'),
      field('verb', 'Verb IRI', {value: query.get('verb') ?? '', placeholder: 'http://adlnet.gov/expapi/verbs/completed', type: 'url'}),
      field('activity', 'Activity IRI', {value: query.get('activity') ?? '', type: 'url'}),
      field('registration', 'Registration', {value: query.get('registration') ?? '', placeholder: 'UUID', pattern: '[0-9a-fA-F-]{36}'}),
      field('since', 'Stored since', {value: query.get('since') ?? '', placeholder: '2026-10-01T00:00:00Z'}, 'ISO 8601, exclusive'),
      field('until', 'Stored until', {value: query.get('until') ?? '', placeholder: '2026-10-31T23:59:59Z'}, 'ISO 8601, inclusive'),
      field('limit', 'Page size', {value: query.get('limit') ?? '', type: 'number', min: 0, placeholder: 'server default'})),
    h('div', {class: 'checks'},
      check('related_activities', 'Related activities (match context activities too)', query.get('related_activities') === 'true'),
      check('related_agents', 'Related agents (match any agent role)', query.get('related_agents') === 'true'),
      check('ascending', 'Oldest first', query.get('ascending') === 'true')),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Search'),
      h('a', {href: '#/statements', class: 'button'}, 'Clear')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = new URLSearchParams();
    for (const name of FILTERS) {
      const el = form.elements[name];
      if (FLAGS.has(name)) {
        if (el.checked) q.set(name, 'true');
      } else if (el.value.trim()) {
        q.set(name, el.value.trim());
      }
    }
    const target = `#/statements${q.toString() ? `?${q}` : ''}`;
    if (window.location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else window.location.hash = target;
  });

  const results = h('section', {class: 'card', 'aria-labelledby': 'results-title'}, h('h2', {id: 'results-title'}, 'Statements'));
  const page = h('div', {class: 'page'},
    h('header', {class: 'page-head'}, h('h1', {}, 'Statements'),
      h('p', {class: 'sub'}, 'Every statement in the LRS, as GET /xapi/statements returns it (voided statements are left out).')),
    form, results);

  let params;
  try {
    params = queryParams(query);
  } catch (e) {
    results.append(errorBox(new Error(`Agent: ${e.message}`)));
    return page;
  }

  // Paging: the URLs of the pages seen so far (the first is the query itself).
  const history = [];
  const status = h('p', {class: 'paging-status', role: 'status', 'aria-live': 'polite'});
  const prev = h('button', {type: 'button', disabled: true}, '← Previous page');
  const next = h('button', {type: 'button', disabled: true}, 'Next page →');
  const body = h('div', {});
  const consistent = h('p', {class: 'hint'});
  results.append(h('div', {class: 'paging'}, prev, status, next), body, consistent);

  async function show(index) {
    const entry = history[index];
    prev.disabled = next.disabled = true;
    body.replaceChildren(h('p', {class: 'loading'}, 'Loading…'));
    try {
      const response = entry.path === '/xapi/statements'
        ? await getJson('/xapi/statements', {params, xapi: true, signal})
        : await getJson(entry.path, {xapi: true, signal});
      const {statements, more} = response.body;
      history.length = index + 1;
      if (more) history.push({path: more});
      const first = history.slice(0, index).reduce((n, e) => n + (e.count ?? 0), 0);
      entry.count = statements.length;
      body.replaceChildren(table(null, [{label: 'When (timestamp)'}, {label: 'Actor'}, {label: 'Verb'}, {label: 'Object'},
        {label: 'Result'}, {label: 'Statement', rowHeader: false}], rows(statements),
      {test: 'statement-rows', empty: index ? 'No more statements.' : 'No statements match.'}));
      status.textContent = statements.length
        ? `Page ${index + 1}: statements ${fmt.int(first + 1)}–${fmt.int(first + statements.length)}${more ? '' : ' (the last page)'}`
        : `Page ${index + 1}: none`;
      status.dataset.page = String(index + 1);
      status.dataset.rows = String(statements.length);
      consistent.textContent = `Consistent through ${response.headers.get('X-Experience-API-Consistent-Through') ?? '?'}`;
      prev.disabled = index === 0;
      next.disabled = !more;
      current = index;
    } catch (e) {
      if (e.name === 'AbortError') return;
      body.replaceChildren(errorBox(e));
      prev.disabled = index === 0;
    }
  }
  let current = 0;
  prev.addEventListener('click', () => show(current - 1));
  next.addEventListener('click', () => show(current + 1));
  history.push({path: '/xapi/statements'});
  await show(0);
  return page;
}
