import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { HubFixture } from '../support/hub-fixture';
import { ROOT } from '../support/hub-process';
import { EVERYTHING_BIN } from '../support/mcp-servers';
import { PYTHON_BIN } from '../support/ml';
import { rawRequest } from '../support/raw-http';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
/** Where the tests leave a screenshot of each page (var/ is not committed; README's come from here). */
const SHOTS = join(ROOT, 'var', 'screenshots');

/** A section link in the header (pages have links of the same name, like "← Experiments"). */
const section = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name });

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('web console (Debian chromium driven by Playwright, real hub, server-everything, a Node training job)', () => {
  let fixture: HubFixture;
  let browser: Browser;
  let page: Page;
  let dataDir: string;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    dataDir = await mkdtemp(join(tmpdir(), 'hub-console-'));
    await copyFile(join(ROOT, 'data', 'sample.csv'), join(dataDir, 'iris.csv'));
    fixture = await HubFixture.start(
      'console',
      { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } },
      { env: { DATA_DIR: dataDir, ARTIFACTS_DIR: join(dataDir, 'artifacts'), PYTHON_BIN, TELEMETRY_ROLLUP_INTERVAL_MS: '1000' }, ready: ['everything'] },
    );
    expect((await fixture.api.send('POST', '/api/ml/datasets', { uri: `local://${join(dataDir, 'iris.csv')}`, name: 'iris' })).status).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is served at / with its client routes surviving a reload, same-origin only, within its script budget', async () => {
    const home = await fetch(fixture.hub.url('/'));
    expect(home.status).toBe(200);
    expect(home.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(home.headers.get('access-control-allow-origin')).toBeNull();
    const deep = await fetch(fixture.hub.url('/models/anything'));
    expect(deep.status).toBe(200);
    expect(await deep.text()).toBe(await home.text());
    // the API keeps its JSON 404s, in any case; a missing asset is not the page; nothing outside dist/web is served
    expect((await fetch(fixture.hub.url('/api/nope'))).status).toBe(404);
    const upper = await fetch(fixture.hub.url('/API/servers'));
    expect(upper.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await fetch(fixture.hub.url('/assets/nope.js'))).status).toBe(404);
    for (const path of ['/..%2fpackage.json', '/assets/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json']) {
      const probe = await rawRequest(fixture.hub.port, 'GET', path, { headers: { host: `127.0.0.1:${fixture.hub.port}` } });
      expect(probe.text).not.toContain('"name": "mcp-hub"');
    }
    // a foreign Host is refused here as on every route
    expect((await rawRequest(fixture.hub.port, 'GET', '/servers', { headers: { host: 'evil.example' } })).status).toBe(403);
    // the typed client is what the OpenAPI document gives
    await run(process.execPath, [join(ROOT, 'scripts', 'web-api.mjs'), '--check', fixture.hub.url('/api-docs-json')]);
  });

  it('shows the server connected, at desktop and phone widths, in light and dark', async () => {
    await page.goto(fixture.hub.url('/'));
    const card = page.getByRole('article', { name: 'Server everything' });
    await card.getByText('connected', { exact: true }).waitFor();
    await card.getByText('17 tools, 7 resources, 4 prompts').waitFor();
    expect(page.url()).toBe(fixture.hub.url('/servers'));
    await shoot(page, 'servers');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await card.getByText('connected', { exact: true }).waitFor();
    await shoot(page, 'servers-390');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(22, 24, 28)');
    await shoot(page, 'servers-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(255, 255, 255)');
  });

  it('is usable from the keyboard: a skip link first, sections reached with Tab and opened with Enter, focus on the new page', async () => {
    await page.goto(fixture.hub.url('/servers'));
    await page.getByRole('article', { name: 'Server everything' }).waitFor();
    const focused = () => page.evaluate('document.activeElement && document.activeElement.textContent');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    for (let i = 0; i < 10 && (await focused()) !== 'Tools'; i++) await page.keyboard.press('Tab');
    expect(await focused()).toBe('Tools');
    await page.keyboard.press('Enter');
    await page.waitForURL(fixture.hub.url('/tools'));
    expect(await page.evaluate('document.activeElement.id')).toBe('main');
    await section(page, 'Servers').click();
  });

  it('calls echo from the form its input schema gives and shows the result and latency', async () => {
    await section(page, 'Tools').click();
    await page.getByRole('link', { name: 'get-annotated-message' }).waitFor();
    await shoot(page, 'tools');
    await page.getByLabel('Search').fill('echo');
    expect(await page.getByRole('link', { name: 'get-annotated-message' }).count()).toBe(0);
    await page.getByRole('link', { name: 'echo', exact: true }).click();
    await page.getByLabel(/message/).fill('hello from the console');
    await page.getByRole('button', { name: 'Call tool' }).click();
    const result = page.getByRole('region', { name: 'Result' });
    await result.getByText('Echo: hello from the console').waitFor();
    expect(await result.locator('.latency').textContent()).toMatch(/^\d+\.\d ms$/);
    await shoot(page, 'tool');
  });

  it('submits a training job from the adapter catalog and follows its progress to 100%, then promotes the model and sees the history', async () => {
    await section(page, 'Training').click();
    const form = page.getByRole('form', { name: 'Submit a training job' });
    await form.getByLabel('Adapter').selectOption('node');
    await form.getByLabel('Algorithm').selectOption('random_forest');
    await form.getByLabel('Dataset').selectOption('iris');
    await form.getByLabel('Target').selectOption('species');
    await form.getByLabel(/n_estimators/).fill('25');
    await form.getByLabel('Register as model (optional)').fill('console-iris');
    await form.getByRole('button', { name: 'Submit job' }).click();
    const progress = page.getByRole('progressbar', { name: 'progress of node/random_forest' }).first();
    await page.locator('[role=progressbar][aria-valuenow="100"]').first().waitFor({ timeout: 60_000 });
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('succeeded', { exact: true }).first().waitFor();
    await shoot(page, 'training');
    await page.getByRole('link', { name: 'node/random_forest' }).click();
    await page.getByLabel('job log').filter({ hasText: /info/i }).waitFor();
    await shoot(page, 'job');
    await section(page, 'Training').click();

    await section(page, 'Models').click();
    await page.getByRole('link', { name: 'console-iris' }).click();
    await page.getByLabel('Reason for the next change (kept in the history)').fill('ship it from the console');
    await page.getByRole('button', { name: 'Move v1 to Production' }).click();
    const history = page.getByRole('table', { name: 'History' });
    await history.getByText('stage transition: None → Production').waitFor();
    await history.getByText('ship it from the console').waitFor();
    await page.getByRole('region', { name: 'Versions' }).getByText('Production', { exact: true }).waitFor();
    await shoot(page, 'model');
  }, 120_000);

  it("draws the telemetry chart from the rollups with the tool's calls", async () => {
    await section(page, 'Telemetry').click();
    await page.getByRole('img', { name: /^Calls per second: everything\/echo \d+ points/ }).waitFor({ timeout: 30_000 });
    await page.getByRole('table', { name: 'Tool latency' }).getByText('echo', { exact: true }).waitFor();
    await shoot(page, 'telemetry');
  }, 60_000);

  it('shows experiments, a run with its metric charts, and keys', async () => {
    await section(page, 'Experiments').click();
    await page.getByRole('link', { name: 'node/random_forest' }).first().click();
    await page.getByRole('img', { name: /^accuracy/ }).waitFor();
    await shoot(page, 'run');
    await section(page, 'Experiments').click();
    await page.getByRole('table').waitFor();
    await shoot(page, 'experiments');
    await section(page, 'Keys').click();
    await page.getByRole('button', { name: 'Create key' }).waitFor();
    await shoot(page, 'keys');
  });
});

