/**
 * The kiosk in headless Chromium against the REAL server (port 0, two stations, each linked to
 * a simulated rig): the picker's overview, the five views of one session at /station/1 (the
 * rig badge connected, simulate → the rig crashes → "crash detected" → Repair My Car → …; the
 * dealer cards' parts sentences, the base map from /api/map, the dealer's price and parts plan;
 * the invoice's documents, its QR code and "send by e-mail"), a second screen on the same
 * station showing the same view, station 2 staying put while station 1 moves, then staff's
 * manual damage entry on station 2. Any console error, page error or failed request fails the
 * run. Screenshots go to /tmp/shots/real-*.png.
 * Run with `npm run test:browser` (builds the UI first).
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startServer, type RunningServer } from '../../adapters/http/server.js';

const SHOTS = '/tmp/shots';
const VIEWPORT = { width: 1920, height: 1080 };

let server: RunningServer;
let browser: Browser;
let context: BrowserContext;
const problems: string[] = [];

/** A new page that reports console errors, page errors and failed requests as problems. */
async function openPage(path: string, label: string): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`${label}: console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`${label}: page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    // Sockets and polls cut short when a page closes at the end are not failures of the app.
    if (!page.isClosed())
      problems.push(`${label}: request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`${label}: HTTP ${res.status()} ${res.url()}`);
  });
  await page.goto(`${server.url}${path}`);
  return page;
}

/** The step the kiosk shows (the server's state path, mirrored on <station-kiosk data-step>). */
const stepOf = (page: Page) => page.locator('station-kiosk').getAttribute('data-step');

/** Waits until the kiosk's step starts with `prefix` (and the socket is open). */
async function waitForStep(page: Page, prefix: string, timeout = 15_000) {
  await page.waitForFunction(
    (p) => {
      const kiosk = document.querySelector('station-kiosk');
      return kiosk?.dataset.connection === 'open' && (kiosk.dataset.step ?? '').startsWith(p);
    },
    prefix,
    { timeout },
  );
}

async function shot(page: Page, name: string) {
  // Settled, as a person sees it a moment later. A page behind another tab draws no frames,
  // so its CSS transitions stand still: "Next driver", off while the invoice was issued,
  // stayed caught at the start of its 120 ms fade from grey to blue. In front, let them end
  // (document.getAnimations() lists those inside the elements' shadow roots too).
  await page.bringToFront();
  await page.evaluate(() => document.fonts.ready);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(null))));
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a instanceof CSSTransition)
        .map((a) => a.finished.catch(() => undefined)),
    ),
  );
  await page.screenshot({ path: `${SHOTS}/real-${name}.png` });
}

const STAFF_TOKEN = 'browser-test-staff-token-0123';

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startServer({ PORT: 0, HOST: '127.0.0.1', STATIONS: 2, STAFF_TOKEN });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: VIEWPORT });
  // The kiosk's staff area shows only to a browser holding the staff cookie: log this one in.
  const login = await context.newPage();
  await login.goto(`${server.url}/staff?token=${STAFF_TOKEN}`);
  await login.close();
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('kiosk on the real server', () => {
  it('the station picker lists both stations and links to them', async () => {
    const page = await openPage('/', 'picker');
    const links = page.locator('station-picker [data-testid="station-link"]');
    await expect.poll(() => links.count()).toBe(2);
    expect(await links.evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual([
      '/station/1',
      '/station/2',
    ]);
    await expect.poll(() => links.first().innerText()).toContain('Estação 1');
    // The staff's overview: each station's state in words and its simulator link.
    await expect
      .poll(() => links.first().locator('[data-testid="station-state"]').innerText())
      .toMatch(/Aguardando|Batida detectada/);
    await expect
      .poll(() => links.nth(1).locator('rig-badge [data-rig]').getAttribute('data-rig'))
      .toBe('connected');
    expect(await links.nth(1).locator('rig-badge [data-rig]').innerText()).toContain(
      'Simulador conectado',
    );
    await shot(page, '00-picker');
    await links.first().click();
    await page.waitForURL(`${server.url}/station/1`);
    await waitForStep(page, 'Waiting');
    await page.close();
  });

  it('shows the staff area only to a browser holding the staff cookie', async () => {
    const attendee = await browser.newContext({ viewport: VIEWPORT });
    try {
      const page = await attendee.newPage();
      await page.goto(`${server.url}/station/1`);
      await waitForStep(page, 'Waiting');
      await expect.poll(() => page.locator('landing-view h1').count()).toBe(1);
      expect(await page.locator('landing-view [data-testid="staff"]').count()).toBe(0);
      expect(await page.locator('station-kiosk [data-testid="staff-reset"]').count()).toBe(0);
      const staff = await openPage('/station/1', 'station 1 (staff)');
      await expect.poll(() => staff.locator('landing-view [data-testid="staff"]').count()).toBe(1);
      expect(await staff.locator('station-kiosk [data-testid="staff-reset"]').count()).toBe(1);
      await staff.close();
    } finally {
      await attendee.close();
    }
  });

  it('walks one session through the five views; a second screen follows, station 2 stays put', async () => {
    const kiosk = await openPage('/station/1', 'station 1');
    const mirror = await openPage('/station/1', 'station 1 (second screen)');
    const other = await openPage('/station/2', 'station 2');
    for (const page of [kiosk, mirror, other]) await waitForStep(page, 'Waiting');

    // 1. Landing: the header says the (simulated) rig is connected; Repair waits for a crash.
    await expect.poll(() => kiosk.locator('landing-view h1').innerText()).toMatch(/Aguardando/);
    const rigBadge = kiosk.locator('step-header rig-badge [data-rig]');
    await expect.poll(() => rigBadge.getAttribute('data-rig')).toBe('connected');
    expect(await rigBadge.innerText()).toMatch(/Simulador conectado\s*· simulado/);
    const repair = kiosk.locator('landing-view [data-testid="repair"]');
    expect(await repair.isDisabled()).toBe(true);
    await shot(kiosk, '01-landing');

    // 2. Staff simulate a crash: the rig drives and crashes, the server detects it, the screen
    // calls for Repair My Car; the attendee taps it and the crash is analysed and priced.
    await kiosk.locator('landing-view [data-testid="simulate-crash"]').click();
    await waitForStep(kiosk, 'Waiting.crashDetected');
    await expect
      .poll(() => kiosk.locator('landing-view [data-testid="crash-detected"]').innerText())
      .toBe('Batida detectada!');
    await expect.poll(() => repair.isEnabled()).toBe(true);
    expect(
      Number(
        (await kiosk.locator('landing-view [data-testid="live-damage"]').innerText()).replace(
          /\D/g,
          '',
        ),
      ),
    ).toBeGreaterThan(0);
    await shot(kiosk, '01b-crash-detected');
    await repair.click();
    await expect
      .poll(
        async () => {
          const step = (await stepOf(kiosk)) ?? '';
          if (step.startsWith('Crashed.failed')) {
            throw new Error(
              `crash analysis failed: ${await kiosk.locator('damage-view .error-box').innerText()}`,
            );
          }
          return step;
        },
        { timeout: 20_000, interval: 200 },
      )
      .toMatch(/^Estimated\.reviewingDamage/);
    await waitForStep(kiosk, 'Estimated.reviewingDamage');
    await expect.poll(() => kiosk.locator('damage-view h1').innerText()).toBe('Resumo dos danos');
    expect(await kiosk.locator('damage-view li').count()).toBeGreaterThan(0);
    // The second screen on the same station shows the same step; station 2 has not moved.
    await waitForStep(mirror, 'Estimated.reviewingDamage');
    await expect.poll(() => mirror.locator('damage-view h1').innerText()).toBe('Resumo dos danos');
    expect(await stepOf(other)).toMatch(/^Waiting/);
    expect(await other.locator('landing-view').count()).toBe(1);
    await shot(kiosk, '02-damage');

    // 3. Repair estimate: a grand total in R$ and VW part numbers.
    await kiosk.locator('damage-view [data-testid="continue"]').click();
    await waitForStep(kiosk, 'Estimated.reviewingEstimate');
    const grand = kiosk.locator('estimate-view [data-testid="grand-total"]');
    await expect.poll(() => grand.innerText()).toMatch(/R\$\s?[\d.]+,\d{2}/);
    const partNumbers = await kiosk
      .locator('estimate-view [data-testid="part-number"]')
      .allInnerTexts();
    expect(partNumbers.some((pn) => /^[A-Z0-9]{3}-\d{3}-\d{3}/.test(pn.trim()))).toBe(true);
    await waitForStep(mirror, 'Estimated.reviewingEstimate');
    expect(await mirror.locator('estimate-view [data-testid="grand-total"]').innerText()).toBe(
      await grand.innerText(),
    );
    await shot(kiosk, '03-estimate');

    // 4. Dealer selection, then the first dealer's slots.
    await kiosk.locator('estimate-view [data-testid="continue"]').click();
    await waitForStep(kiosk, 'Estimated.choosingDealer.ready');
    const dealers = kiosk.locator('dealer-view [data-testid="dealer"]');
    await expect.poll(() => dealers.count()).toBeGreaterThan(0);
    // Each card says what its parts plan means; the map draws the region around the venue.
    await expect
      .poll(() => dealers.first().locator('[data-testid="parts-words"]').innerText())
      .toMatch(/peças? aqui|peça está aqui|Sem peças/);
    const map = kiosk.locator('dealer-view dealer-map svg');
    await expect.poll(() => map.getAttribute('data-map')).toBe('ready');
    expect(await map.getAttribute('data-region')).toBe('greater-sao-paulo');
    // Every dealer offered shows at once: the list does not scroll at kiosk size.
    const list = kiosk.locator('dealer-view ol.list');
    const { scroll, client } = await list.evaluate((el) => ({
      scroll: el.scrollHeight,
      client: el.clientHeight,
    }));
    expect(await dealers.count()).toBeGreaterThanOrEqual(6);
    expect(scroll).toBeLessThanOrEqual(client + 1);
    await shot(kiosk, '04-dealers');
    await dealers.first().click();
    await waitForStep(kiosk, 'DealerChosen.choosingSlot');
    const slots = kiosk.locator('dealer-view [data-testid="slot"]');
    await expect.poll(() => slots.count()).toBeGreaterThan(0);
    // The chosen dealer's own price and its parts plan in words.
    await expect
      .poll(() => kiosk.locator('dealer-view [data-testid="dealer-price"]').innerText())
      .toMatch(/R\$\s?[\d.]+,\d{2}/);
    await expect
      .poll(() => kiosk.locator('dealer-view [data-testid="parts-plan"]').innerText())
      .toMatch(/todas aqui|Todas aqui/);
    await shot(kiosk, '05-slots');

    // 5. Appointment confirmation with the appointment and invoice numbers.
    await slots.first().click();
    // While the invoice is being issued (Booked.issuingInvoice) "Next driver" is off; the
    // confirmation the attendee reads has it on.
    await waitForStep(kiosk, 'Booked.confirmationShown');
    await expect
      .poll(() => kiosk.locator('confirmation-view [data-testid="next-driver"]').isEnabled())
      .toBe(true);
    const appointmentId = kiosk.locator('confirmation-view [data-testid="appointment-id"]');
    const invoiceNumber = kiosk.locator('confirmation-view [data-testid="invoice-number"]');
    // A short reference to read out, from the appointment's id (which stays whole in data).
    await expect.poll(() => appointmentId.innerText()).toMatch(/^\s*[A-Z0-9]{8}\s*$/);
    expect(await appointmentId.getAttribute('data-appointment-id')).toMatch(/^apt-/);
    await expect.poll(() => invoiceNumber.count()).toBe(1);
    await expect
      .poll(() => kiosk.locator('confirmation-view [data-testid="parts-plan"]').innerText())
      .toMatch(/Todas as peças na concessionária/);
    expect((await invoiceNumber.innerText()).trim()).not.toBe('');
    await expect
      .poll(() => kiosk.locator('confirmation-view h1').innerText())
      .toBe('Agendamento confirmado!');
    // The invoice: an NF-e (parts) and an NFS-e (services) adding up to the dealer's price,
    // the Lei 12.741 line, and plainly a simulation.
    const invoicePanel = kiosk.locator('confirmation-view [data-testid="invoice"]');
    const documents = invoicePanel.locator('[data-testid="invoice-document"]');
    expect(await documents.evaluateAll((lis) => lis.map((li) => li.dataset.kind))).toEqual([
      'nfe',
      'nfse',
    ]);
    expect(await documents.first().innerText()).toMatch(/^NF-e 1\/\d{3}\.\d{3}\.\d{3} – peças/);
    expect(await documents.nth(1).innerText()).toMatch(/^NFS-e \d{8} – serviços/);
    expect(await invoicePanel.locator('[data-testid="invoice-total"]').innerText()).toBe(
      await kiosk.locator('confirmation-view [data-testid="dealer-price"]').innerText(),
    );
    expect(await invoicePanel.locator('[data-testid="invoice-approx"]').innerText()).toMatch(
      /^Valor aproximado dos tributos R\$.*Federal.*Estadual.*Municipal.*Fonte: IBPT$/,
    );
    expect(await invoicePanel.innerText()).toMatch(/simulação sem valor fiscal/i);
    expect(await invoicePanel.innerText()).not.toMatch(/Valor líquido|Impostos/);
    // The QR code (the link a phone opens) loads as an image, large enough to scan.
    const qr = invoicePanel.locator('[data-testid="invoice-qr"]');
    await expect
      .poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBeGreaterThan(0);
    expect((await qr.boundingBox())?.width).toBeGreaterThanOrEqual(200);
    await shot(kiosk, '06-confirmation-pt');

    // Send by e-mail: the form opens, sends, says where it went (the server's outbox).
    const emailForm = invoicePanel.locator('invoice-email-form');
    await emailForm.locator('[data-testid="email-open"]').click();
    await emailForm.locator('[data-testid="email-to"]').fill('ana@example.com');
    const posted = kiosk.waitForRequest(
      (req) => req.method() === 'POST' && req.url().endsWith('/email'),
    );
    await emailForm.locator('[data-testid="email-send"]').click();
    const request = await posted;
    expect(request.headers()['idempotency-key']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(request.postDataJSON()).toEqual({ to: 'ana@example.com' });
    const emailResult = emailForm.locator('[data-testid="email-result"]');
    await expect.poll(() => emailResult.getAttribute('data-result')).toBe('sent');
    expect(await emailResult.innerText()).toContain(
      'Enviado para ana@example.com (simulação: gravado na caixa de saída)',
    );
    expect(await emailForm.locator('[data-testid="email-form"]').count()).toBe(0);
    await shot(kiosk, '06b-confirmation-email-sent');

    // The language switch is the session's: both screens of station 1 turn English.
    await kiosk.locator('step-header [data-testid="lang-en"]').click();
    await expect.poll(() => kiosk.locator('station-kiosk').getAttribute('data-locale')).toBe('en');
    await expect
      .poll(() => kiosk.locator('confirmation-view h1').innerText())
      .toBe('Appointment confirmed!');
    await expect
      .poll(() => kiosk.locator('confirmation-view [data-testid="next-driver"]').innerText())
      .toBe('Next driver');
    await expect
      .poll(() => mirror.locator('confirmation-view h1').innerText())
      .toBe('Appointment confirmed!');
    await shot(kiosk, '07-confirmation-en');
    expect(await stepOf(other)).toMatch(/^Waiting/);
    expect(await other.locator('station-kiosk').getAttribute('data-locale')).toBe('pt-BR');

    // Next driver: back to the landing view, on both screens.
    await kiosk.locator('confirmation-view [data-testid="next-driver"]').click();
    await waitForStep(kiosk, 'Waiting');
    await waitForStep(mirror, 'Waiting');
    await expect
      .poll(() => kiosk.locator('landing-view [data-testid="simulate-crash"]').isEnabled())
      .toBe(true);
    await shot(kiosk, '08-landing-again');

    for (const page of [kiosk, mirror, other]) await page.close();
  });

  it('staff enter the damage by hand on station 2: front, severe → the damage summary', async () => {
    const page = await openPage('/station/2', 'station 2 (manual entry)');
    await waitForStep(page, 'Waiting');
    await page.locator('landing-view [data-testid="manual-entry"]').click();
    const panel = page.locator('manual-damage-panel');
    const send = panel.locator('[data-testid="manual-send"]');
    expect(await send.isDisabled()).toBe(true);
    await panel.locator('[data-zone="front"] [data-severity="severe"]').click();
    expect(
      await panel
        .locator('[data-zone="front"] [data-severity="severe"]')
        .getAttribute('aria-pressed'),
    ).toBe('true');
    await shot(page, '09-manual-entry');
    await send.click();
    await waitForStep(page, 'Estimated.reviewingDamage', 20_000);
    await expect.poll(() => page.locator('damage-view h1').innerText()).toBe('Resumo dos danos');
    expect(await page.locator('damage-view li').count()).toBeGreaterThan(0);
    expect(await page.locator('manual-damage-panel').count()).toBe(0);
    await shot(page, '10-manual-damage');
    await page.close();
  });

  it('logged no console errors, page errors or failed requests', () => {
    expect(problems).toEqual([]);
  });
});
