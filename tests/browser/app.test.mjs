// Browser tests: Debian's chromium driven by playwright-core against the real server, on a
// fresh database loaded with the demo data. What a user does: sign in, open a provider, open
// a chart, upload a file with an error and read the located error, be refused another
// provider's page, sign out. Hostile text rendered inert (no script runs), and axe-core finds
// no WCAG 2.2 AA violation on any page. Screenshots of the main pages are written to
// ARTEFACTS (the build directory's browser-screenshots/).
//
// usage: node app.test.mjs CUSTODIAN_BINARY SOURCE_DIR ARTEFACTS_DIR
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const [bin, src, artefacts] = process.argv.slice(2);
const require = createRequire(join(src, 'package.json'));
const { chromium } = require('playwright-core');
const axePath = join(src, 'node_modules', 'axe-core', 'axe.min.js');
const chromiumPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);

let passed = 0, failed = 0;
function check(cond, what) {
  if (cond) { passed++; return; }
  failed++;
  console.error(`FAIL ${what}`);
}

if (!chromiumPath) {
  console.error('chromium is missing: run scripts/install-deps --browser');
  process.exit(1);
}
mkdirSync(artefacts, { recursive: true });
const dir = mkdtempSync(join(tmpdir(), 'cu-browser-'));
const db = join(dir, 'custodian.db');
execFileSync(bin, ['-d', db, 'init'], { cwd: src, stdio: 'ignore' });
execFileSync(bin, ['-d', db, 'demo-load'], { cwd: src, stdio: 'ignore' });
// A provider whose name is markup and script: it must be shown as text and never run.
const hostile = join(dir, 'hostile-locations.csv');
writeFileSync(hostile, 'org_code,org_name,postcode,date,latitude,longitude\n' +
  'RZZ99,"<img src=x onerror=""window.__xss=2""><script>window.__xss=3</script>",,20200101,,\n');
execFileSync(bin, ['-d', db, 'import', '--profile', 'locations', hostile], { cwd: src, stdio: 'ignore' });
const accounts = {};
for (const line of readFileSync(join(dir, 'demo-passwords.txt'), 'utf8').split('\n')) {
  const f = line.trim().split(/\s+/);
  if (f.length >= 3) accounts[f[1]] = { password: f[2], org: f[4] };
}

const server = spawn(bin, ['-d', db, 'serve', '--port', '0', '--quiet'], { cwd: src });
const base = await new Promise((resolve, reject) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/serving (http:\/\/[0-9.]+:[0-9]+)\//);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60000);
});

const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });

async function signIn(page, user) {
  await page.goto(`${base}/sign-in`);
  await page.fill('#username', user);
  await page.fill('#password', accounts[user].password);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
}

async function axeCheck(page, name) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }));
  const v = result.violations.map((x) => `${x.id} (${x.nodes.length}): ${x.nodes[0].target}`);
  check(v.length === 0, `axe on ${name}: ${v.join('; ')}`);
}

