// Organisation overview: /learning/organization and the organisation's /learning/scorecard, plus
// the top activities counted in the browser from recent statements (no endpoint aggregates
// activities across people).
import {get} from '../api.js';
import {blendFigure, COLORS, figure, monthlyHoursFigure, shortTicks} from '../charts.js';
import {fmt, h, kpi, kpiGrid, moneyNode, langString, link, section, shortIri, table} from '../dom.js';
import {period, periodParams, unitHref} from '../nav.js';

export const TOP_ACTIVITY_SAMPLE = 1000;

export function passRate(outcomes) {
  const decided = outcomes.passed + outcomes.failed;
  return decided ? outcomes.passed / decided : null;
}

export function totalSeconds(modalities) {
  return ['formal', 'experiential', 'informal', 'unclassified'].reduce((s, m) => s + (modalities[m]?.seconds || 0), 0);
}

export function periodText(p = period()) {
  if (p.from && p.to) return `${p.from} to ${p.to}`;
  if (p.from) return `since ${p.from}`;
  if (p.to) return `up to ${p.to}`;
  return 'all time';
}

// The most frequent activities among up to `sample` of the most recently stored statements whose
// timestamp falls in the period (the xAPI since/until filter the stored time, not the timestamp).
export async function topActivities({signal, sample = TOP_ACTIVITY_SAMPLE, limit = 10, agent} = {}) {
  const p = periodParams();
  const since = p.since ? Date.parse(p.since) : -Infinity;
  const until = p.until ? Date.parse(p.until) : Infinity;
  const counts = new Map();
  let seen = 0;
  let path = '/xapi/statements';
  let params = {limit: 100, agent};
  while (path && seen < sample) {
    const body = await get(path, {params, xapi: true, signal});
    for (const s of body.statements) {
      if (++seen > sample) break;
      const t = Date.parse(s.timestamp);
      if (!(t > since && t <= until)) continue;
      if (s.object?.objectType && s.object.objectType !== 'Activity') continue;
      const id = s.object.id;
      const entry = counts.get(id) ?? {id, name: '', statements: 0, completions: 0, actors: new Set()};
      entry.name ||= langString(s.object.definition?.name);
      entry.statements += 1;
      if (s.result?.completion === true || s.result?.success === true) entry.completions += 1;
      entry.actors.add(JSON.stringify(s.actor.mbox ?? s.actor.account ?? s.actor.openid ?? s.actor.mbox_sha1sum ?? s.actor));
      counts.set(id, entry);
    }
    path = body.more || '';
    params = undefined;
  }
  const top = [...counts.values()].sort((a, b) => b.statements - a.statements || a.id.localeCompare(b.id)).slice(0, limit);
  return {top, seen: Math.min(seen, sample)};
}