describe('web console with AUTH_MODE=api-key', () => {
  let fixture: HubFixture;
  let browser: Browser;
  let readKey: string;

  beforeAll(async () => {
    fixture = await HubFixture.start('console-auth', { mcpServers: { everything: { command: process.execPath, args: [EVERYTHING_BIN] } } }, { env: { AUTH_MODE: 'api-key' } });
    const created = await run(process.execPath, [join(ROOT, 'dist/src/platform/auth/create-key.js'), '--name', 'console-admin', '--scopes', 'admin'], { env: { PATH: process.env.PATH, DATABASE_URL: fixture.databaseUrl } });
    const admin = created.stdout.trim();
    const reader = await fetch(fixture.hub.url('/api/keys'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': admin }, body: JSON.stringify({ name: 'viewer', scopes: ['read'] }) });
    readKey = ((await reader.json()) as { key: string }).key;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.stop();
  });

  it('asks for a key, shows what a read-only key may do, and shows the 403 when a disabled action is forced', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(fixture.hub.url('/servers'));
    await page.getByLabel('API key').fill('mcphub_wrong');
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByRole('alert').getByText(/401/).waitFor();
    await page.getByLabel('API key').fill(readKey);
    await page.getByRole('button', { name: 'Use this key' }).click();
    await page.getByText('key viewer · read').waitFor();
    const card = page.getByRole('article', { name: 'Server everything' });
    const restart = card.getByRole('button', { name: 'Restart' });
    await restart.waitFor();
    expect(await restart.isDisabled()).toBe(true);
    expect(await restart.getAttribute('title')).toBe('Needs an API key with the "admin" scope');
    await page.getByRole('note').getByText('The key “viewer” has read: actions that need “admin” or “mcp” are disabled.').waitFor();
    await section(page, 'Tools').click();
    await page.getByRole('link', { name: 'echo', exact: true }).click();
    expect(await page.getByRole('button', { name: 'Call tool' }).isDisabled()).toBe(true);
    await shoot(page, 'read-only-key');
    // the server still decides: forced onto an admin page, the key gets the API's 403 and its message
    await section(page, 'Keys').click();
    await page.getByRole('alert').getByText('403 INSUFFICIENT_SCOPE: This route needs the "admin" scope; the key "viewer" has read').waitFor();
    expect(await page.getByRole('button', { name: 'Create key' }).isDisabled()).toBe(true);
    // the key is in this tab's sessionStorage only: not in localStorage, not in the address
    expect(await page.evaluate('JSON.stringify(localStorage)')).toBe('{}');
    expect(page.url()).not.toContain(readKey);
    // forgetting it asks again
    await page.getByRole('button', { name: 'Forget key' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    // the key lives in this tab's session only
    const other = await browser.newPage();
    await other.goto(fixture.hub.url('/servers'));
    await other.getByLabel('API key').waitFor();
    await other.close();
    await page.close();
  });
});
