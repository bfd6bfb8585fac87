/**
 * Invoices as the API serves them, on a real STATE_DIR: issued with the booking and numbered per
 * dealer and series without gaps or duplicates under 50 concurrent booking requests and across a
 * restart; the same invoice as JSON, as a printable page and as a PDF holding its numbers and
 * total as text; "send by e-mail" writing a MIME message with the PDF attached to the outbox.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OUTBOX_DIR } from '../../../adapters/runtime.js';
import { Appointment, Invoice, RepairEstimate, Slot } from '../../../machines/schemas.js';
import { post } from '../http/helpers.js';
import { boot, tempStateDir } from './helpers.js';

type App = ReturnType<typeof boot>['app'];

async function json<T extends z.ZodType>(res: Response, schema: T, status = 200) {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return schema.parse(JSON.parse(text)) as z.infer<T>;
}

async function estimateOf(t: ReturnType<typeof boot>, request_id: string) {
  const telemetry = t.runtime.samples.find(
    (s) => s.vehicle_model === 'tcross' && s.shape === 'beamng_sensor',
  )!.telemetry;
  const { damage_id } = await json(
    await t.app.request(
      '/api/damage/analyze',
      post({ telemetry, vehicle_model: 'tcross', request_id }),
    ),
    z.object({ damage_id: z.string() }),
    201,
  );
  return json(await t.app.request(`/api/parts/estimate/${damage_id}`), RepairEstimate);
}

const slotsOf = async (app: App, dealer_id: string, estimate_id: string) =>
  (
    await json(
      await app.request(`/api/dealers/${dealer_id}/slots?estimate_id=${estimate_id}`),
      z.object({ slots: z.array(Slot) }),
    )
  ).slots;

const invoiceOf = async (app: App, appointment_id: string) =>
  json(await app.request(`/api/invoice/${appointment_id}`), Invoice);

/** The numbers of one series across invoices, sorted. */
const numbersOf = (invoices: Invoice[], series: string) =>
  invoices
    .flatMap((i) => i.documents.filter((d) => d.series === series).map((d) => d.number))
    .sort((a, b) => a - b);

describe('invoice numbering', () => {
  it('is gapless and unique per dealer and series under 50 concurrent bookings, and across a restart', async () => {
    const dir = tempStateDir('invoices-');
    const first = boot(dir);
    const dealer_id = 'vw-sp-001';
    const estimate = await estimateOf(first, 'numbering');
    const slots = await slotsOf(first.app, dealer_id, estimate.estimate_id);
    expect(slots.length).toBeGreaterThanOrEqual(20);
    // 50 requests at once, two or three for each of the first 20 slots.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        first.app.request(
          '/api/appointments/book',
          post(
            { estimate_id: estimate.estimate_id, dealer_id, slot_start: slots[i % 20]!.start },
            { 'Idempotency-Key': `race-${i}` },
          ),
        ),
      ),
    );
    const won = answers.filter((r) => r.status === 201);
    expect(answers.every((r) => r.status === 201 || r.status === 409)).toBe(true);
    expect(won.length).toBeGreaterThan(0);
    expect(won.length).toBeLessThanOrEqual(20);
    const booked = await Promise.all(won.map(async (r) => Appointment.parse(await r.json())));
    const invoices = await Promise.all(booked.map((a) => invoiceOf(first.app, a.appointment_id)));
    // One NF-e and one NFS-e per booking, numbered 1…n in each series: no gap, no duplicate.
    const n = booked.length;
    const oneToN = Array.from({ length: n }, (_, i) => i + 1);
    expect(numbersOf(invoices, '1')).toEqual(oneToN);
    expect(numbersOf(invoices, 'NFS')).toEqual(oneToN);
    // Asked again: the same invoice, no new number.
    expect(await invoiceOf(first.app, booked[0]!.appointment_id)).toEqual(invoices[0]);
    first.stop();

    // After a restart the series goes on from n.
    const second = boot(dir);
    const more = await estimateOf(second, 'numbering-2');
    const free = await slotsOf(second.app, dealer_id, more.estimate_id);
    const after = await json(
      await second.app.request(
        '/api/appointments/book',
        post(
          { estimate_id: more.estimate_id, dealer_id, slot_start: free[0]!.start },
          { 'Idempotency-Key': 'after-restart' },
        ),
      ),
      Appointment,
      201,
    );
    const next = await invoiceOf(second.app, after.appointment_id);
    expect(next.documents.map((d) => [d.series, d.number])).toEqual([
      ['1', n + 1],
      ['NFS', n + 1],
    ]);
    // Another dealer has its own series.
    const other = await slotsOf(second.app, 'vw-sp-002', more.estimate_id);
    const elsewhere = await json(
      await second.app.request(
        '/api/appointments/book',
        post({
          estimate_id: more.estimate_id,
          dealer_id: 'vw-sp-002',
          slot_start: other[0]!.start,
        }),
      ),
      Appointment,
      201,
    );
    expect(
      (await invoiceOf(second.app, elsewhere.appointment_id)).documents.map((d) => d.number),
    ).toEqual([1, 1]);
    second.stop();
  });
});

