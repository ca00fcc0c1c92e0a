// Browser test of lrsd's dashboard (/ui/). Starts the real lrsd on a free port with a fresh data
// directory, creates credentials, loads the sample organisation (tests/data/sample-org, in its
// README's order), opens every page in Debian's chromium (playwright-core) and checks that the
// numbers shown are the API's, fetched directly. Screenshots of each page go to --screenshots.
//   node tests/browser/dashboard.test.mjs --lrsd build/lrsd --screenshots build/screenshots [--docs]
// (tests/browser/run.sh installs playwright-core and sets PLAYWRIGHT_CORE_DIR.)
import {spawn, spawnSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {basename, dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const sampleDir = join(root, 'tests/data/sample-org');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const lrsdBinary = resolve(arg('--lrsd', join(root, 'build/lrsd')));
const screenshotDir = resolve(arg('--screenshots', join(root, 'build/screenshots')));
const docsDir = process.argv.includes('--docs') ? join(here, 'screenshots') : null;
const require = createRequire(resolve(process.env.PLAYWRIGHT_CORE_DIR || join(here, 'node_modules/playwright-core'), 'package.json'));
const {chromium} = require('playwright-core');

// The period the pages are checked in: the sample organisation's README figures are at this date.
const TO = '2026-10-31';
const UNTIL = `${TO}T23:59:59Z`;
const UNIT = 'emea-sales';
const PERSON = 'e1001';

// ---- A tiny test harness: every check runs, failures are listed, the summary line is last ------
let passed = 0;
let failed = 0;
const failures = [];
async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed += 1;
    failures.push(name);
    console.log(`not ok - ${name}\n    ${String(e.stack || e).split('\n').slice(0, 4).join('\n    ')}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
function eq(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: shown ${a}, API ${b}`);
}
// A number as shown ("2,200.3", "90.3 %", "3,425.32 EUR") against the API's, to the shown precision.
function near(text, expected, what, scale = 1) {
  const cleaned = String(text).replace(/[,\s%]|EUR/g, '');
  const shown = Number(cleaned);
  const decimals = (cleaned.split('.')[1] || '').length;
  const tolerance = 0.5 * 10 ** -decimals + 1e-9;
  if (!(Math.abs(shown - expected * scale) <= tolerance)) throw new Error(`${what}: shown ${text}, API ${expected}`);
}

// ---- lrsd ------------------------------------------------------------------------------------
const dataDir = mkdtempSync(join(tmpdir(), 'lrsd-browser-'));
const ADMIN = {key: 'dashboard-admin', secret: 'dashboard-admin-secret-0123456789'};
const READER = {key: 'statements-reader', secret: 'statements-reader-secret-0123456789'};
const PROFILES = {key: 'profiles-reader', secret: 'profiles-reader-secret-0123456789'};
for (const [c, scope] of [[ADMIN, 'all'], [READER, 'statements/read'], [PROFILES, 'profiles/read']]) {
  const r = spawnSync(lrsdBinary, ['credentials', 'create', '--data', dataDir, '--key', c.key, '--secret', c.secret,
    '--scope', scope], {encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`lrsd credentials create: ${r.status} ${r.stderr}`);
}
const server = spawn(lrsdBinary, ['serve', '--data', dataDir, '--http', '127.0.0.1:0', '--no-first-credential',
  '--no-access-log', '--log-level', 'warn'], {stdio: ['ignore', 'pipe', 'inherit']});
let serverExited = false;
server.on('exit', () => { serverExited = true; });
const base = await new Promise((resolvePort, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`lrsd did not start: ${out}`)), 30000);
  server.stdout.on('data', (chunk) => {
    out += chunk;
    const m = out.match(/listening on (http:\/\/[^/\s]+)/);
    if (m) {
      clearTimeout(timer);
      resolvePort(m[1]);
    }
  });
  server.on('exit', (code) => reject(new Error(`lrsd exited (${code}): ${out}`)));
});
console.log(`# lrsd ${lrsdBinary} at ${base}, data ${dataDir}`);

const authHeader = `Basic ${Buffer.from(`${ADMIN.key}:${ADMIN.secret}`).toString('base64')}`;
async function api(path, {method = 'GET', body, headers = {}, xapi = false, auth = true} = {}) {
  const h = {...headers};
  if (auth) h.Authorization = authHeader;
  if (xapi) h['X-Experience-API-Version'] = '1.0.3';
  const response = await fetch(new URL(path, base), {method, body, headers: h, redirect: 'manual'});
  return response;
}
async function json(path, options) {
  const r = await api(path, options);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}