try {
  // --- a commissioner's morning ---
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  let dialogs = 0;
  page.on('dialog', async (d) => { dialogs++; await d.dismiss(); });
  await signIn(page, 'commissioner');
  check((await page.textContent('h1')) === 'Needs attention', 'home is Needs attention');
  await page.screenshot({ path: join(artefacts, 'needs-attention.png'), fullPage: false });
  const firstProvider = page.locator('table tbody tr td:nth-child(2) a').first();
  const providerName = (await firstProvider.textContent()).trim();
  await Promise.all([page.waitForNavigation(), firstProvider.click()]);
  check((await page.textContent('h1')).trim() === providerName, 'the provider page opens');
  check(await page.locator('svg.app-icon, svg[class*="app-icon"]').count() > 0, 'verdict icons');
  await page.screenshot({ path: join(artefacts, 'provider.png'), fullPage: false });
  // A monthly series makes the fullest chart: the share of type 1 A&E attendances over 4 hours.
  const chartLink = page.locator('table tbody tr td:first-child a',
    { hasText: 'Type 1 A&E attendances over 4 hours' }).first();
  await Promise.all([page.waitForNavigation(), chartLink.click()]);
  check(await page.locator('svg[role="img"]').count() >= 1, 'the chart is an accessible SVG');
  check(await page.locator('svg[role="img"] title').count() >= 1, 'the chart has a title');
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.screenshot({ path: join(artefacts, 'chart.png'), fullPage: false });

  // --- an upload with an error, and hostile text in it ---
  const bad = join(dir, 'return.csv');
  writeFileSync(bad, 'org_code,indicator,period,numerator,denominator,value\n' +
    'RF4,AE_4HR_BREACH_T1,2024-13,5,10,\n' +
    'RF4,AE_4HR_BREACH_T1,2024-11,<script>window.__xss=1</script>,10,\n');
  await page.goto(`${base}/imports`);
  await page.selectOption('#profile', 'custodian');
  await page.setInputFiles('#file', bad);
  await Promise.all([page.waitForNavigation(), page.click('form[enctype] button[type=submit]')]);
  const summary = await page.textContent('.nhsuk-error-summary');
  check(summary.includes('return.csv:2: column "period"'), `located error shown: ${summary}`);
  check(summary.includes('<script>window.__xss=1</script>'), 'the hostile value is shown as text');
  check(await page.evaluate(() => window.__xss === undefined), 'no injected script ran');
  check(dialogs === 0, 'no dialog opened');
  await page.screenshot({ path: join(artefacts, 'import-error.png'), fullPage: false });

  // --- sign out: the old session is gone ---
  await Promise.all([page.waitForNavigation(), page.click('.app-account__signout')]);
  check(page.url().endsWith('/sign-in'), 'sign-out goes to sign-in');
  await page.goto(`${base}/providers`);
  check(page.url().endsWith('/sign-in'), 'after sign-out the pages need sign-in again');
  await ctx.close();

  // --- a provider may not open another provider's page ---
  const pctx = await browser.newContext();
  const pp = await pctx.newPage();
  await signIn(pp, 'provider');
  const own = accounts.provider.org;
  let resp = await pp.goto(`${base}/org/${own}`);
  check(resp.status() === 200, 'a provider opens its own page');
  resp = await pp.goto(`${base}/org/RF4`);
  check(resp.status() === 404, `another provider's page is refused (${resp.status()})`);
  check((await pp.textContent('h1')) === 'Page not found', 'refused as not found');
  await pctx.close();

  // --- accessibility of every main page, for each kind of user ---
  const actx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  const ap = await actx.newPage();
  await ap.goto(`${base}/`);
  await axeCheck(ap, 'public home');
  await ap.goto(`${base}/sign-in`);
  await axeCheck(ap, 'sign-in');
  await signIn(ap, 'regulator');
  {
    // bypassCSP is on here, so only the escaping stands between the name and a running script.
    let xssDialogs = 0;
    ap.on('dialog', async (d) => { xssDialogs++; await d.dismiss(); });
    await ap.goto(`${base}/providers?sort=code`);
    await ap.goto(`${base}/org/RZZ99`);
    check((await ap.textContent('h1')).includes('<script>window.__xss=3</script>'),
      'a hostile organisation name is shown as text');
    check(await ap.evaluate(() => window.__xss === undefined), 'no script from a name ran');
    check(await ap.locator('img[src="x"]').count() === 0, 'no element from a name was made');
    check(xssDialogs === 0, 'no dialog from a name');
  }
  for (const path of ['/', '/providers', '/providers?sort=name&dir=desc&page=2', '/org/RF4',
    '/org/XDEMOP', '/org/RF4/indicator/AE_4HR_BREACH_T1',
    '/org/RF4/indicator/AE_4HR_BREACH_T1?chart=pp', '/indicator/AE_4HR_BREACH_T1',
    '/mortality', '/mortality/XDEMOP', '/mortality/XDEMOP/group/4']) {
    await ap.goto(`${base}${path}`);
    await axeCheck(ap, path);
  }
  await ap.goto(`${base}/indicator/AE_4HR_BREACH_T1`);
  await ap.screenshot({ path: join(artefacts, 'funnel.png'), fullPage: false });
  // The demo's invented spells: the regulator sees every one of the 25 invented trusts.
  await ap.goto(`${base}/mortality`);
  check((await ap.textContent('main')).includes('25 of the 25 providers'),
    'the mortality funnel holds the demo\'s 25 invented trusts');
  check(await ap.locator('svg[role="img"]').count() >= 1, 'the mortality funnel is drawn');
  await ap.screenshot({ path: join(artefacts, 'mortality.png'), fullPage: false });
  await actx.close();
  const adctx = await browser.newContext({ bypassCSP: true });
  const adp = await adctx.newPage();
  await signIn(adp, 'admin');
  for (const path of ['/', '/admin/users', '/admin/organisations',
    '/admin/organisations?sort=kind&dir=desc&page=2', '/admin/relationships',
    '/admin/catalogue', '/imports']) {
    await adp.goto(`${base}${path}`);
    await axeCheck(adp, `admin ${path}`);
  }
  await adctx.close();
} catch (e) {
  failed++;
  console.error(`FAIL ${e.stack || e}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