describe('invoice formats and hand-off', () => {
  async function booked() {
    const dir = tempStateDir('invoice-formats-');
    const t = boot(dir, { PUBLIC_BASE_URL: 'http://192.168.0.10:8080' });
    const estimate = await estimateOf(t, 'formats');
    const slots = await slotsOf(t.app, 'vw-rj-002', estimate.estimate_id);
    const appointment = await json(
      await t.app.request(
        '/api/appointments/book',
        post({
          estimate_id: estimate.estimate_id,
          dealer_id: 'vw-rj-002',
          slot_start: slots[0]!.start,
          contact: { name: 'Ana Souza', email: 'ana@example.com' },
        }),
      ),
      Appointment,
      201,
    );
    const priced = await json(
      await t.app.request(`/api/estimates/${encodeURIComponent(appointment.estimate_id)}`),
      RepairEstimate,
    );
    return {
      t,
      dir,
      appointment,
      priced,
      invoice: await invoiceOf(t.app, appointment.appointment_id),
    };
  }

  const brl = (amount: string) =>
    new Intl.NumberFormat('pt-BR', { minimumFractionDigits: 2 }).format(Number(amount));

  it('totals the documents at the price of the chosen dealer, and prints them as a page and a PDF', async () => {
    const { t, appointment, priced, invoice } = await booked();
    expect(invoice.grand_total).toBe(priced.grand_total);
    expect(invoice.documents.map((d) => d.kind)).toEqual(['nfe', 'nfse']);
    expect(invoice.documents[0]!.buyer.name).toBe('Ana Souza');

    const page = await t.app.request(`/api/invoice/${appointment.appointment_id}`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    for (const d of invoice.documents) expect(html).toContain(d.display_number);
    expect(html).toContain(brl(invoice.grand_total));
    expect(html).toMatch(/sem valor fiscal/i);

    const res = await t.app.request(`/api/invoice/${appointment.appointment_id}?format=pdf`);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const file = join(tempStateDir('invoice-pdf-'), 'invoice.pdf');
    writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const d of invoice.documents) expect(text).toContain(d.display_number);
    expect(text).toContain(brl(invoice.grand_total));
    expect(execFileSync('pdffonts', [file], { encoding: 'utf8' })).toMatch(/Inter.*yes\s+yes/);

    const qr = await t.app.request(`/api/invoice/${appointment.appointment_id}/qr.svg`);
    expect(qr.headers.get('content-type')).toContain('image/svg+xml');
    expect(await qr.text()).toMatch(/^<svg[^>]+viewBox/);
    t.stop();
  });

  it('writes a MIME message with the PDF attached to STATE_DIR/outbox, once per request', async () => {
    const { t, dir, appointment, invoice } = await booked();
    const send = () =>
      t.app.request(
        `/api/invoice/${appointment.appointment_id}/email`,
        post({ to: 'ana@example.com' }, { 'Idempotency-Key': 'send-1' }),
      );
    const sent = await json(
      await send(),
      z.object({ to: z.string(), file: z.string(), message_id: z.string(), bytes: z.number() }),
      202,
    );
    const outbox = join(dir, OUTBOX_DIR);
    expect(readdirSync(outbox)).toEqual([sent.file]);
    const again = await json(await send(), z.object({ file: z.string() }), 202);
    expect(again.file).toBe(sent.file);
    expect(readdirSync(outbox)).toHaveLength(1);

    const mail = await simpleParser(readFileSync(join(outbox, sent.file)));
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('ana@example.com');
    expect(mail.subject).toContain(invoice.invoice_number);
    expect(mail.messageId).toBe(sent.message_id);
    expect(mail.html).toContain(invoice.documents[0]!.display_number);
    expect(mail.text).toContain('http://192.168.0.10:8080/api/invoice/');
    expect(mail.attachments).toHaveLength(1);
    const [pdf] = mail.attachments;
    expect(pdf!.contentType).toBe('application/pdf');
    expect(pdf!.filename).toBe(`${invoice.invoice_id}.pdf`);
    expect(pdf!.content.subarray(0, 5).toString()).toBe('%PDF-');

    const refused = await t.app.request(
      `/api/invoice/${appointment.appointment_id}/email`,
      post({ to: 'ana at example' }),
    );
    expect(refused.status).toBe(400);
    expect(readdirSync(outbox)).toHaveLength(1);
    t.stop();
  });
});
