// A person: /learning/people/{id} (blend, competencies against role targets, plan, monthly
// trend) and their recent statements from /xapi/statements?agent=… for each of their IFIs (read
// from /admin/people/{id}, which needs scope admin; without it, the profile's recent list).
import {get} from '../api.js';
import {COLORS, figure, MODALITIES, MODALITY_LABELS, monthlyHoursFigure, shortTicks} from '../charts.js';
import {fmt, h, kpi, kpiGrid, moneyNode, langString, link, section, shortIri, statusBadge, table} from '../dom.js';
import {href, periodParams, unitHref} from '../nav.js';
import {passRate, periodText} from './org.js';

const RECENT = 10;

// An item's progress as lrsd judges on-track: the mean of level/target, planned activities done
// and hours/planned hours, each capped at 1 (hours left out when none are planned).
export function planProgress(item) {
  const parts = [Math.min(1, item.targetLevel ? item.level / item.targetLevel : 1)];
  if (item.activitiesPlanned) parts.push(item.activitiesDone / item.activitiesPlanned);
  if (item.plannedHours) parts.push(Math.min(1, item.hours / item.plannedHours));
  return parts.reduce((a, b) => a + b, 0) / parts.length;
}

// Agent JSON objects for a directory entry's IFIs.
function agentsOf(person) {
  return (person?.ifis ?? []).map((ifi) => {
    const agent = {};
    for (const k of ['mbox', 'mbox_sha1sum', 'openid', 'account']) if (ifi[k]) agent[k] = ifi[k];
    return agent;
  }).filter((a) => Object.keys(a).length);
}

function ifiText(agent) {
  if (agent.mbox) return agent.mbox.replace(/^mailto:/, '');
  if (agent.account) return `${agent.account.name} @ ${agent.account.homePage}`;
  return agent.openid ?? agent.mbox_sha1sum ?? JSON.stringify(agent);
}

export function resultText(result) {
  if (!result) return '';
  const parts = [];
  if (result.success === true) parts.push('passed');
  if (result.success === false) parts.push('failed');
  if (result.completion === true) parts.push('completed');
  if (result.score?.scaled !== undefined) parts.push(`score ${fmt.pct(result.score.scaled, 0)}`);
  if (result.duration) parts.push(fmt.duration(result.duration));
  return parts.join(', ');
}

// The most recently stored statements of these agents, newest first (one query per IFI, merged).
async function recentStatements(agents, signal) {
  const lists = await Promise.all(agents.map((agent) => get('/xapi/statements', {
    params: {agent: JSON.stringify(agent), limit: RECENT}, xapi: true, signal,
  })));
  const all = lists.flatMap((l) => l.statements);
  all.sort((a, b) => (a.stored < b.stored ? 1 : a.stored > b.stored ? -1 : 0));
  return all.slice(0, RECENT);
}