function qs(params) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
  return q.toString() ? `?${q}` : '';
}

// ---- The sample organisation, in its README's order ----------------------------------------------
async function put(path, file) {
  const r = await api(path, {method: 'PUT', body: readFileSync(file), headers: {'Content-Type': 'application/json'}});
  if (r.status !== 200) throw new Error(`PUT ${path}: ${r.status} ${await r.text()}`);
}
async function loadSampleOrg() {
  for (const doc of ['framework', 'rules', 'costs', 'goals', 'people']) await put(`/admin/${doc}`, join(sampleDir, `${doc}.json`));
  for (const f of readdirSync(join(sampleDir, 'plans')).sort()) await put(`/admin/plans/${basename(f, '.json')}`, join(sampleDir, 'plans', f));
  for (const f of readdirSync(join(sampleDir, 'kpis')).sort()) {
    const unit = basename(f, '.json');
    await put(unit === 'organization' ? '/admin/kpis' : `/admin/kpis/${unit}`, join(sampleDir, 'kpis', f));
  }
  for (const f of readdirSync(sampleDir).filter((n) => /^statements-\d+\.json$/.test(n)).sort()) {
    const r = await api('/xapi/statements', {method: 'POST', body: readFileSync(join(sampleDir, f)), xapi: true,
      headers: {'Content-Type': 'application/json'}});
    if (r.status !== 200) throw new Error(`POST ${f}: ${r.status} ${await r.text()}`);
  }
}

// ---- The browser -------------------------------------------------------------------------------
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({viewport: {width: 1280, height: 860}, deviceScaleFactor: 1, locale: 'en-GB'});
const page = await context.newPage();
page.setDefaultTimeout(20000);
const consoleErrors = [];
page.on('console', (msg) => {
  // Failed fetches are logged by Chromium itself; the sign-in checks cause 401s and 403s on purpose.
  if (msg.type() === 'error' && !/status of 40[13]/.test(msg.text())) consoleErrors.push(msg.text());
});
page.on('pageerror', (error) => consoleErrors.push(`page error: ${error.message}`));

mkdirSync(screenshotDir, {recursive: true});
if (docsDir) mkdirSync(docsDir, {recursive: true});
async function screenshot(name) {
  await page.screenshot({path: join(screenshotDir, `${name}.png`), fullPage: true});
  if (docsDir) {
    // The README's copies: the first screen only, palette-quantised when pngquant is installed.
    const file = join(docsDir, `${name}.png`);
    await page.screenshot({path: file});
    spawnSync('pngquant', ['--quality=70-90', '--speed', '1', '--force', '--ext', '.png', file]);
  }
}