export async function render({signal}) {
  const params = periodParams();
  const [profile, scorecard] = await Promise.all([
    get('/learning/organization', {params, signal}),
    get('/learning/scorecard', {params, signal}),
  ]);
  const activities = topActivities({signal}).catch((error) => ({error}));
  const learning = scorecard.learning;
  const eff = scorecard.efficiency;
  const rate = passRate(profile.outcomes);
  const plans = learning.plans;
  const planItems = plans.done + plans.onTrack + plans.atRisk + plans.overdue;

  const kpis = kpiGrid('Organisation key figures', [
    kpi('People', fmt.int(profile.people), {metric: 'people', value: profile.people}),
    kpi('Learning hours', fmt.num(learning.hours, 1), {metric: 'hours', value: learning.hours}),
    kpi('Hours per person', fmt.num(learning.hoursPerPerson, 1), {metric: 'hours-per-person', value: learning.hoursPerPerson}),
    kpi('Completions', fmt.int(profile.outcomes.completed), {metric: 'completions', value: profile.outcomes.completed}),
    kpi('Pass rate', fmt.pct(rate), {metric: 'pass-rate', value: rate ?? '',
      hint: `${fmt.int(profile.outcomes.passed)} passed, ${fmt.int(profile.outcomes.failed)} failed`}),
    kpi('Average score', fmt.pct(profile.outcomes.averageScaledScore), {metric: 'average-score', value: profile.outcomes.averageScaledScore ?? ''}),
    kpi('Competency coverage', fmt.pct(learning.competencyCoverage), {metric: 'coverage', value: learning.competencyCoverage,
      hint: 'required competencies at their role target'}),
    kpi('Cost of learning', moneyNode(eff.cost, eff.currency), {metric: 'cost', value: eff.cost,
      hint: `${fmt.money(eff.costPerHour, eff.currency)} per hour`}),
    kpi('Plan items on track or done', `${fmt.int(plans.done + plans.onTrack)} of ${fmt.int(planItems)}`, {metric: 'plans-ok',
      value: plans.done + plans.onTrack, hint: `${plans.atRisk} at risk, ${plans.overdue} overdue`}),
    kpi('Time on goal competencies', fmt.pct(scorecard.alignment.share), {metric: 'alignment', value: scorecard.alignment.share}),
  ]);

  const months = profile.months;
  const statementsFigure = figure({
    title: 'Statements per month',
    test: 'statements-per-month',
    summary: `Bars of the number of statements for ${months.length} months.`,
    config: {
      type: 'bar',
      data: {labels: months.map((m) => m.month),
        datasets: [{label: 'Statements', data: months.map((m) => m.statements), backgroundColor: COLORS.accent}]},
      options: {plugins: {legend: {display: false}}, scales: {y: {title: {display: true, text: 'statements'}}}},
    },
    columns: [{label: 'Month'}, {label: 'Statements', numeric: true}],
    rows: months.map((m) => [m.month, m.statements]),
  });

  const units = profile.units;
  const blend = blendFigure(units.map((u) => ({label: u.unit, formal: u.formal, experiential: u.experiential,
    informal: u.informal})), profile.reference, {title: 'Modality blend per business unit against 70-20-10', test: 'unit-blend'});

  const unitRows = units.map((u) => {
    const total = u.formal + u.experiential + u.informal + (u.unclassified || 0);
    return [link(unitHref(u.unit), u.unit), fmt.int(u.people), fmt.hours(u.formal), fmt.hours(u.experiential),
      fmt.hours(u.informal), fmt.hours(total), fmt.int(u.completed), fmt.pct(u.coverage), fmt.int(u.gap)];
  });
  const unitTable = table('Business units (hours are the sum of result.duration)', [
    {label: 'Unit'}, {label: 'People', numeric: true}, {label: 'Formal h', numeric: true},
    {label: 'Experiential h', numeric: true}, {label: 'Informal h', numeric: true}, {label: 'Total h', numeric: true},
    {label: 'Completions', numeric: true}, {label: 'Coverage', numeric: true}, {label: 'People with gaps', numeric: true},
  ], unitRows, {test: 'units'});

  const comps = profile.competencies;
  const coverage = figure({
    title: 'Competency coverage against role targets',
    test: 'competency-coverage',
    tall: comps.length > 6,
    summary: `Horizontal bars of the share of people whose role requires a competency who are at its target, for ${comps.length} competencies.`,
    config: {
      type: 'bar',
      data: {labels: comps.map((c) => c.name),
        datasets: [{label: 'At target', data: comps.map((c) => +(c.coverage * 100).toFixed(1)), backgroundColor: COLORS.formal}]},
      options: {indexAxis: 'y', plugins: {legend: {display: false}},
        scales: {x: {max: 100, title: {display: true, text: '% of people required to have it'}}, y: {ticks: shortTicks()}}},
    },
    columns: [{label: 'Competency'}, {label: 'Required of', numeric: true}, {label: 'At target', numeric: true}, {label: 'Coverage', numeric: true}],
    rows: comps.map((c) => [c.name, c.required, c.atTarget, fmt.pct(c.coverage)]),
  });

  const topSection = section('Top activities', loadingActivities());
  activities.then((result) => {
    const body = result.error
      ? h('p', {class: 'error', role: 'alert'}, `Could not read statements: ${result.error.message}`)
      : [h('p', {class: 'hint'}, `Counted in the browser among the ${fmt.int(result.seen)} most recently stored statements ` +
          `(statements whose timestamp is outside the period are left out): the API has no activity totals across people.`),
        table(null, [{label: 'Activity'}, {label: 'Statements', numeric: true}, {label: 'Completions', numeric: true},
          {label: 'People', numeric: true}],
        result.top.map((a) => [h('span', {title: a.id}, a.name || shortIri(a.id)), fmt.int(a.statements),
          fmt.int(a.completions), fmt.int(a.actors.size)]), {test: 'top-activities'})];
    topSection.querySelector('.loading')?.replaceWith(...[body].flat());
  });

  return h('div', {class: 'page'},
    h('header', {class: 'page-head'},
      h('h1', {}, 'Organisation'),
      h('p', {class: 'sub'}, `${fmt.int(profile.people)} people in ${units.length} business units · ${periodText()}`)),
    kpis,
    h('div', {class: 'grid two'}, section('Statements over time', statementsFigure),
      section('Learning hours by modality', monthlyHoursFigure(months, {test: 'org-months'}))),
    section('Blend per business unit', blend, unitTable),
    h('div', {class: 'grid two'}, section('Competencies', coverage), topSection));
}

function loadingActivities() {
  return h('p', {class: 'loading', role: 'status'}, 'Counting activities in recent statements…');
}
