// The goals cascade: /learning/goals (organisation goals, unit goals under them, the people whose
// plan items serve each goal and their status), with the learning time on each goal's
// competencies from the organisation's scorecard (alignment).
import {get} from '../api.js';
import {fmt, h, link, section, statusBadge} from '../dom.js';
import {href, periodParams, personHref, unitHref} from '../nav.js';
import {periodText} from './org.js';

const STATUSES = ['done', 'on-track', 'at-risk', 'overdue'];

export function countItems(goal, deep) {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  const visit = (g) => {
    for (const p of g.people) for (const item of p.items) counts[item.status] = (counts[item.status] ?? 0) + 1;
    if (deep) g.children.forEach(visit);
  };
  visit(goal);
  return counts;
}

function statusSummary(counts, label, test) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return h('p', {class: 'status-summary', dataset: {test}},
    h('span', {class: 'muted'}, `${label}: `),
    total ? STATUSES.filter((s) => counts[s]).map((s) => [statusBadge(s), h('span', {class: 'count', dataset: {status: s, count: counts[s]}}, ` ${counts[s]} `)])
      : h('span', {class: 'muted'}, 'no plan items'));
}

function goalNode(goal, alignment) {
  const a = alignment.get(goal.id);
  const people = goal.people.length
    ? h('details', {class: 'people'},
      h('summary', {}, `${goal.people.length} ${goal.people.length === 1 ? 'person' : 'people'} with plan items`),
      h('ul', {}, goal.people.map((p) => h('li', {},
        link(personHref(p.id), p.name || p.id), p.unit ? h('span', {class: 'muted'}, ` (${p.unit})`) : null, ': ',
        p.items.map((item, i) => [i ? '; ' : '', `${item.competency} ${item.level}/${item.targetLevel}, due ${item.due} `,
          statusBadge(item.status)])))))
    : null;
  return h('li', {class: 'goal', dataset: {goal: goal.id}},
    h('article', {'aria-labelledby': `goal-${goal.id}`},
      h('h3', {id: `goal-${goal.id}`}, goal.title, ' ', h('span', {class: 'muted'}, `(${goal.id})`)),
      h('p', {class: 'meta'},
        goal.unit ? ['Unit ', link(unitHref(goal.unit), goal.unit)] : 'Organisation goal',
        goal.competencies.length ? [' · competencies: ', goal.competencies.map((c) => h('span', {class: 'chip'}, c))] : null,
        goal.kpis.length ? [' · KPIs: ', goal.kpis.map((k) => h('span', {class: 'chip kpi-chip'}, k))] : null),
      a ? h('p', {class: 'meta'}, `Learning time on its competencies: ${fmt.num(a.hours, 1)} h (${fmt.pct(a.share)} of all)`) : null,
      statusSummary(countItems(goal, false), 'Its own plan items', 'own'),
      goal.children.length ? statusSummary(countItems(goal, true), 'With the goals under it', 'deep') : null,
      people),
    goal.children.length ? h('ul', {class: 'goal-children'}, goal.children.map((c) => goalNode(c, alignment))) : null);
}

export async function render({signal}) {
  const params = periodParams();
  const [tree, scorecard] = await Promise.all([
    get('/learning/goals', {params, signal}),
    get('/learning/scorecard', {params, signal}).catch(() => null),
  ]);
  const alignment = new Map((scorecard?.alignment?.goals ?? []).map((g) => [g.id, g]));
  const all = {people: [], children: tree};
  const counts = countItems(all, true);
  return h('div', {class: 'page'},
    h('header', {class: 'page-head'},
      h('p', {class: 'crumbs'}, link(href('/org'), 'Organisation'), ' › '),
      h('h1', {}, 'Goals cascade'),
      h('p', {class: 'sub'}, `${tree.length} organisation goals · plan items judged at the end of the period · ${periodText()}`)),
    section('All plan items', statusSummary(counts, 'Every goal', 'total')),
    tree.length
      ? h('ul', {class: 'goal-tree', 'aria-label': 'Goals, organisation to units'}, tree.map((g) => goalNode(g, alignment)))
      : h('p', {class: 'empty'}, 'No goals yet (PUT /admin/goals).'));
}
