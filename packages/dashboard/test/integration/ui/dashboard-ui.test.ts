/**
 * The dashboard UI in a real browser (headless system Chromium through playwright-core), against the
 * fixture API server (test/fixtures/ui-server.ts) that serves the built UI from dist/web and canned
 * data: every page renders its data, the explorer posts and shows the response, live events update
 * pages, keyboard navigation works, and a 390px-wide phone viewport is usable.
 * Screenshots go to a temp dir (kept in $MINIDAPR_UI_SCREENSHOTS when that is set).
 * Needs `npm run build` first (turbo's test:integration depends on build).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, tempDir, waitFor, type TempDir } from '@minidapr/testkit';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { chromiumSkipReason, launchChromium } from '../../fixtures/chromium';
import { startUiFixtureServer, type UiFixtureServer } from '../../fixtures/ui-server';
import { EXPLORE_TRACE, TRACE_ERR, TRACE_OK } from '../../fixtures/ui-data';

const WEB_DIR = join(__dirname, '..', '..', '..', 'dist', 'web');
const skip = chromiumSkipReason();
const suite = skip ? describe.skip : describe;

jest.setTimeout(60000);

suite('dashboard UI (fixture API, headless Chromium)', () => {
  let tmp: TempDir;
  let shots: string;
  let fx: UiFixtureServer;
  let ctx: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  const goto = async (hash: string) => {
    await page.goto(`${fx.url}${hash}`);
    await page.getByTestId('connection-status').waitFor();
  };
  const count = (l: Locator, n: number, what: string) => waitFor(`${what} (${n})`, async () => (await l.count()) === n, { timeoutMs: 10000 });
  const text = (l: Locator, want: string | RegExp, what: string) =>
    waitFor(`${what} to show ${want}`, async () => {
      const t = (await l.count()) ? await l.first().innerText() : '';
      return typeof want === 'string' ? t.includes(want) : want.test(t);
    });
  /** Form controls with no accessible label (label element, aria-label or aria-labelledby). */
  const unlabelled = () =>
    page.evaluate<string[]>(
      `[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby')).map((el) => el.outerHTML.slice(0, 80))`,
    );
  const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  // Page-side expressions are strings: this file is type-checked with Node's libs, not the DOM's.
  const focusedTestId = () => page.evaluate<string>(`(document.activeElement && (document.activeElement.dataset.testid || document.activeElement.id)) || ''`);

  beforeAll(async () => {
    if (!existsSync(join(WEB_DIR, 'index.html'))) throw new Error(`the UI is not built (${WEB_DIR}/index.html missing): run npm run build in packages/dashboard first`);
    tmp = tempDir('minidapr-ui-');
    shots = process.env.MINIDAPR_UI_SCREENSHOTS || join(tmp.path, 'screenshots');
    mkdirSync(shots, { recursive: true });
    fx = await startUiFixtureServer({ webDir: WEB_DIR, port: await freePort() });
    ctx = await launchChromium(join(tmp.path, 'profile'));
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.setDefaultTimeout(10000);
  });

  afterAll(async () => {
    await ctx?.close();
    await fx?.close();
    process.stdout.write(`dashboard UI screenshots: ${shots}${process.env.MINIDAPR_UI_SCREENSHOTS ? '' : ' (removed; set MINIDAPR_UI_SCREENSHOTS to keep them)'}\n`);
    tmp?.remove();
  });

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it('lists the running apps and goes live over /api/events', async () => {
    await goto('');
    await count(page.getByTestId('app-row'), 2, 'app rows');
    await waitFor('live connection', async () => (await page.getByTestId('connection-status').getAttribute('data-state')) === 'open');
    const checkout = page.locator('[data-testid="app-row"][data-app-id="checkout"]');
    expect(await checkout.innerText()).toContain('node checkout.js');
    expect(await checkout.innerText()).toContain('HTTP 3500');
    expect(await checkout.getByTestId('health-badge').innerText()).toContain('healthy');
    expect(await page.locator('[data-app-id="order-processor"] [data-testid="health-badge"]').innerText()).toContain('unhealthy');
    expect(await page.getByRole('link', { name: 'Applications' }).getAttribute('aria-current')).toBe('page');
    await shot('apps');
  });

  it("shows an app's metadata: components, subscriptions, endpoints, features", async () => {
    await goto('#/apps');
    await page.getByRole('link', { name: 'checkout', exact: true }).click();
    await page.getByTestId('metadata-components').waitFor();
    expect(page.url()).toMatch(/#\/apps\/checkout$/);
    expect(await page.getByTestId('metadata-components').innerText()).toMatch(/statestore\s+state\.redis/);
    expect(await page.getByTestId('metadata-endpoints').innerText()).toContain('payments-api');
    expect(await page.getByTestId('metadata-features').innerText()).toContain('ServiceInvocationStreaming');
    expect(await page.getByTestId('tab-overview').getAttribute('aria-current')).toBe('page');
    await shot('app-overview');
    await goto('#/apps/order-processor');
    await text(page.getByTestId('metadata-subscriptions'), 'orders', 'subscriptions');
  });

  it('streams logs and filters them by source', async () => {
    await goto('#/apps/checkout/logs');
    await text(page.getByTestId('log-lines'), 'Order passed: {"orderId":2}', 'log lines');
    await waitFor('log stream open', async () => (await page.getByTestId('log-stream-status').getAttribute('data-state')) === 'open');
    fx.pushLog('checkout', { source: 'app', text: 'Order passed: {"orderId":42}' });
    await text(page.getByTestId('log-lines'), '{"orderId":42}', 'streamed log line');
    await shot('app-logs');
    await page.getByLabel('Source').selectOption('sidecar');
    await waitFor('only sidecar lines', async () => {
      const sources = await page.locator('[data-testid="log-lines"] [data-source]').evaluateAll((els) => els.map((e) => e.getAttribute('data-source')));
      return sources.length === 1 && sources[0] === 'sidecar';
    });
    expect(await page.getByTestId('log-autoscroll').isChecked()).toBe(true);
    await page.getByLabel('Auto-scroll').uncheck();
    expect(await page.getByTestId('log-autoscroll').isChecked()).toBe(false);
  });

  it('explorer: invokes through the sidecar, shows the response and links the trace', async () => {
    await goto('#/apps/checkout/explorer');
    await page.getByLabel('Verb').selectOption('POST');
    await page.getByLabel('Target app').fill('order-processor');
    await page.getByLabel('Method').fill('orders');
    await page.getByLabel(/^Headers/).fill('x-test: 1');
    await page.getByLabel(/^Body/).fill('{"orderId":7}');
    await page.getByRole('button', { name: 'Send' }).click();
    await text(page.getByTestId('status-badge'), '200', 'response status');
    expect(fx.explores.at(-1)).toEqual({ appId: 'checkout', body: { kind: 'invoke', targetAppId: 'order-processor', verb: 'POST', method: 'orders', headers: { 'x-test': '1' }, body: '{"orderId":7}' } });
    expect(await page.getByTestId('explore-latency').innerText()).toBe('7.50ms');
    expect(await page.getByTestId('explore-headers-out').innerText()).toMatch(/x-fixture\s+yes/);
    expect(await page.getByTestId('explore-body-out').innerText()).toContain('"method": "orders"');
    expect(await unlabelled()).toEqual([]);
    await shot('app-explorer');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('app-explorer-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    for (const kind of ['Publish', 'Get state']) {
      await page.getByLabel(kind, { exact: true }).check();
      expect(await unlabelled()).toEqual([]);
    }
    await page.getByLabel('Publish', { exact: true }).check();
    await page.getByLabel('Topic').fill('orders');
    await page.getByLabel('Data').fill('{"orderId":8}');
    await page.getByRole('button', { name: 'Send' }).click();
    await waitFor('publish recorded', () => fx.explores.at(-1)?.body.kind === 'publish');
    expect(fx.explores.at(-1)?.body).toEqual({ kind: 'publish', pubsub: 'orderpubsub', topic: 'orders', data: '{"orderId":8}', contentType: 'application/json' });

    await page.getByLabel('Save state').check();
    await page.getByLabel('Key').fill('order-7');
    await page.getByLabel('Value (JSON)').fill('{"orderId":7}');
    await page.getByRole('button', { name: 'Send' }).click();
    await text(page.getByTestId('status-badge'), '204', 'state save status');
    expect(fx.explores.at(-1)?.body).toEqual({ kind: 'state-save', store: 'statestore', key: 'order-7', value: '{"orderId":7}' });

    await page.getByLabel('Save state').check();
    await page.getByLabel('Value (JSON)').fill('not json');
    await page.getByRole('button', { name: 'Send' }).click();
    await text(page.getByTestId('error'), 'Value must be JSON', 'validation error');

    // The collector has not received the spans yet: the trace page says so and retries.
    const explored = fx.data.traces[EXPLORE_TRACE]!;
    delete fx.data.traces[EXPLORE_TRACE];
    await page.getByTestId('explore-trace-link').click();
    await text(page.getByTestId('error'), 'retrying', 'trace not there yet');
    fx.data.traces[EXPLORE_TRACE] = explored;
    await count(page.getByTestId('span-row'), 2, 'spans of the explored trace');
    expect(page.url()).toContain(`#/traces/${EXPLORE_TRACE}`);
  });

  it('trace waterfall nests spans and shows a span\'s tags and errors', async () => {
    await goto(`#/traces/${TRACE_OK}`);
    await count(page.getByTestId('span-row'), 3, 'spans');
    const depths = await page.getByTestId('span-row').evaluateAll((els) => els.map((e) => [e.getAttribute('data-service'), e.getAttribute('data-depth')]));
    expect(depths).toEqual([['checkout', '0'], ['order-processor', '1'], ['order-processor', '2']]);
    await page.getByTestId('span-row').nth(2).click();
    await text(page.getByTestId('span-tags'), 'statestore', 'span tags');
    expect(await page.getByTestId('span-row').nth(2).getAttribute('aria-pressed')).toBe('true');
    await shot('trace');
    await goto(`#/traces/${TRACE_ERR}`);
    await page.locator('[data-testid="span-row"][data-span-id="b000000000000002"]').click();
    await text(page.getByTestId('span-error'), 'app returned 500', 'span error');
    expect(await page.getByTestId('span-annotations').innerText()).toContain('delivery attempt 1');
    await goto('#/traces/ffffffffffffffffffffffffffffffff');
    await text(page.getByTestId('error'), 'No trace', 'unknown trace message');
  });

  it('traces list filters by status and links each trace', async () => {
    await goto('#/traces');
    await count(page.getByTestId('trace-row'), 2, 'trace rows');
    expect(await unlabelled()).toEqual([]);
    await page.getByLabel('Status').selectOption('error');
    await page.getByRole('button', { name: 'Apply' }).click();
    await count(page.getByTestId('trace-row'), 1, 'error traces');
    expect(page.url()).toContain('status=error');
    expect(fx.requests.some((r) => r.startsWith('/api/traces?') && r.includes('status=error'))).toBe(true);
    expect(await page.getByTestId('trace-errors').innerText()).toContain('1 error');
    await page.getByTestId('filter-clear').click();
    await count(page.getByTestId('trace-row'), 2, 'all traces again');
    await page.getByLabel('Min duration (ms)').fill('20');
    await page.getByRole('button', { name: 'Apply' }).click();
    await count(page.getByTestId('trace-row'), 1, 'traces of at least 20 ms');
    await shot('traces');
    await page.getByTestId('trace-link').first().click();
    await page.getByTestId('waterfall').waitFor();
  });

  it('components and configurations show YAML and who loaded them; errors are shown', async () => {
    await goto('#/components');
    await count(page.getByTestId('resource'), 2, 'components');
    const store = page.locator('[data-testid="resource"][data-name="statestore"]');
    expect(await store.getByTestId('resource-loaded-by').innerText()).toBe('checkout, order-processor');
    expect(await store.getByTestId('resource-yaml').isVisible()).toBe(false);
    await store.getByTestId('resource-yaml-toggle').click();
    expect(await store.getByTestId('resource-yaml').innerText()).toContain('type: state.redis');
    await shot('components');
    await goto('#/configurations');
    await count(page.getByTestId('resource'), 1, 'configurations');
    expect(await page.getByTestId('resource').innerText()).toContain('daprConfig');
    fx.fail.set('/api/configurations', 500);
    try {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await text(page.getByTestId('error'), '500: fixture failure', 'error message');
    } finally {
      fx.fail.clear();
    }
  });

  it('service graph draws nodes and edges and follows live updates', async () => {
    await goto('#/graph');
    await count(page.getByTestId('graph-node'), 4, 'graph nodes');
    await count(page.getByTestId('graph-edge'), 4, 'graph edges');
    const invoke = page.locator('[data-testid="graph-edge"][data-source="app:checkout"][data-target="app:order-processor"]');
    expect(await invoke.textContent()).toContain('12 · 2.4/min');
    expect(await page.getByTestId('graph-edge-row').nth(2).innerText()).toMatch(/orders/);
    await shot('graph');
    fx.pushEvent('graph', {
      nodes: [...fx.data.graph.nodes, { id: 'binding:cron', kind: 'binding', label: 'cron' }],
      edges: [...fx.data.graph.edges, { id: 'e5', source: 'binding:cron', target: 'app:checkout', kind: 'binding', count: 3, errors: 0, ratePerMin: 0.6 }],
    });
    await count(page.getByTestId('graph-node'), 5, 'graph nodes after a live update');
    expect(await page.locator('[data-testid="graph-node"][data-kind="binding"]').textContent()).toContain('cron');
  });

  it('metrics draws rate, latency and error charts per app', async () => {
    await goto('#/metrics');
    await count(page.getByTestId('metrics-app'), 2, 'apps with metrics');
    await count(page.locator('[data-testid="metrics-app"][data-app-id="checkout"] figure'), 4, 'charts');
    expect(await page.locator('[data-app-id="checkout"] [data-testid="chart-rps"] path').getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){19}$/);
    await shot('metrics');
  });

  it('shows an empty state when no app runs', async () => {
    await goto('#/apps');
    await count(page.getByTestId('app-row'), 2, 'apps');
    const apps = fx.data.apps;
    fx.pushEvent('apps', []);
    try {
      await text(page.getByTestId('apps-empty'), 'No apps running — start one with minidapr run', 'empty state');
    } finally {
      fx.pushEvent('apps', apps);
    }
    await count(page.getByTestId('app-row'), 2, 'apps back');
    fx.fail.set('/api/apps', 503);
    try {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await text(page.getByTestId('error'), '503: fixture failure for /api/apps', 'refresh error');
    } finally {
      fx.fail.clear();
    }
    await page.getByRole('button', { name: 'Retry' }).click();
    await count(page.getByTestId('error'), 0, 'errors after a good retry');
    await count(page.getByTestId('app-row'), 2, 'apps after retry');
  });

  it('is usable from the keyboard: skip link, nav, span rows', async () => {
    await goto('#/apps');
    await page.reload(); // a fresh document: focus starts at the top
    await count(page.getByTestId('app-row'), 2, 'apps');
    await page.keyboard.press('Tab');
    expect(await focusedTestId()).toBe('skip-link');
    await page.keyboard.press('Enter');
    expect(await focusedTestId()).toBe('main');
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    let reached = '';
    for (let i = 0; i < 12 && reached !== 'nav-traces'; i++) {
      await page.keyboard.press('Tab');
      reached = await focusedTestId();
    }
    expect(reached).toBe('nav-traces');
    const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).not.toBe('none');
    await page.keyboard.press('Enter');
    await waitFor('traces page', () => page.url().endsWith('#/traces'));
    await waitFor('focus on the page heading', async () => (await focusedTestId()) === 'page-title');
    await count(page.getByTestId('trace-row'), 2, 'trace rows');
    await page.getByTestId('trace-link').nth(1).focus();
    await page.keyboard.press('Enter');
    await count(page.getByTestId('span-row'), 3, 'spans');
    await page.getByTestId('span-row').first().focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('span-detail').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await waitFor('second span selected with Space', async () => (await page.getByTestId('span-detail').getAttribute('data-span-id')) === 'a000000000000002');
  });

  it('is usable at phone width (390px): the nav collapses and nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      const noSideScroll = async (where: string) => {
        const [scroll, client] = await page.evaluate<[number, number]>('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
        if (scroll > client + 1) throw new Error(`${where}: the page scrolls sideways (${scroll} > ${client})`);
      };
      await goto('#/apps');
      await count(page.getByTestId('app-row'), 2, 'apps');
      // The header fits whatever the connection state says (the longest is "Disconnected — retrying").
      for (const text of ['Disconnected — retrying', 'Connecting…']) {
        await page.getByTestId('connection-status').evaluate((el, t) => (el.lastChild!.textContent = t), text);
        await noSideScroll(`apps, header saying ${text}`);
      }
      await page.reload();
      await count(page.getByTestId('app-row'), 2, 'apps');
      expect(await page.getByTestId('nav-components').isVisible()).toBe(false);
      expect(await page.getByTestId('nav-toggle').getAttribute('aria-expanded')).toBe('false');
      await noSideScroll('apps');
      await shot('phone-apps');
      await page.getByRole('button', { name: 'Menu' }).click();
      expect(await page.getByTestId('nav-toggle').getAttribute('aria-expanded')).toBe('true');
      await page.keyboard.press('Escape');
      await waitFor('Escape closes the menu', async () => !(await page.getByTestId('nav-components').isVisible()));
      expect(await focusedTestId()).toBe('nav-toggle');
      await page.keyboard.press('Enter');
      expect(await page.getByTestId('nav-toggle').getAttribute('aria-expanded')).toBe('true');
      await page.getByTestId('nav-components').click();
      await count(page.getByTestId('resource'), 2, 'components');
      expect(await page.getByTestId('nav-components').isVisible()).toBe(false);
      await noSideScroll('components');
      for (const [hash, ready] of [
        [`#/traces/${TRACE_OK}`, 'span-row'],
        ['#/traces', 'trace-row'],
        ['#/apps/checkout/explorer', 'explore-send'],
        ['#/graph', 'graph-node'],
        ['#/metrics', 'metrics-app'],
      ] as const) {
        await goto(hash);
        await page.getByTestId(ready).first().waitFor();
        await noSideScroll(hash);
        await shot(`phone-${hash.startsWith('#/traces/') ? 'trace' : hash.replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}`);
      }
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