// Navigates by hash and waits until the page has rendered.
async function visit(hash) {
  const before = await page.evaluate(() => document.getElementById('main')?.dataset.ready ?? '');
  await page.evaluate((h) => { window.location.hash = h; }, hash);
  await page.waitForFunction((prev) => {
    const main = document.getElementById('main');
    return main.dataset.ready && main.dataset.ready !== prev && main.getAttribute('aria-busy') === 'false';
  }, before, {timeout: 30000});
}
const text = (selector) => page.locator(selector).first().innerText();
async function metric(name) {
  const dd = page.locator(`dd[data-metric="${name}"]`);
  return {text: await dd.innerText(), value: await dd.getAttribute('data-value')};
}
async function checkMetric(name, expected, scale = 1) {
  const m = await metric(name);
  eq(Number(m.value), expected, `${name} (data-value)`);
  near(m.text, expected, name, scale);
}
// The cells of a data table's body rows (innerText per cell).
async function tableRows(test) {
  return page.locator(`table[data-test="${test}"] tbody tr`).evaluateAll((rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
}
// The fallback table of a chart (figure[data-test=…]).
async function figureRows(test) {
  return page.locator(`figure[data-test="${test}"] table tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));
}
const hours = (seconds) => seconds / 3600;

try {
  await check('sample organisation loads (framework, rules, costs, goals, people, plans, KPIs, statements)', loadSampleOrg);

  // ---- Static files --------------------------------------------------------------------------
  await check('/ui redirects to /ui/', async () => {
    const r = await api('/ui', {auth: false});
    eq(r.status, 301, 'status');
    eq(r.headers.get('location'), '/ui/', 'Location');
  });
  await check('/ui/ serves index.html without a credential, with CSP, Cache-Control, ETag and 304', async () => {
    const r = await api('/ui/', {auth: false});
    eq(r.status, 200, 'status');
    eq(r.headers.get('content-type'), 'text/html; charset=utf-8', 'Content-Type');
    const csp = r.headers.get('content-security-policy') || '';
    assert(csp.includes("default-src 'self'") && csp.includes("script-src 'self'"), `CSP: ${csp}`);
    eq(r.headers.get('cache-control'), 'no-cache', 'Cache-Control');
    eq(r.headers.get('x-content-type-options'), 'nosniff', 'X-Content-Type-Options');
    const etag = r.headers.get('etag');
    assert(/^"[0-9a-f]{40}"$/.test(etag || ''), `ETag ${etag}`);
    assert((await r.text()).includes('<main id="main"'), 'body is the dashboard');
    const again = await api('/ui/index.html', {auth: false, headers: {'If-None-Match': etag}});
    eq(again.status, 304, 'If-None-Match status');
    const head = await api('/ui/', {method: 'HEAD', auth: false});
    eq(head.status, 200, 'HEAD status');
  });
  await check('/ui/ files have their Content-Type; unknown files are 404, other methods 405', async () => {
    for (const [path, type] of [['/ui/app.css', 'text/css; charset=utf-8'], ['/ui/js/app.js', 'text/javascript; charset=utf-8'],
      ['/ui/vendor/chart.umd.min.js', 'text/javascript; charset=utf-8'], ['/ui/favicon.svg', 'image/svg+xml']]) {
      const r = await api(path, {auth: false});
      eq([r.status, r.headers.get('content-type')], [200, type], path);
    }
    const chart = await (await api('/ui/vendor/chart.umd.min.js', {auth: false})).text();
    assert(chart.includes('Chart.js v4'), 'Chart.js is embedded');
    eq((await api('/ui/nope.js', {auth: false})).status, 404, '/ui/nope.js');
    eq((await api('/ui/../admin/people', {auth: false})).status === 200, false, 'no escape from /ui/');
    eq((await api('/ui/', {method: 'POST', auth: false, body: 'x'})).status, 405, 'POST /ui/');
  });

  // ---- Sign in ---------------------------------------------------------------------------------
  await page.goto(`${base}/ui/#/org?to=${TO}`);
  await page.waitForSelector('#key');
  await check('an unauthenticated visit shows the sign-in page', async () => {
    assert(page.url().includes('#/signin'), `url ${page.url()}`);
    eq(await text('h1'), 'Sign in', 'heading');
  });
  await screenshot('signin');
  await check('a wrong secret is refused with a clear message', async () => {
    await page.fill('#key', ADMIN.key);
    await page.fill('#secret', 'not-the-secret');
    await page.click('form.signin button[type=submit]');
    await page.waitForSelector('#signin-error:not([hidden])');
    eq(await text('#signin-error'), 'Unknown key or wrong secret.', 'error');
  });
  await check('a credential without profile scopes is refused (403) with a clear message', async () => {
    await page.fill('#key', READER.key);
    await page.fill('#secret', READER.secret);
    await page.click('form.signin button[type=submit]');
    await page.waitForFunction(() => document.getElementById('signin-error')?.textContent.includes('may not read learning profiles'));
    assert(await page.evaluate(() => sessionStorage.length === 0), 'nothing stored');
  });
  await check('signing in keeps a Basic header in sessionStorage and opens the page asked for', async () => {
    await page.fill('#key', ADMIN.key);
    await page.fill('#secret', ADMIN.secret);
    await page.click('form.signin button[type=submit]');
    await page.waitForFunction(() => document.getElementById('main').dataset.page === 'org'
      && document.getElementById('main').getAttribute('aria-busy') === 'false', null, {timeout: 30000});
    const stored = await page.evaluate(() => JSON.parse(sessionStorage.getItem('lrsd.dashboard.credential')));
    eq(stored.authorization, authHeader, 'stored header');
    assert(page.url().endsWith(`#/org?to=${TO}`), `url ${page.url()}`);
  });

  // ---- Organisation ----------------------------------------------------------------------------
  const period = {until: UNTIL};
  const org = await json(`/learning/organization${qs(period)}`);
  const orgCard = await json(`/learning/scorecard${qs(period)}`);
  await page.waitForSelector('table[data-test="top-activities"]', {timeout: 30000});
  await check('organisation KPIs equal /learning/organization and the scorecard', async () => {
    await checkMetric('people', org.people);
    await checkMetric('hours', orgCard.learning.hours);
    await checkMetric('hours-per-person', orgCard.learning.hoursPerPerson);
    await checkMetric('completions', org.outcomes.completed);
    await checkMetric('pass-rate', org.outcomes.passed / (org.outcomes.passed + org.outcomes.failed), 100);
    await checkMetric('coverage', orgCard.learning.competencyCoverage, 100);
    await checkMetric('cost', orgCard.efficiency.cost);
    eq(org.people, 40, 'the sample has 40 people');
    eq(orgCard.efficiency.cost, 14861.12, 'the sample organisation costs 14,861.12 EUR');
  });
  await check('organisation units table: each unit\'s formal / experiential / informal hours', async () => {
    const rows = await tableRows('units');
    eq(rows.map((r) => r[0]), org.units.map((u) => u.unit), 'units');
    org.units.forEach((u, i) => {
      eq(Number(rows[i][1]), u.people, `${u.unit} people`);
      near(rows[i][2], hours(u.formal), `${u.unit} formal h`);
      near(rows[i][3], hours(u.experiential), `${u.unit} experiential h`);
      near(rows[i][4], hours(u.informal), `${u.unit} informal h`);
      near(rows[i][6], u.completed, `${u.unit} completions`);
      near(rows[i][7], u.coverage, `${u.unit} coverage`, 100);
    });
    near(rows.find((r) => r[0] === 'field-service')[3], 2200.3, 'field-service experiential h (sample README)');
  });
  await check('organisation statements per month equal the profile\'s months', async () => {
    const rows = await figureRows('statements-per-month');
    eq(rows.map((r) => [r[0], Number(r[1])]), org.months.map((m) => [m.month, m.statements]), 'months');
  });
  await check('organisation blend chart and every chart are labelled for assistive technology', async () => {
    const unlabeled = await page.locator('canvas:not([role="img"]), canvas:not([aria-label])').count();
    eq(unlabeled, 0, 'canvases without role=img and aria-label');
    assert(await page.locator('figure[data-test="unit-blend"] canvas').count() === 1, 'blend chart drawn');
    const blendRows = await tableRows('');
    assert(blendRows.length >= 0, 'tables present');
  });
  await check('top activities equal a count over the same statements fetched directly', async () => {
    const since = -Infinity;
    const until = Date.parse(UNTIL);
    const counts = new Map();
    let seen = 0;
    let path = '/xapi/statements?limit=100';
    while (path && seen < 1000) {
      const body = await json(path, {xapi: true});
      for (const s of body.statements) {
        if (++seen > 1000) break;
        const t = Date.parse(s.timestamp);
        if (!(t > since && t <= until) || (s.object.objectType && s.object.objectType !== 'Activity')) continue;
        counts.set(s.object.id, (counts.get(s.object.id) ?? 0) + 1);
      }
      path = body.more;
    }
    const expected = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10).map((e) => e[1]);
    const rows = await tableRows('top-activities');
    eq(rows.map((r) => Number(r[1].replace(/,/g, ''))), expected, 'statement counts');
  });
  await screenshot('organisation');

  // ---- Business unit ---------------------------------------------------------------------------
  const unit = await json(`/learning/units/${UNIT}${qs(period)}`);
  const unitCard = await json(`/learning/scorecard${qs({...period, unit: UNIT})}`);
  await check('the units table links to the unit page', async () => {
    const before = await page.evaluate(() => document.getElementById('main').dataset.ready);
    await page.click(`table[data-test="units"] a:text-is("${UNIT}")`);
    await page.waitForFunction((prev) => document.getElementById('main').dataset.ready !== prev
      && document.getElementById('main').getAttribute('aria-busy') === 'false', before);
    assert(page.url().endsWith(`#/unit/${UNIT}?to=${TO}`), `url ${page.url()}`);
  });
  await check('unit formal / experiential / informal hours equal /learning/units', async () => {
    for (const m of ['formal', 'experiential', 'informal']) {
      const cell = page.locator(`[data-modality-hours="${m}"]`);
      eq(Number(await cell.getAttribute('data-value')), unit.modalities[m].seconds, `${m} seconds`);
      near(await cell.innerText(), hours(unit.modalities[m].seconds), `${m} hours`);
    }
    near(await page.locator('[data-modality-hours="formal"]').innerText(), 55.0, 'emea-sales formal h (sample README)');
  });
  await check('unit KPIs equal the unit scorecard', async () => {
    await checkMetric('people', unit.people.length);
    await checkMetric('hours', unitCard.learning.hours);
    await checkMetric('hours-per-person', unitCard.learning.hoursPerPerson);
    await checkMetric('completions', unit.outcomes.completed);
    await checkMetric('coverage', unitCard.learning.competencyCoverage, 100);
    await checkMetric('cost', unitCard.efficiency.cost);
    await checkMetric('days-to-competency', unitCard.efficiency.daysToCompetency);
    eq(unitCard.efficiency.cost, 3425.32, 'emea-sales cost (sample README)');
  });
  await check('unit people, competency coverage and plan statuses equal the API', async () => {
    const people = await tableRows('unit-people');
    eq(people.map((r) => r[0]), unit.people.map((p) => p.name), 'people');
    unit.people.forEach((p, i) => {
      near(people[i][2], hours(p.formal), `${p.id} formal h`);
      eq(Number(people[i][6]), p.gap, `${p.id} gaps`);
    });
    const comps = await tableRows('unit-competencies');
    eq(comps.map((r) => [r[0], Number(r[1]), Number(r[2])]), unit.competencies.map((c) => [c.name, c.required, c.atTarget]), 'competencies');
    const plans = await tableRows('unit-plans');
    const p = unitCard.learning.plans;
    eq(plans.map((r) => Number(r[1])), [p.done, p.onTrack, p.atRisk, p.overdue], 'plan items');
    eq([p.done, p.onTrack, p.atRisk, p.overdue], [3, 3, 3, 1], 'emea-sales plan items (sample README)');
  });
  await check('unit gaps against role targets equal the people\'s profiles', async () => {
    const expected = [];
    for (const p of unit.people.filter((x) => x.gap > 0)) {
      const profile = await json(`/learning/people/${p.id}${qs(period)}`);
      for (const c of profile.competencies) if (c.gap > 0) expected.push([p.name, c.name, String(c.level), String(c.target)]);
    }
    const rows = await tableRows('unit-gaps');
    eq(rows.map((r) => r.slice(0, 4)), expected, 'gaps');
  });
  await check('unit KPIs beside learning: values and correlations equal the scorecard', async () => {
    for (const k of unitCard.business) {
      const rows = await figureRows(`kpi-${k.kpi}`);
      eq(rows.map((r) => [r[0], Number(r[1])]), k.months.map((m) => [m.month, m.value]), `${k.kpi} months`);
      const corr = await tableRows(`kpi-${k.kpi}-correlation`);
      ['lag0', 'lag1', 'lag2', 'lag3'].forEach((l, i) => {
        if (k.correlation[l] === null) eq(corr[0][i + 1], '–', `${k.kpi} ${l}`);
        else near(corr[0][i + 1], k.correlation[l], `${k.kpi} ${l}`);
      });
    }
  });
  await screenshot('unit');

  // ---- Person ----------------------------------------------------------------------------------
  const person = await json(`/learning/people/${PERSON}${qs(period)}`);
  await check('the unit\'s people table links to the person page', async () => {
    const before = await page.evaluate(() => document.getElementById('main').dataset.ready);
    await page.click(`table[data-test="unit-people"] a:text-is("${person.person.name}")`);
    await page.waitForFunction((prev) => document.getElementById('main').dataset.ready !== prev
      && document.getElementById('main').getAttribute('aria-busy') === 'false', before);
    assert(page.url().endsWith(`#/person/${PERSON}?to=${TO}`), `url ${page.url()}`);
    eq(await text('main h1'), person.person.name, 'heading');
  });
  await check('person modality hours equal /learning/people', async () => {
    for (const m of ['formal', 'experiential', 'informal']) await checkMetric(`${m}-hours`, person.modalities[m].seconds, 1 / 3600);
    near((await metric('formal-hours')).text, 7.2, 'Ana Silva formal h (sample README)');
    await checkMetric('completions', person.outcomes.completed);
    await checkMetric('cost', person.cost.total);
  });
  await check('person competency levels and targets equal the profile', async () => {
    const rows = await tableRows('person-competencies');
    eq(rows.map((r) => [r[0], Number(r[1]), r[2] === '–' ? 0 : Number(r[2]), Number(r[4])]),
      person.competencies.map((c) => [c.name, c.level, c.target, c.evidence]), 'competencies');
    const levels = await page.locator('[data-competency]').evaluateAll((els) => els.map((e) => [e.dataset.competency, Number(e.dataset.level)]));
    eq(levels, person.competencies.map((c) => [c.id, c.level]), 'levels');
  });
  await check('person development plan progress equals the profile\'s plan', async () => {
    const rows = await tableRows('person-plan');
    eq(rows.map((r) => [r[0], r[2], r[3], r[5], r[7]]), person.plan.map((i) => [i.competency, `${i.level} / ${i.targetLevel}`,
      `${i.activitiesDone} / ${i.activitiesPlanned}`, i.due, {done: 'Done', 'on-track': 'On track', 'at-risk': 'At risk', overdue: 'Overdue'}[i.status]]), 'plan');
    person.plan.forEach((item, i) => near(rows[i][4].split(' / ')[0], item.hours, `${item.competency} hours`));
    eq(person.plan.map((i) => i.status), ['done', 'at-risk'], 'Ana Silva\'s plan (sample README)');
  });
  await check('person monthly trend equals the profile\'s months', async () => {
    const rows = await figureRows('person-months');
    eq(rows.map((r) => [r[0], Number(r[4])]), person.months.map((m) => [m.month, m.statements]), 'months');
    person.months.forEach((m, i) => near(rows[i][2], hours(m.experiential), `${m.month} experiential`));
  });
  await check('person recent statements equal /xapi/statements?agent=… for each of their IFIs', async () => {
    const directory = await json(`/admin/people/${PERSON}`);
    const lists = await Promise.all(directory.ifis.map((ifi) => json(`/xapi/statements${qs({agent: JSON.stringify(ifi), limit: 10})}`, {xapi: true})));
    const expected = lists.flatMap((l) => l.statements).sort((a, b) => (a.stored < b.stored ? 1 : a.stored > b.stored ? -1 : 0))
      .slice(0, 10).map((s) => s.id);
    const shown = await page.locator('table[data-test="person-recent"] [data-id]').evaluateAll((els) => els.map((e) => e.dataset.id));
    eq(shown, expected, 'statement ids');
  });
  await screenshot('person');

  // ---- Goals -----------------------------------------------------------------------------------
  const goals = await json(`/learning/goals${qs(period)}`);
  await visit(`#/goals?to=${TO}`);
  await check('goals cascade: every goal, its unit and its plan items\' statuses equal /learning/goals', async () => {
    const flat = [];
    const walk = (g, depth) => {
      flat.push([g.id, depth]);
      g.children.forEach((c) => walk(c, depth + 1));
    };
    goals.forEach((g) => walk(g, 0));
    const shown = await page.locator('li[data-goal]').evaluateAll((lis) => lis.map((li) => {
      let depth = 0;
      for (let p = li.parentElement; p && !p.classList.contains('goal-tree'); p = p.parentElement) if (p.matches('li[data-goal]')) depth += 1;
      return [li.dataset.goal, depth];
    }));
    eq(shown, flat, 'goals and depth');
    const visitGoal = async (g) => {
      const counts = {};
      for (const p of g.people) for (const item of p.items) counts[item.status] = (counts[item.status] ?? 0) + 1;
      const own = await page.locator(`li[data-goal="${g.id}"] > article [data-test="own"] [data-count]`).evaluateAll((els) =>
        Object.fromEntries(els.map((e) => [e.dataset.status, Number(e.dataset.count)])));
      eq(Object.entries(own).sort(), Object.entries(counts).sort(), `${g.id} items`);
      for (const c of g.children) await visitGoal(c);
    };
    for (const g of goals) await visitGoal(g);
    const total = await page.locator('[data-test="total"] [data-count]').evaluateAll((els) =>
      els.reduce((n, e) => n + Number(e.dataset.count), 0));
    const p = orgCard.learning.plans;
    eq(total, p.done + p.onTrack + p.atRisk + p.overdue, 'all plan items');
  });
  await check('goals: g-fs-safe-hands has 2 done and 2 overdue (sample README)', async () => {
    const own = await page.locator('li[data-goal="g-fs-safe-hands"] > article [data-test="own"] [data-count]').evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.dataset.status, Number(e.dataset.count)])));
    eq(own, {done: 2, overdue: 2}, 'items');
  });
  await page.locator('li[data-goal="g-emea-value-selling"] details.people').evaluate((d) => { d.open = true; });
  await screenshot('goals');

  // ---- Statements ------------------------------------------------------------------------------
  const VERB = 'http://adlnet.gov/expapi/verbs/completed';
  await visit('#/statements');
  await check('statement browser: the filter form runs the query (verb, limit) and shows the API\'s first page', async () => {
    await page.fill('#f-verb', VERB);
    await page.fill('#f-limit', '25');
    const before = await page.evaluate(() => document.getElementById('main').dataset.ready);
    await page.click('form.filters button[type=submit]');
    await page.waitForFunction((prev) => document.getElementById('main').dataset.ready !== prev
      && document.getElementById('main').getAttribute('aria-busy') === 'false', before);
    const expected = await json(`/xapi/statements${qs({verb: VERB, limit: 25})}`, {xapi: true});
    const ids = await page.locator('table[data-test="statement-rows"] [data-id]').evaluateAll((els) => els.map((e) => e.dataset.id));
    eq(ids.length, 25, 'rows');
    eq(ids, expected.statements.map((s) => s.id), 'ids');
  });
  await check('statement browser: paging follows `more` forwards and back', async () => {
    const first = await json(`/xapi/statements${qs({verb: VERB, limit: 25})}`, {xapi: true});
    const second = await json(first.more, {xapi: true});
    await page.click('button:has-text("Next page")');
    await page.waitForSelector('.paging-status[data-page="2"]');
    const ids = await page.locator('table[data-test="statement-rows"] [data-id]').evaluateAll((els) => els.map((e) => e.dataset.id));
    eq(ids, second.statements.map((s) => s.id), 'page 2 ids');
    await page.click('button:has-text("Previous page")');
    await page.waitForSelector('.paging-status[data-page="1"]');
    const back = await page.locator('table[data-test="statement-rows"] [data-id]').evaluateAll((els) => els.map((e) => e.dataset.id));
    eq(back, first.statements.map((s) => s.id), 'page 1 ids');
  });
  await check('statement browser: every filter reaches the API (agent by e-mail, activity, related, since/until, ascending) and paging to the end counts every row', async () => {
    const agent = {mbox: 'mailto:ana.silva@example.com'};
    const filters = {agent: 'ana.silva@example.com', activity: 'https://lms.example.com/courses/product-deep-dive',
      related_activities: 'true', related_agents: 'true', since: '2020-01-01T00:00:00Z', until: '2100-01-01T00:00:00Z',
      limit: '7', ascending: 'true'};
    await visit(`#/statements${qs(filters)}`);
    let total = 0;
    let pages = 0;
    for (;;) {
      pages += 1;
      total += Number(await page.locator('.paging-status').getAttribute('data-rows'));
      if (await page.locator('button:has-text("Next page")').isDisabled()) break;
      await page.click('button:has-text("Next page")');
      await page.waitForSelector(`.paging-status[data-page="${pages + 1}"]`);
    }
    let expected = 0;
    let path = `/xapi/statements${qs({...filters, agent: JSON.stringify(agent)})}`;
    let apiPages = 0;
    while (path) {
      const body = await json(path, {xapi: true});
      expected += body.statements.length;
      apiPages += 1;
      path = body.more;
    }
    eq([total, pages], [expected, apiPages], 'rows and pages');
    assert(expected > 7, `the query spans several pages (${expected} statements)`);
    const form = await page.evaluate(() => ({agent: document.getElementById('f-agent').value,
      ascending: document.getElementById('f-ascending').checked, related: document.getElementById('f-related_agents').checked}));
    eq(form, {agent: 'ana.silva@example.com', ascending: true, related: true}, 'the form shows the query');
  });
  await check('statement browser: a malformed agent is reported, not sent', async () => {
    await visit('#/statements?agent=%7Bnot-json');
    assert((await text('main .error')).includes('Agent:'), 'error shown');
  });
  await visit(`#/statements${qs({verb: VERB, limit: 12})}`);
  await screenshot('statements');

  // ---- Forwarding ------------------------------------------------------------------------------
  await check('forwarding: an admin sees the link and every target with the API\'s state, never a secret', async () => {
    const r = await api('/admin/forwarding', {method: 'PUT', headers: {'Content-Type': 'application/json'},
      body: JSON.stringify([{id: 'archive', endpoint: 'http://127.0.0.1:9/xapi/', key: 'archive-key', secret: 'archive-secret-42'}])});
    eq(r.status, 200, 'PUT /admin/forwarding');
    await visit('#/forwarding');
    assert(await page.locator('a[data-nav="forwarding"]').isVisible(), 'the Forwarding link is shown');
    const targets = await json('/admin/forwarding');
    const rows = await tableRows('forwarding');
    eq(rows.map((row) => row[0]), targets.map((t) => t.id), 'targets');
    assert(rows[0][1].includes('http://127.0.0.1:9/xapi/'), `endpoint ${rows[0][1]}`);
    eq(Number(await page.locator('[data-test="sent"]').first().getAttribute('data-value')), targets[0].state.sent, 'sent');
    assert(!(await page.content()).includes('archive-secret-42'), 'no secret on the page');
  });
  await screenshot('forwarding');

  await check('every page fits a phone-sized screen (no horizontal scrolling)', async () => {
    await page.setViewportSize({width: 390, height: 844});
    try {
      for (const hash of [`#/org?to=${TO}`, `#/unit/${UNIT}?to=${TO}`, `#/person/${PERSON}?to=${TO}`, `#/goals?to=${TO}`,
        '#/statements?limit=5', '#/forwarding']) {
        await visit(hash);
        await page.waitForTimeout(100);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert(overflow <= 0, `${hash} is ${overflow}px wider than the screen`);
        if (hash.startsWith('#/unit/')) await page.screenshot({path: join(screenshotDir, 'unit-phone.png')});
      }
    } finally {
      await page.setViewportSize({width: 1280, height: 860});
    }
  });
  await check('keyboard: the skip link and the main navigation are reachable with Tab', async () => {
    await page.reload();
    await page.waitForFunction(() => document.getElementById('main').dataset.ready);
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.className), 'skip', 'first Tab stop');
    await page.keyboard.press('Tab');
    eq(await page.evaluate(() => document.activeElement.dataset.nav), 'org', 'second Tab stop');
  });
  await check('no console errors and no Content-Security-Policy violations on any page', async () => {
    eq(consoleErrors, [], 'console errors');
  });
  await check('signing out forgets the credential', async () => {
    await page.click('#signout');
    await page.waitForSelector('#key');
    eq(await page.evaluate(() => sessionStorage.getItem('lrsd.dashboard.credential')), null, 'stored credential');
  });
  await check('forwarding: hidden from a credential that may read profiles but not administer', async () => {
    await page.fill('#key', PROFILES.key);
    await page.fill('#secret', PROFILES.secret);
    await page.click('form.signin button[type=submit]');
    await page.waitForFunction(() => document.getElementById('main').dataset.page === 'org'
      && document.getElementById('main').getAttribute('aria-busy') === 'false', null, {timeout: 30000});
    await page.waitForTimeout(500);
    assert(!(await page.locator('a[data-nav="forwarding"]').isVisible()), 'the Forwarding link is hidden');
    await visit('#/forwarding');
    assert((await text('main')).includes('scope admin'), 'the page says who may see it');
  });
} catch (e) {
  failed += 1;
  failures.push('the run stopped early');
  console.log(`not ok - the run stopped early\n    ${String(e.stack || e).split('\n').slice(0, 6).join('\n    ')}`);
} finally {
  await browser.close().catch(() => {});
  if (!serverExited) {
    server.kill('SIGTERM');
    await new Promise((r) => (serverExited ? r() : server.on('exit', r)));
  }
  rmSync(dataDir, {recursive: true, force: true});
}

console.log(`# screenshots in ${screenshotDir}${docsDir ? ` and ${docsDir}` : ''}`);
if (failures.length) console.log(`# failed: ${failures.join('; ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
