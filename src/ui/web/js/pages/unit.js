// A business unit: /learning/units/{unit} (people, blend, competency coverage), its balanced
// scorecard /learning/scorecard?unit= (KPIs beside learning hours, plans, cost, alignment), and
// the gaps of its people against their role targets (their profiles, for those with a gap).
import {get} from '../api.js';
import {blendFigure, COLORS, figure, monthlyHoursFigure} from '../charts.js';
import {fmt, h, kpi, kpiGrid, moneyNode, link, section, table} from '../dom.js';
import {href, periodParams, personHref} from '../nav.js';
import {passRate, periodText} from './org.js';

const MAX_GAP_PROFILES = 40;

function correlationText(c) {
  return c === null || c === undefined ? '–' : fmt.num(c, 2);
}

function kpiFigure(k) {
  const labels = k.months.map((m) => m.month);
  return figure({
    title: `${k.kpi} beside learning hours`,
    test: `kpi-${k.kpi}`,
    summary: `Line of the monthly ${k.kpi} (${k.direction} is better) over bars of the unit's learning hours, ${labels.length} months.`,
    config: {
      data: {
        labels,
        datasets: [
          {type: 'line', label: k.kpi, data: k.months.map((m) => m.value), borderColor: COLORS.line,
            backgroundColor: COLORS.line, yAxisID: 'kpi', tension: 0.2},
          {type: 'bar', label: 'Learning hours', data: k.months.map((m) => m.learningHours),
            backgroundColor: `${COLORS.experiential}99`, yAxisID: 'hours'},
        ],
      },
      options: {
        scales: {
          kpi: {position: 'left', title: {display: true, text: k.kpi}},
          hours: {position: 'right', grid: {drawOnChartArea: false}, title: {display: true, text: 'learning hours'}},
        },
        plugins: {tooltip: {mode: 'index', intersect: false}},
      },
    },
    columns: [{label: 'Month'}, {label: k.kpi, numeric: true}, {label: 'Learning hours', numeric: true}],
    rows: k.months.map((m) => [m.month, m.value, fmt.num(m.learningHours, 2)]),
  });
}

