// Charts (Chart.js, loaded as the classic script vendor/chart.umd.min.js, compiled into lrsd).
// Every chart is a <figure> with a caption, a canvas with role="img" and an aria-label that
// summarises it, and the same numbers as a table under a <details> for screen readers, keyboard
// users and anyone who wants the figures.
import {h, table} from './dom.js';

export const COLORS = {
  formal: '#1d4ed8',
  experiential: '#15803d',
  informal: '#b45309',
  unclassified: '#6b7280',
  reference: '#9ca3af',
  accent: '#7c3aed',
  line: '#be123c',
};
export const MODALITIES = ['formal', 'experiential', 'informal'];
export const MODALITY_LABELS = {formal: 'Formal', experiential: 'Experiential', informal: 'Informal', unclassified: 'Unclassified'};

const live = new Set();

function configureDefaults() {
  const Chart = window.Chart;
  if (!Chart || Chart.__lrsdConfigured) return;
  Chart.__lrsdConfigured = true;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = '#374151';
  Chart.defaults.plugins.legend.labels.boxWidth = 14;
}

// Axis ticks for long category labels (competency names): cut at `max` characters.
export function shortTicks(max = 26) {
  return {
    callback(value) {
      const label = String(this.getLabelForValue(value));
      return label.length > max ? `${label.slice(0, max - 1)}…` : label;
    },
  };
}

export function destroyCharts() {
  for (const chart of live) chart.destroy();
  live.clear();
}

// figure({title, summary, config, columns, rows, test, tall})
//   config: a Chart.js configuration; columns/rows: the fallback table.
export function figure({title, summary, config, columns, rows, test, tall = false}) {
  const canvas = h('canvas', {role: 'img', 'aria-label': `${title}. ${summary}`});
  const fig = h('figure', {class: 'chart', dataset: {test: test ?? ''}},
    h('figcaption', {}, title),
    h('div', {class: `canvas-box${tall ? ' tall' : ''}`}, canvas),
    h('details', {class: 'data'}, h('summary', {}, `${title}: data table`), table(null, columns, rows)));
  if (window.Chart) {
    configureDefaults();
    live.add(new window.Chart(canvas, config));
  } else {
    canvas.replaceWith(h('p', {class: 'empty'}, 'Charts are unavailable; the data table below has the figures.'));
  }
  return fig;
}

// Hours per month, stacked by modality (months: [{month, formal, experiential, informal, statements}]).
export function monthlyHoursFigure(months, {title = 'Learning hours per month', test} = {}) {
  const labels = months.map((m) => m.month);
  return figure({
    title,
    test,
    summary: `Stacked bars of formal, experiential and informal hours for ${months.length} months` +
      (months.length ? ` from ${labels[0]} to ${labels[labels.length - 1]}.` : '.'),
    config: {
      type: 'bar',
      data: {
        labels,
        datasets: MODALITIES.map((m) => ({
          label: MODALITY_LABELS[m],
          data: months.map((x) => +(x[m] / 3600).toFixed(2)),
          backgroundColor: COLORS[m],
        })),
      },
      options: {
        scales: {x: {stacked: true}, y: {stacked: true, title: {display: true, text: 'hours'}}},
        plugins: {tooltip: {mode: 'index', intersect: false}},
      },
    },
    columns: [{label: 'Month'}, ...MODALITIES.map((m) => ({label: `${MODALITY_LABELS[m]} h`, numeric: true})),
      {label: 'Statements', numeric: true}],
    rows: months.map((x) => [x.month, ...MODALITIES.map((m) => (x[m] / 3600).toFixed(1)), x.statements]),
  });
}

// Each row's modality shares as a 100 % bar, with the 70-20-10 reference as the first bar.
// rows: [{label, formal, experiential, informal}] in seconds; reference: {formal, experiential, informal} shares.
export function blendFigure(rows, reference, {title = 'Modality blend against 70-20-10', test} = {}) {
  const shares = rows.map((r) => {
    const total = MODALITIES.reduce((s, m) => s + (r[m] || 0), 0);
    return {label: r.label, ...Object.fromEntries(MODALITIES.map((m) => [m, total ? r[m] / total : 0]))};
  });
  const bars = [{label: '70-20-10 reference', ...reference}, ...shares];
  return figure({
    title,
    test,
    tall: bars.length > 4,
    summary: `100 % bars of the share of learning time that is formal, experiential and informal, ` +
      `for ${shares.map((s) => s.label).join(', ')}, under the 70-20-10 reference ` +
      `(${Math.round(reference.experiential * 100)} % experiential, ${Math.round(reference.informal * 100)} % informal, ` +
      `${Math.round(reference.formal * 100)} % formal).`,
    config: {
      type: 'bar',
      data: {
        labels: bars.map((b) => b.label),
        datasets: ['experiential', 'informal', 'formal'].map((m) => ({
          label: MODALITY_LABELS[m],
          data: bars.map((b) => +(b[m] * 100).toFixed(1)),
          backgroundColor: bars.map((b, i) => (i === 0 ? `${COLORS[m]}80` : COLORS[m])),
        })),
      },
      options: {
        indexAxis: 'y',
        scales: {x: {stacked: true, max: 100, title: {display: true, text: '% of learning time'}}, y: {stacked: true}},
        plugins: {
          tooltip: {callbacks: {label: (c) => `${c.dataset.label}: ${c.parsed.x} %`}},
          // The legend's swatches in the solid colours (the reference bar's are lighter).
          legend: {labels: {generateLabels: (chart) => window.Chart.defaults.plugins.legend.labels.generateLabels(chart)
            .map((l) => {
              const m = ['experiential', 'informal', 'formal'][l.datasetIndex];
              return {...l, fillStyle: COLORS[m], strokeStyle: COLORS[m]};
            })}},
        },
      },
    },
    columns: [{label: ''}, {label: 'Experiential', numeric: true}, {label: 'Informal', numeric: true}, {label: 'Formal', numeric: true}],
    rows: bars.map((b) => [b.label, ...['experiential', 'informal', 'formal'].map((m) => `${(b[m] * 100).toFixed(1)} %`)]),
  });
}
