// The dashboard's shell: routing by hash, the sign-in guard, the period form, page rendering.
import {get, onUnauthorized, session, signOut} from './api.js';
import {destroyCharts} from './charts.js';
import {errorBox, h, loading} from './dom.js';
import {href, parseHash, period} from './nav.js';
import * as forwarding from './pages/forwarding.js';
import * as goals from './pages/goals.js';
import * as org from './pages/org.js';
import * as person from './pages/person.js';
import * as signin from './pages/signin.js';
import * as statements from './pages/statements.js';
import * as unit from './pages/unit.js';

const routes = {
  signin: {page: signin, nav: null},
  org: {page: org, nav: 'org'},
  unit: {page: unit, nav: 'org'},
  person: {page: person, nav: 'org'},
  goals: {page: goals, nav: 'goals'},
  statements: {page: statements, nav: 'statements'},
  forwarding: {page: forwarding, nav: 'forwarding'},
};

// The Forwarding link shows only when the credential may read it (scope admin): asked once
// per signed-in key.
let adminProbe = {key: null, allowed: false};
async function probeAdmin() {
  const s = session();
  if (!s) {
    adminProbe = {key: null, allowed: false};
  } else if (adminProbe.key !== s.key) {
    adminProbe = {key: s.key, allowed: false};
    try {
      await get('/admin/forwarding');
      adminProbe.allowed = true;
    } catch {
      adminProbe.allowed = false;
    }
  }
  for (const li of document.querySelectorAll('[data-admin]')) li.hidden = !adminProbe.allowed;
}

const main = document.getElementById('main');
let generation = 0;
let controller = null;

function updateShell(route) {
  const s = session();
  document.body.classList.toggle('signed-in', Boolean(s));
  document.getElementById('who-key').textContent = s ? s.key : '';
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.href = a.dataset.nav === 'statements' || a.dataset.nav === 'forwarding' ? `#/${a.dataset.nav}` : href(`/${a.dataset.nav}`);
    if (a.dataset.nav === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const p = period();
  const form = document.getElementById('period');
  form.elements.from.value = p.from;
  form.elements.to.value = p.to;
  form.hidden = !s || route.nav === 'statements' || route.nav === 'forwarding' || route.nav === null;
  probeAdmin();
}

async function render() {
  const {segments, query} = parseHash();
  let name = segments[0] ?? 'org';
  if (!routes[name]) name = 'org';
  if (!session() && name !== 'signin') {
    const next = window.location.hash.startsWith('#/') ? window.location.hash : '#/org';
    window.location.replace(`#/signin?next=${encodeURIComponent(next)}`);
    return;
  }
  const route = routes[name];
  updateShell(route);
  const mine = ++generation;
  controller?.abort();
  controller = new AbortController();
  destroyCharts();
  main.setAttribute('aria-busy', 'true');
  main.replaceChildren(loading());
  let content;
  try {
    content = await route.page.render({segments: segments.slice(1), query, signal: controller.signal});
  } catch (error) {
    if (error.name === 'AbortError' || mine !== generation) return;
    content = h('div', {}, h('h1', {}, 'Something went wrong'), errorBox(error));
  }
  if (mine !== generation) return;
  main.replaceChildren(content);
  main.setAttribute('aria-busy', 'false');
  main.dataset.page = name;
  const heading = main.querySelector('h1');
  document.title = `${heading ? heading.textContent : 'Dashboard'} · lrsd`;
  // A page's own first field (sign in) takes focus; otherwise, after a navigation, the new
  // page's heading does, so that screen readers announce it.
  const autofocus = main.querySelector('[autofocus]');
  if (autofocus) {
    autofocus.focus();
  } else if (heading && mine > 1) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({preventScroll: true});
  }
  window.scrollTo(0, 0);
  main.dataset.ready = String(mine);
}

document.getElementById('period').addEventListener('submit', (event) => {
  event.preventDefault();
  const form = event.target;
  const {path, query} = parseHash();
  for (const name of ['from', 'to']) {
    if (form.elements[name].value) query.set(name, form.elements[name].value);
    else query.delete(name);
  }
  const qs = query.toString();
  window.location.hash = `${path}${qs ? `?${qs}` : ''}`;
});
document.getElementById('period-clear').addEventListener('click', () => {
  const form = document.getElementById('period');
  form.elements.from.value = '';
  form.elements.to.value = '';
  form.requestSubmit();
});
document.getElementById('signout').addEventListener('click', () => {
  signOut();
  window.location.hash = '#/signin';
});
onUnauthorized(() => {
  if (!parseHash().path.startsWith('/signin')) {
    window.location.replace(`#/signin?next=${encodeURIComponent(window.location.hash)}&expired=1`);
  }
});
document.querySelector('.skip').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});
window.addEventListener('hashchange', () => {
  // In-page anchors (the skip link) are not routes.
  if (window.location.hash.startsWith('#/') || !window.location.hash) render();
});
render();