export async function render({segments, signal}) {
  const id = segments[0];
  if (!id) throw new Error('No unit given.');
  const params = periodParams();
  const [unit, scorecard] = await Promise.all([
    get(`/learning/units/${encodeURIComponent(id)}`, {params, signal}),
    get('/learning/scorecard', {params: {...params, unit: id}, signal}),
  ]);
  const learning = scorecard.learning;
  const eff = scorecard.efficiency;
  const rate = passRate(unit.outcomes);
  const plans = learning.plans;

  const kpis = kpiGrid(`${id} key figures`, [
    kpi('People', fmt.int(unit.people.length), {metric: 'people', value: unit.people.length}),
    kpi('Learning hours', fmt.num(learning.hours, 1), {metric: 'hours', value: learning.hours}),
    kpi('Hours per person', fmt.num(learning.hoursPerPerson, 1), {metric: 'hours-per-person', value: learning.hoursPerPerson}),
    kpi('Completions', fmt.int(unit.outcomes.completed), {metric: 'completions', value: unit.outcomes.completed}),
    kpi('Pass rate', fmt.pct(rate), {metric: 'pass-rate', value: rate ?? '',
      hint: `${fmt.int(unit.outcomes.passed)} passed, ${fmt.int(unit.outcomes.failed)} failed`}),
    kpi('Competency coverage', fmt.pct(learning.competencyCoverage), {metric: 'coverage', value: learning.competencyCoverage}),
    kpi('Cost of learning', moneyNode(eff.cost, eff.currency), {metric: 'cost', value: eff.cost,
      hint: `${fmt.money(eff.costPerHour, eff.currency)} per hour, ${fmt.money(eff.costPerCompletion, eff.currency)} per completion`}),
    kpi('Days to competency', eff.daysToCompetency === null ? '–' : fmt.num(eff.daysToCompetency, 1),
      {metric: 'days-to-competency', value: eff.daysToCompetency ?? '', hint: 'average, first evidence to target'}),
    kpi('Time on goal competencies', fmt.pct(scorecard.alignment.share), {metric: 'alignment', value: scorecard.alignment.share}),
  ]);

  // The blend: formal / experiential / informal hours and shares against the reference.
  const m = unit.modalities;
  const blendTable = table('Hours by modality', [
    {label: 'Modality'}, {label: 'Statements', numeric: true}, {label: 'Hours', numeric: true},
    {label: 'Share', numeric: true}, {label: '70-20-10', numeric: true},
  ], ['formal', 'experiential', 'informal'].map((k) => [
    k[0].toUpperCase() + k.slice(1), fmt.int(m[k].statements),
    h('span', {dataset: {modalityHours: k, value: m[k].seconds}}, fmt.hours(m[k].seconds)),
    fmt.pct(m[k].share), fmt.pct(unit.reference[k], 0),
  ]), {test: 'unit-modalities'});
  const blend = blendFigure([{label: id, formal: m.formal.seconds, experiential: m.experiential.seconds,
    informal: m.informal.seconds}], unit.reference, {test: 'unit-blend'});

  const peopleTable = table(null, [
    {label: 'Person'}, {label: 'Role'}, {label: 'Formal h', numeric: true}, {label: 'Experiential h', numeric: true},
    {label: 'Informal h', numeric: true}, {label: 'Total h', numeric: true}, {label: 'Competency gaps', numeric: true},
  ], unit.people.map((p) => [
    link(personHref(p.id), p.name || p.id), p.role || '–', fmt.hours(p.formal), fmt.hours(p.experiential),
    fmt.hours(p.informal), fmt.hours(p.formal + p.experiential + p.informal + (p.unclassified || 0)),
    p.gap ? h('span', {class: 'badge status-at-risk'}, p.gap) : '0',
  ]), {test: 'unit-people'});

  const comps = unit.competencies;
  const coverageTable = table(null, [
    {label: 'Competency'}, {label: 'Required', numeric: true}, {label: 'At target', numeric: true},
    {label: 'Below', numeric: true}, {label: 'Coverage', numeric: true},
  ], comps.map((c) => [c.name, c.required, c.atTarget, c.required - c.atTarget,
    h('span', {class: 'meter'}, h('meter', {min: 0, max: 1, value: c.coverage, 'aria-label': `${c.name} coverage`}),
      ` ${fmt.pct(c.coverage)}`)]), {test: 'unit-competencies'});

  // Who is below target on what: the profiles of the people with gaps.
  const gapPeople = unit.people.filter((p) => p.gap > 0);
  const gapProfiles = await Promise.all(gapPeople.slice(0, MAX_GAP_PROFILES).map((p) =>
    get(`/learning/people/${encodeURIComponent(p.id)}`, {params, signal}).catch(() => null)));
  const gapRows = [];
  gapProfiles.forEach((profile, i) => {
    if (!profile) return;
    for (const c of profile.competencies) {
      if (c.gap > 0) {
        gapRows.push([link(personHref(gapPeople[i].id), gapPeople[i].name || gapPeople[i].id), c.name,
          String(c.level), String(c.target), String(c.gap)]);
      }
    }
  });
  const gaps = table(null, [{label: 'Person'}, {label: 'Competency'}, {label: 'Level', numeric: true},
    {label: 'Role target', numeric: true}, {label: 'Gap', numeric: true}], gapRows,
  {test: 'unit-gaps', empty: 'Everyone is at their role targets.'});

  const plansTable = table(null, [{label: 'Status'}, {label: 'Plan items', numeric: true}], [
    ['Done', plans.done], ['On track', plans.onTrack], ['At risk', plans.atRisk], ['Overdue', plans.overdue],
  ], {test: 'unit-plans'});

  const usage = eff.usage;
  const usageTable = table(null, [{label: 'Month'}, {label: 'People active', numeric: true}],
    usage.map((u) => [u.month, fmt.pct(u.activeShare, 0)]), {test: 'unit-usage'});

  const alignment = table(null, [{label: 'Goal'}, {label: 'Hours on its competencies', numeric: true}, {label: 'Share', numeric: true}],
    scorecard.alignment.goals.map((g) => [h('span', {}, g.title, h('span', {class: 'muted'}, ` (${g.id})`)),
      fmt.num(g.hours, 1), fmt.pct(g.share)]), {test: 'unit-alignment', empty: 'No goals for this unit.'});

  const business = scorecard.business.length
    ? scorecard.business.map((k) => h('div', {class: 'kpi-block'},
      kpiFigure(k),
      table(`Correlation of ${k.kpi} with learning hours (learning leading by 0–3 months; not a cause)`,
        [{label: 'Lag'}, {label: '0', numeric: true}, {label: '1', numeric: true}, {label: '2', numeric: true}, {label: '3', numeric: true}],
        [['Pearson r', ...['lag0', 'lag1', 'lag2', 'lag3'].map((l) => correlationText(k.correlation[l]))]],
        {test: `kpi-${k.kpi}-correlation`})))
    : h('p', {class: 'empty'}, 'No KPIs for this unit (PUT /admin/kpis/{unit}).');

  return h('div', {class: 'page'},
    h('header', {class: 'page-head'},
      h('p', {class: 'crumbs'}, link(href('/org'), 'Organisation'), ' › '),
      h('h1', {}, `Business unit ${id}`),
      h('p', {class: 'sub'}, `${fmt.int(unit.people.length)} people · ${periodText()}`)),
    kpis,
    h('div', {class: 'grid two'}, section('Blend', blend, blendTable),
      section('Learning over time', monthlyHoursFigure(unit.months, {test: 'unit-months'}))),
    section('People', peopleTable),
    h('div', {class: 'grid two'},
      section('Competency coverage', coverageTable),
      section('Gaps against role targets', gaps,
        gapPeople.length > MAX_GAP_PROFILES ? h('p', {class: 'hint'}, `The first ${MAX_GAP_PROFILES} people with gaps.`) : null)),
    h('h2', {class: 'band'}, 'Balanced scorecard'),
    h('div', {class: 'grid two'}, section('Development plan items', plansTable), section('Usage', usageTable)),
    section('Alignment with goals', alignment),
    section('KPIs beside learning', business));
}
