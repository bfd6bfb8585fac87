/**
 * The staff console in headless Chromium against the REAL server (port 0, three stations with
 * simulated rigs, STAFF_TOKEN set, a SQLite STATE_DIR): the one-click URL signs the browser in
 * and lands on /staff, every station's card shows; station 1 driven through the API changes on
 * its card live; its inspector link opens /staff/sessions/{id}; back on the floor, Reset (with
 * its confirmation) brings station 1 back to Waiting with a new session, and the audit panel
 * lists the reset with the operator's name. Then a floor of six stations in different states —
 * stuck ones (STUCK_AFTER_S=3) and a simulator at a closed port — is photographed at 1920×1080
 * and 1366×768 into /tmp/shots-staff/. Any console error, page error, failed request or HTTP
 * error fails the run. Run with `npm run test:browser` (builds the UI first).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startServer, type RunningServer } from '../../adapters/http/server.js';
import { floorDriver, toSlots, type FloorDriver } from './fixtures/staff-floor.js';

const SHOTS = '/tmp/shots-staff';
const TOKEN = 'staff-browser-test-token-0123456789';
const OPERATOR = 'Teste Ana';

let browser: Browser;
const problems: string[] = [];

/** A new page that reports console errors, page errors, failed requests and HTTP errors. */
async function openPage(
  context: BrowserContext,
  url: string,
  label: string,
  expectedStatus: (status: number, url: string) => boolean = () => false,
): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${label}: console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${label}: page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    const reason = req.failure()?.errorText ?? '';
    // A fetch still in flight when the test navigates away (back from the inspector) is
    // aborted by the browser: that is the page leaving, not a failure.
    if (page.isClosed() || reason === 'net::ERR_ABORTED') return;
    problems.push(`${label}: request failed: ${req.url()} ${reason}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && !expectedStatus(res.status(), res.url()))
      problems.push(`${label}: HTTP ${res.status()} ${res.url()}`);
  });
  await page.goto(url);
  return page;
}

/** Waits until the floor view's socket is live (its first floor message arrived). */
async function waitForFloor(page: Page, timeout = 15_000) {
  await page.waitForFunction(
    () => document.querySelector('staff-floor')?.dataset.connection === 'open',
    undefined,
    { timeout },
  );
}

const card = (page: Page, station: string) =>
  page.locator(
    `staff-floor staff-station-card [data-testid="station-card"][data-station="${station}"]`,
  );

async function shot(page: Page, name: string) {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** A TCP port nobody listens on (a simulator that is not there). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const address = probe.address();
  await new Promise<void>((ok) => probe.close(() => ok()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('staff console on the real server', () => {
  let server: RunningServer;
  let stateDir: string;
  let context: BrowserContext;
  let floor: Page;
  let driver: FloorDriver;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'c2r-staff-'));
    server = await startServer({
      PORT: 0,
      HOST: '127.0.0.1',
      STATIONS: 3,
      STATE_DIR: stateDir,
      STAFF_TOKEN: TOKEN,
    });
    driver = floorDriver(server.url, TOKEN, server.runtime.samples);
    context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('the one-click URL signs in and lands on /staff with every station card', async () => {
    floor = await openPage(context, `${server.url}/staff?token=${TOKEN}`, 'floor');
    // The token leaves the address bar at once.
    expect(floor.url()).toBe(`${server.url}/staff`);
    await waitForFloor(floor);
    const cards = floor.locator('staff-floor [data-testid="station-card"]');
    await expect.poll(() => cards.count()).toBe(3);
    expect(
      await cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-station'))),
    ).toEqual(['1', '2', '3']);
    for (const el of await cards.all()) {
      expect(await el.getAttribute('data-state')).toBe('Waiting');
      expect(await el.locator('[data-testid="card-state"]').innerText()).toBe('Aguardando');
    }
    // The simulated rigs connect; no station is stuck yet.
    await expect.poll(() => card(floor, '2').getAttribute('data-rig')).toBe('ok');
    expect(await card(floor, '1').getAttribute('data-stuck')).toBe('none');
    await floor.locator('staff-floor [data-testid="operator"]').fill(OPERATOR);
    await shot(floor, 'real-01-floor');
  });

  it('a station driven through the API changes on its card live', async () => {
    const before = await card(floor, '1').getAttribute('data-session');
    await driver.crash('1');
    await expect.poll(() => card(floor, '1').getAttribute('data-state')).toBe('Estimated');
    expect(await card(floor, '1').getAttribute('data-session')).toBe(before);
    expect(await card(floor, '1').locator('[data-testid="card-state"]').innerText()).toBe(
      'Orçamento',
    );
    await expect
      .poll(() => card(floor, '1').locator('[data-testid="estimate-total"]').innerText())
      .toMatch(/R\$\s?[\d.]+,\d{2}/);
    expect(await card(floor, '1').locator('[data-testid="severity"]').innerText()).toMatch(/%/);
    // The others stayed put.
    expect(await card(floor, '2').getAttribute('data-state')).toBe('Waiting');
    await shot(floor, 'real-02-station-1-estimated');
  });

  it("the card's inspector link opens the session's inspector, and back", async () => {
    const session = (await card(floor, '1').getAttribute('data-session'))!;
    await card(floor, '1').locator('[data-testid="inspect"]').click();
    await floor.waitForURL(`${server.url}/staff/sessions/${encodeURIComponent(session)}`);
    const inspector = floor.locator('staff-inspector');
    await expect.poll(() => inspector.count()).toBe(1);
    expect(await inspector.getAttribute('session-id')).toBe(session);
    await floor.goBack();
    await floor.waitForURL(`${server.url}/staff`);
    await waitForFloor(floor);
    await expect.poll(() => card(floor, '1').getAttribute('data-state')).toBe('Estimated');
  });

  it('Reset asks first, then brings the station back to Waiting with a new session, audited', async () => {
    const before = (await card(floor, '1').getAttribute('data-session'))!;
    await card(floor, '1').locator('[data-testid="reset"]').click();
    // Nothing happens until it is confirmed.
    const confirm = card(floor, '1').locator('[data-testid="confirm-reset"]');
    await expect.poll(() => confirm.isVisible()).toBe(true);
    expect(await card(floor, '1').getAttribute('data-session')).toBe(before);
    await shot(floor, 'real-03-reset-confirm');
    await confirm.click();
    await expect.poll(() => card(floor, '1').getAttribute('data-state')).toBe('Waiting');
    const after = await card(floor, '1').getAttribute('data-session');
    expect(after).not.toBe(before);
    expect(await card(floor, '1').getAttribute('data-step')).toBe('Waiting.driving');
    // The audit panel lists the reset, newest first, with who did it and on which session.
    const entry = floor.locator('staff-audit-panel [data-testid="audit-entry"]').first();
    await expect.poll(() => entry.getAttribute('data-action'), { timeout: 10_000 }).toBe('reset');
    expect(await entry.getAttribute('data-station')).toBe('1');
    expect(await entry.getAttribute('data-session')).toBe(before);
    expect(await entry.getAttribute('data-result')).toBe('ok');
    expect(await entry.innerText()).toContain(OPERATOR);
    await shot(floor, 'real-04-after-reset');
  });

  it('saw no console errors, page errors, failed requests or HTTP errors', () => {
    expect(problems).toEqual([]);
  });
});

describe('staff floor screenshots: stations in every kind of state', () => {
  let server: RunningServer;
  let driver: FloorDriver;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    problems.length = 0;
    const dead = await closedPort();
    server = await startServer({
      PORT: 0,
      HOST: '127.0.0.1',
      STATIONS: 6,
      STAFF_TOKEN: TOKEN,
      STUCK_AFTER_S: 3,
      // Station 5's simulator is at a port nobody listens on: its link keeps failing.
      BEAMNG_ADDRS: `,,,,127.0.0.1:${dead},`,
      BEAMNG_BACKOFF_MAX_MS: 1000,
    });
    driver = floorDriver(server.url, TOKEN, server.runtime.samples);
    // Station 2 waits longest (red, past twice the limit), 3 and 4 a little less (amber),
    // 3 with a booking conflict's error, 4 booked, 6 fresh, 1 driving, 5's simulator down.
    await driver.crash('2');
    await driver.waitStep('2', 'Estimated.reviewingDamage');
    await driver.command('2', { type: 'CONTINUE' }, 'Bruno');
    await sleep(3_300);
    const four = await toSlots(driver, '4', 'Ana');
    await driver.command('4', { type: 'SLOT_CHOSEN', slot_start: four.slots[0]!.start }, 'Ana');
    await driver.waitStep('4', 'Booked.confirmationShown');
    const three = await toSlots(driver, '3', 'Carla');
    const taken = three.slots[0]!.start;
    // Someone else books station 3's slot first (a booking without a session).
    const booked = await fetch(`${server.url}/api/appointments/book`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        estimate_id: three.estimate_id,
        dealer_id: three.dealer_id,
        slot_start: taken,
      }),
    });
    expect(booked.status).toBe(201);
    await driver.command('3', { type: 'SLOT_CHOSEN', slot_start: taken }, 'Carla');
    await driver.waitStep('3', 'DealerChosen.bookingConflict');
    await sleep(3_500);
    await driver.crash('6', 'golf-rear');
  });

  afterAll(async () => {
    await server?.close();
  });

  for (const [width, height] of [
    [1920, 1080],
    [1366, 768],
  ] as const) {
    it(`shows stuck stations and the dropped simulator at ${width}×${height}`, async () => {
      const context = await browser.newContext({ viewport: { width, height } });
      try {
        const page = await openPage(context, `${server.url}/staff?token=${TOKEN}`, `${width}`);
        await waitForFloor(page);
        await expect.poll(() => card(page, '5').getAttribute('data-rig')).toBe('dropped');
        await expect.poll(() => card(page, '2').getAttribute('data-stuck')).toBe('overdue');
        expect(await card(page, '1').getAttribute('data-stuck')).toBe('none');
        expect(await card(page, '3').getAttribute('data-step')).toBe(
          'DealerChosen.bookingConflict',
        );
        expect(await card(page, '3').locator('[data-testid="card-error"]').innerText()).toContain(
          'slot_taken',
        );
        expect(await card(page, '5').locator('[data-testid="rig-dropped"]').innerText()).toMatch(
          /Simulador caiu/,
        );
        expect(await page.locator('staff-floor [data-testid="count-dropped"]').innerText()).toMatch(
          /1/,
        );
        await shot(page, `floor-${width}x${height}`);
      } finally {
        await context.close();
      }
    });
  }

  it('saw no console errors, page errors, failed requests or HTTP errors', () => {
    expect(problems).toEqual([]);
  });
});
