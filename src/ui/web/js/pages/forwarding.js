// Statement forwarding: each configured target (GET /admin/forwarding, scope admin) with its
// state — up or retrying, lag, statements waiting, sent, refused (set aside), failures, the last
// error. Secrets are never part of the answer. Configuration is an API call (README).
import {ApiError, get} from '../api.js';
import {fmt, h, kpi, kpiGrid, section, table} from '../dom.js';

function filterText(filter) {
  if (!filter) return 'everything';
  const parts = [];
  if (filter.verbs?.length) parts.push(`verbs: ${filter.verbs.join(', ')}`);
  if (filter.activities?.length) parts.push(`activities: ${filter.activities.join(', ')}`);
  if (filter.actors?.length) parts.push(`${filter.actors.length} actor${filter.actors.length === 1 ? '' : 's'}`);
  return parts.join('; ') || 'everything';
}

function stateBadge(state) {
  if (!state) return h('span', {class: 'badge'}, 'stopped');
  return state.up
    ? h('span', {class: 'badge status-on-track', dataset: {up: 'true'}}, 'Up')
    : h('span', {class: 'badge status-overdue', dataset: {up: 'false'}}, 'Retrying');
}

export async function render({signal}) {
  let targets;
  try {
    targets = await get('/admin/forwarding', {signal});
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
      return h('div', {class: 'page'}, h('header', {class: 'page-head'}, h('h1', {}, 'Forwarding')),
        h('p', {class: 'empty'}, 'Statement forwarding is shown to credentials with the scope admin (or all).'));
    }
    throw error;
  }
  const up = targets.filter((t) => t.state?.up).length;
  const lag = Math.max(0, ...targets.map((t) => t.state?.lagSeconds ?? 0));
  const rows = targets.map((t) => [
    t.id,
    h('span', {}, h('code', {}, t.endpoint), h('br'), h('span', {class: 'muted'}, `xAPI ${t.version} · ${filterText(t.filter)}`)),
    stateBadge(t.state),
    h('span', {dataset: {test: 'lag', value: t.state?.lagSeconds ?? ''}}, fmt.num(t.state?.lagSeconds ?? 0, 1)),
    `${fmt.int(t.state?.pending)}${t.state?.pendingCapped ? '+' : ''}`,
    h('span', {dataset: {test: 'sent', value: t.state?.sent ?? ''}}, fmt.int(t.state?.sent)),
    fmt.int(t.state?.rejected),
    fmt.int(t.state?.failures),
    t.state?.lastSuccess ? fmt.date(t.state.lastSuccess) : '–',
    t.state?.lastError ? h('span', {}, t.state.lastError, h('br'), h('span', {class: 'muted'}, fmt.date(t.state.lastErrorTime))) : '–',
  ]);
  return h('div', {class: 'page'},
    h('header', {class: 'page-head'},
      h('h1', {}, 'Forwarding'),
      h('p', {class: 'sub'}, 'Every accepted statement goes to each target below (those its filter lets through), in stored '
        + 'order, at least once; a target that is down is retried with backoff and loses nothing.')),
    kpiGrid('Forwarding summary', [
      kpi('Targets', fmt.int(targets.length), {metric: 'targets', value: targets.length}),
      kpi('Up', fmt.int(up), {metric: 'up', value: up}),
      kpi('Largest lag', `${fmt.num(lag, 1)} s`, {metric: 'lag', value: lag,
        hint: 'Now minus the stored time of the oldest statement not yet forwarded.'}),
    ]),
    section('Targets', table('Forwarding targets and their state', [
      {label: 'Target'}, {label: 'Endpoint'}, {label: 'State'}, {label: 'Lag (s)', numeric: true},
      {label: 'Waiting', numeric: true}, {label: 'Sent', numeric: true}, {label: 'Refused', numeric: true},
      {label: 'Failures', numeric: true}, {label: 'Last success'}, {label: 'Last error'},
    ], rows, {test: 'forwarding', empty: 'No forwarding target is configured (PUT /admin/forwarding).'})),
    h('p', {class: 'hint'}, 'Refused statements (4xx from the receiver, alone) are listed by GET /admin/forwarding/{id}/rejected.'));
}
