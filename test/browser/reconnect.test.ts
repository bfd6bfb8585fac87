/**
 * Screens resume (issue 7, item 4), in headless Chromium against the REAL server on a SQLite
 * STATE_DIR: the kiosk of station 1 shows a crash sent through the API and its estimate, the
 * server stops, the kiosk says loudly that it is reconnecting while it keeps the last view
 * dimmed with every button off (a press is refused on screen), the station picker says so too;
 * the server starts again on the same port and STATE_DIR and both screens come back by
 * themselves, without a reload. Then the kiosk — and a freshly loaded page on the station URL —
 * show the session as it was before the restart (this part needs the stations restored from
 * SQLite on start-up). Screenshots go to /tmp/shots-reconnect/*.png.
 * Run with `npm run test:browser` (builds the UI first).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startServer, type RunningServer } from '../../adapters/http/server.js';

const SHOTS = '/tmp/shots-reconnect';
const VIEWPORT = { width: 1920, height: 1080 };

let stateDir: string;
let port: number;
let server: RunningServer | null = null;
let browser: Browser;
let context: BrowserContext;
let kiosk: Page;
let picker: Page;
/** What the kiosk showed before the server went away. */
let before: { session: string; step: string; grandTotal: string };
const problems: string[] = [];
/** While the server is away, failed socket handshakes and refreshes are expected. */
let serverAway = false;