export async function render({segments, signal}) {
  const id = segments[0];
  if (!id) throw new Error('No person given.');
  const params = periodParams();
  const [profile, directory] = await Promise.all([
    get(`/learning/people/${encodeURIComponent(id)}`, {params, signal}),
    get(`/admin/people/${encodeURIComponent(id)}`, {signal}).catch(() => null),
  ]);
  const who = profile.person;
  const m = profile.modalities;
  const rate = passRate(profile.outcomes);
  const hours = (k) => m[k].seconds;

  const kpis = kpiGrid(`${who.name} key figures`, [
    ...MODALITIES.map((k) => kpi(`${MODALITY_LABELS[k]} hours`, fmt.hours(hours(k)),
      {metric: `${k}-hours`, value: hours(k), hint: `${fmt.int(m[k].statements)} statements, ${fmt.pct(m[k].share)}`})),
    kpi('Completions', fmt.int(profile.outcomes.completed), {metric: 'completions', value: profile.outcomes.completed}),
    kpi('Pass rate', fmt.pct(rate), {metric: 'pass-rate', value: rate ?? '',
      hint: `${fmt.int(profile.outcomes.passed)} passed, ${fmt.int(profile.outcomes.failed)} failed`}),
    kpi('Average score', fmt.pct(profile.outcomes.averageScaledScore), {metric: 'average-score',
      value: profile.outcomes.averageScaledScore ?? ''}),
    profile.cost ? kpi('Cost of learning', moneyNode(profile.cost.total, profile.cost.currency),
      {metric: 'cost', value: profile.cost.total}) : null,
  ]);

  const total = MODALITIES.reduce((s, k) => s + hours(k), 0);
  const blend = figure({
    title: 'Modality blend',
    test: 'person-blend',
    summary: `Doughnut of learning time: ${MODALITIES.map((k) => `${MODALITY_LABELS[k].toLowerCase()} ${fmt.pct(total ? hours(k) / total : 0)}`).join(', ')}; ` +
      `the 70-20-10 reference is 70 % experiential, 20 % informal, 10 % formal.`,
    config: {
      type: 'doughnut',
      data: {labels: MODALITIES.map((k) => MODALITY_LABELS[k]),
        datasets: [{label: 'Hours', data: MODALITIES.map((k) => +(hours(k) / 3600).toFixed(2)),
          backgroundColor: MODALITIES.map((k) => COLORS[k])},
        {label: '70-20-10 reference (%)', data: MODALITIES.map((k) => profile.reference[k] * 100),
          backgroundColor: MODALITIES.map((k) => `${COLORS[k]}55`)}]},
      options: {plugins: {legend: {position: 'bottom'}}},
    },
    columns: [{label: 'Modality'}, {label: 'Hours', numeric: true}, {label: 'Share', numeric: true}, {label: '70-20-10', numeric: true}],
    rows: MODALITIES.map((k) => [MODALITY_LABELS[k], fmt.hours(hours(k)), fmt.pct(m[k].share), fmt.pct(profile.reference[k], 0)]),
  });

  const comps = profile.competencies;
  const compFigure = figure({
    title: 'Competency levels against role targets',
    test: 'person-competencies-chart',
    summary: comps.map((c) => `${c.name} ${c.level} of ${c.target || 'no target'}`).join('; ') || 'No competencies.',
    config: {
      type: 'bar',
      data: {labels: comps.map((c) => c.name),
        datasets: [{label: 'Level', data: comps.map((c) => c.level), backgroundColor: COLORS.formal},
          {label: 'Role target', data: comps.map((c) => c.target), backgroundColor: COLORS.reference}]},
      options: {indexAxis: 'y', scales: {x: {beginAtZero: true, ticks: {stepSize: 1}}, y: {ticks: shortTicks()}}},
    },
    columns: [{label: 'Competency'}, {label: 'Level', numeric: true}, {label: 'Target', numeric: true}],
    rows: comps.map((c) => [c.name, c.level, c.target]),
  });
  const compTable = table(null, [{label: 'Competency'}, {label: 'Level', numeric: true}, {label: 'Role target', numeric: true},
    {label: 'Gap', numeric: true}, {label: 'Evidence', numeric: true}],
  comps.map((c) => [c.name, h('span', {dataset: {competency: c.id, level: c.level}}, String(c.level)),
    c.target ? String(c.target) : '–', c.gap ? h('span', {class: 'badge status-at-risk'}, c.gap) : '0', fmt.int(c.evidence)]),
  {test: 'person-competencies', empty: 'No competency evidence and no role targets.'});

  const plan = profile.plan ?? [];
  const planTable = table(null, [{label: 'Competency'}, {label: 'Goal'}, {label: 'Level / target', numeric: true},
    {label: 'Activities', numeric: true}, {label: 'Hours', numeric: true}, {label: 'Due'}, {label: 'Progress'}, {label: 'Status'}],
  plan.map((item) => {
    const progress = planProgress(item);
    return [item.competency, item.goal || '–', `${item.level} / ${item.targetLevel}`,
      `${item.activitiesDone} / ${item.activitiesPlanned}`, `${fmt.num(item.hours, 2)} / ${fmt.num(item.plannedHours, 1)}`,
      item.due, h('span', {class: 'meter'}, h('progress', {max: 1, value: progress.toFixed(3),
        'aria-label': `${item.competency} progress`}), ` ${fmt.pct(progress, 0)}`), statusBadge(item.status)];
  }), {test: 'person-plan', empty: 'No development plan.'});

  const agents = agentsOf(directory);
  let recent;
  if (agents.length) {
    const statements = await recentStatements(agents, signal);
    recent = [
      h('p', {class: 'hint'}, 'The latest stored statements (whatever the period) from /xapi/statements for each of this person\'s identifiers: ',
        agents.map((a, i) => [i ? ', ' : '', link(`#/statements?agent=${encodeURIComponent(JSON.stringify(a))}`, ifiText(a))])),
      table(null, [{label: 'When'}, {label: 'Verb'}, {label: 'Activity'}, {label: 'Result'}],
        statements.map((s) => [h('span', {class: 'nowrap', dataset: {id: s.id}}, fmt.date(s.timestamp)), langString(s.verb.display) || shortIri(s.verb.id),
          h('span', {title: s.object.id ?? ''}, langString(s.object.definition?.name) || shortIri(s.object.id)),
          resultText(s.result)]), {test: 'person-recent', empty: 'No statements in this period.'}),
    ];
  } else {
    recent = [
      h('p', {class: 'hint'}, 'From the learning profile (this credential cannot read the directory for the person\'s identifiers).'),
      table(null, [{label: 'When'}, {label: 'Verb'}, {label: 'Activity'}, {label: 'Modality'}],
        profile.recent.map((r) => [h('span', {class: 'nowrap', dataset: {id: r.id}}, fmt.date(r.timestamp)), shortIri(r.verb), h('span', {title: r.activity}, shortIri(r.activity)),
          MODALITY_LABELS[r.modality] ?? r.modality]), {test: 'person-recent', empty: 'No statements in this period.'}),
    ];
  }

  return h('div', {class: 'page'},
    h('header', {class: 'page-head'},
      h('p', {class: 'crumbs'}, link(href('/org'), 'Organisation'), ' › ',
        who.unit ? [link(unitHref(who.unit), who.unit), ' › '] : null),
      h('h1', {}, who.name || who.id),
      h('p', {class: 'sub'}, [who.role ? `Role ${who.role}` : 'No role', who.unit ? `unit ${who.unit}` : null,
        `id ${who.id}`, periodText()].filter(Boolean).join(' · '))),
    kpis,
    h('div', {class: 'grid two'},
      section('Blend', blend, h('p', {class: 'hint'}, 'Outer ring: this person\'s learning hours; inner ring: the 70-20-10 reference.')),
      section('Competencies', compFigure, compTable)),
    section('Development plan', planTable),
    h('div', {class: 'grid two'}, section('Monthly trend', monthlyHoursFigure(profile.months, {test: 'person-months'})),
      section('Recent statements', recent)));
}