/** A TCP port nobody listens on now (the server is started on it twice). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const address = probe.address();
  await new Promise<void>((ok) => probe.close(() => ok()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const start = () =>
  startServer({ PORT: port, HOST: '127.0.0.1', STATIONS: 1, STATE_DIR: stateDir });
const url = (path: string) => `http://127.0.0.1:${port}${path}`;

/** A new page that reports console errors, page errors and failed requests as problems. */
async function openPage(path: string, label: string): Promise<Page> {
  const page = await context.newPage();
  const expected = (text: string) =>
    serverAway && /WebSocket connection|ERR_CONNECTION_REFUSED|ERR_CONNECTION_RESET/.test(text);
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !expected(msg.text()))
      problems.push(`${label}: console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${label}: page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? '';
    if (!page.isClosed() && !expected(reason))
      problems.push(`${label}: request failed: ${req.url()} ${reason}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${label}: HTTP ${res.status()} ${res.url()}`);
  });
  await page.goto(url(path));
  return page;
}

/** The kiosk's test hooks: `<station-kiosk data-step data-session data-connection>`. */
const hook = (page: Page, name: 'step' | 'session' | 'connection') =>
  page.locator('station-kiosk').getAttribute(`data-${name}`);

/** How the kiosk holds its view: dimmed (`main.offline`), the view inert and its buttons off. */
const heldView = (page: Page) =>
  page.evaluate(() => {
    const main = document.querySelector('station-kiosk')!.shadowRoot!.querySelector('main')!;
    const view = main.querySelector<HTMLElement & { offline?: boolean }>(
      'landing-view, damage-view, estimate-view, dealer-view, confirmation-view',
    );
    return {
      view: view?.localName ?? null,
      dimmed: main.classList.contains('offline'),
      inert: view?.hasAttribute('inert') ?? false,
      offline: view?.offline ?? false,
    };
  });

/** Waits until the kiosk's step starts with `prefix` and the link is live. */
async function waitForStep(page: Page, prefix: string, timeout = 20_000) {
  await page.waitForFunction(
    (p) => {
      const kiosk = document.querySelector('station-kiosk');
      return kiosk?.dataset.connection === 'open' && (kiosk.dataset.step ?? '').startsWith(p);
    },
    prefix,
    { timeout },
  );
}

/** Waits until `<tag data-connection>` is `state`. */
async function waitForConnection(page: Page, tag: string, state: string, timeout: number) {
  await page.waitForFunction(
    ([t, s]) => document.querySelector(t!)?.getAttribute('data-connection') === s,
    [tag, state] as const,
    { timeout },
  );
}

async function shot(page: Page, name: string) {
  await page.evaluate(() => document.fonts.ready);
  // Let transitions and the overlay's fade-in finish, so the picture is what a person sees.
  await page.evaluate(async () => {
    const roots: (Document | ShadowRoot)[] = [document];
    const animations: Animation[] = [];
    while (roots.length) {
      const root = roots.pop()!;
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) roots.push(el.shadowRoot);
        for (const a of el.getAnimations())
          if (a.effect?.getTiming().iterations !== Infinity) animations.push(a);
      }
    }
    await Promise.all(animations.map((a) => a.finished.catch(() => undefined)));
  });
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stateDir = mkdtempSync(join(tmpdir(), 'c2r-reconnect-'));
  port = await freePort();
  server = await start();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: VIEWPORT });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('screens resume after a server restart', () => {
  it('the kiosk shows a crash sent through the API, then its estimate', async () => {
    kiosk = await openPage('/station/1', 'kiosk');
    picker = await openPage('/', 'picker');
    await waitForStep(kiosk, 'Waiting');
    const telemetry = server!.runtime.samples.find((s) => s.id === 'tcross-front')!.telemetry;
    const res = await fetch(url('/api/damage/analyze'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'reconnect-crash' },
      body: JSON.stringify({ station_id: '1', telemetry }),
    });
    expect(res.status, await res.text()).toBe(201);
    await waitForStep(kiosk, 'Estimated.reviewingDamage');
    await expect.poll(() => kiosk.locator('damage-view h1').innerText()).toBe('Resumo dos danos');
    await kiosk.locator('damage-view [data-testid="continue"]').click();
    await waitForStep(kiosk, 'Estimated.reviewingEstimate');
    const grand = kiosk.locator('estimate-view [data-testid="grand-total"]');
    await expect.poll(() => grand.innerText()).toMatch(/R\$\s?[\d.]+,\d{2}/);
    before = {
      session: (await hook(kiosk, 'session')) ?? '',
      step: (await hook(kiosk, 'step')) ?? '',
      grandTotal: await grand.innerText(),
    };
    expect(before.session).not.toBe('');
    // The id on the test hook is the one the footer shows and the API reports.
    expect(
      await kiosk.evaluate(
        () =>
          document.querySelector('station-kiosk')!.shadowRoot!.querySelector('footer')!.innerText,
      ),
    ).toContain(before.session);
    const station = (await (await fetch(url('/api/stations/1'))).json()) as {
      session: { session_id: string };
    };
    expect(station.session.session_id).toBe(before.session);
    await expect
      .poll(() => picker.locator('station-picker [data-testid="station-link"]').count())
      .toBe(1);
    await waitForConnection(picker, 'station-picker', 'open', 10_000);
    await shot(kiosk, '01-before');
  });

  it('with the server gone the kiosk says it is reconnecting, keeps the last view and takes no presses', async () => {
    serverAway = true;
    await server!.close();
    server = null;
    await waitForConnection(kiosk, 'station-kiosk', 'reconnecting', 5_000);

    // Loud, not a badge: a card over the whole view, and the header badge.
    const card = kiosk.locator('connection-overlay [data-testid="connection-lost"]');
    await expect.poll(() => card.isVisible(), { timeout: 5_000 }).toBe(true);
    expect(await card.locator('h1').innerText()).toBe('Sem conexão com o servidor');
    await expect
      .poll(() => card.locator('[data-testid="connection-status"]').innerText(), {
        timeout: 10_000,
      })
      .toMatch(/^Reconectando… (próxima tentativa em \d+ s|tentando agora)$/);
    expect(
      await kiosk.locator('step-header [data-connection]').getAttribute('data-connection'),
    ).toBe('reconnecting');

    // The last state stays on screen, as it was, with every button off.
    expect(await hook(kiosk, 'step')).toBe(before.step);
    expect(await hook(kiosk, 'session')).toBe(before.session);
    expect(await kiosk.locator('estimate-view [data-testid="grand-total"]').innerText()).toBe(
      before.grandTotal,
    );
    expect(await heldView(kiosk)).toEqual({
      view: 'estimate-view',
      dimmed: true,
      inert: true,
      offline: true,
    });
    const buttons = kiosk.locator(
      'estimate-view button, step-header .lang button, station-kiosk footer button',
    );
    expect(await buttons.count()).toBeGreaterThanOrEqual(4);
    expect(
      await buttons.evaluateAll((all) => all.map((b) => (b as HTMLButtonElement).disabled)),
    ).toEqual(Array.from({ length: await buttons.count() }, () => true));

    // A command that still gets through (here dispatched by hand) is refused on screen.
    await kiosk.evaluate(() =>
      document
        .querySelector('station-kiosk')!
        .dispatchEvent(new CustomEvent('kiosk-command', { detail: { type: 'CONTINUE' } })),
    );
    await expect
      .poll(() => kiosk.locator('station-kiosk [data-testid="not-sent"]').innerText())
      .toBe('Sem conexão: o comando não foi enviado');
    await shot(kiosk, '02-reconnecting');

    // The station picker says so too, and its stale links do not open a dead page.
    await waitForConnection(picker, 'station-picker', 'reconnecting', 10_000);
    await expect
      .poll(() => picker.locator('station-picker [data-testid="picker-offline"]').isVisible())
      .toBe(true);
    expect(
      await picker
        .locator('station-picker [data-testid="station-link"]')
        .first()
        .getAttribute('aria-disabled'),
    ).toBe('true');
    await shot(picker, '03-picker-reconnecting');
  });

  it('with the server back on the same port and STATE_DIR, both screens come back by themselves', async () => {
    const reloads: string[] = [];
    kiosk.on('framenavigated', (frame) => {
      if (frame === kiosk.mainFrame()) reloads.push(frame.url());
    });
    server = await start();
    expect(server.port).toBe(port);
    // The backoff is capped at 5 s (±20%): the kiosk finds the server well inside this.
    await waitForConnection(kiosk, 'station-kiosk', 'open', 20_000);
    expect(reloads).toEqual([]);
    expect(await kiosk.locator('connection-overlay').count()).toBe(0);
    expect(await kiosk.locator('step-header [data-testid="lang-en"]').isEnabled()).toBe(true);
    // The view on screen is the server's: whatever it sent, none of its buttons is held off.
    expect(await heldView(kiosk)).toMatchObject({ dimmed: false, inert: false, offline: false });
    const server_ = (await (await fetch(url('/api/stations/1'))).json()) as {
      session: { session_id: string; step: string };
    };
    expect(await hook(kiosk, 'session')).toBe(server_.session.session_id);
    expect(await hook(kiosk, 'step')).toBe(server_.session.step);
    await shot(kiosk, '04-back');

    await waitForConnection(picker, 'station-picker', 'open', 10_000);
    // Both screens are back: from here on a failed request is a problem again.
    serverAway = false;
    expect(await picker.locator('station-picker [data-testid="picker-offline"]').count()).toBe(0);
    expect(
      await picker
        .locator('station-picker [data-testid="station-link"]')
        .first()
        .getAttribute('aria-disabled'),
    ).toBe('false');
  });

  // Needs the stations restored from SQLite on start-up (issue 7): until then a restart starts
  // every station afresh, and these two fail.
  it('the kiosk shows the same session as before the restart', async () => {
    await expect.poll(() => hook(kiosk, 'session'), { timeout: 5_000 }).toBe(before.session);
    expect(await hook(kiosk, 'step')).toBe(before.step);
    expect(await kiosk.locator('estimate-view [data-testid="grand-total"]').innerText()).toBe(
      before.grandTotal,
    );
  });

  it('a fresh page load on the station URL shows that state', async () => {
    const fresh = await openPage('/station/1', 'fresh kiosk');
    await waitForConnection(fresh, 'station-kiosk', 'open', 20_000);
    await shot(fresh, '05-fresh-load');
    expect(await hook(fresh, 'session')).toBe(before.session);
    expect(await hook(fresh, 'step')).toBe(before.step);
    expect(await fresh.locator('estimate-view [data-testid="grand-total"]').innerText()).toBe(
      before.grandTotal,
    );
    await fresh.close();
  });

  it('logged no console errors, page errors or failed requests beyond the outage', async () => {
    await kiosk.close();
    await picker.close();
    expect(problems).toEqual([]);
  });
});
