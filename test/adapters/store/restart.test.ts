/**
 * What a reply acknowledged outlives the process: a booking and its invoice made through the API,
 * the server stopped and started again on the same STATE_DIR, and everything is still there — the
 * invoice with its number, the slot taken, a retried booking answered once, numbering going on.
 */
import { expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../../adapters/store/sqlite-store.js';
import { post } from '../http/helpers.js';
import { boot, tempStateDir } from './helpers.js';

it('keeps an acknowledged booking and its invoice across a restart', async () => {
  const dir = tempStateDir('restart-');
  const first = boot(dir);
  const telemetry = first.runtime.samples.find((s) => s.vehicle_model === 'tcross')!.telemetry;
  const analysed = await first.app.request(
    '/api/damage/analyze',
    post({ vehicle_model: 'tcross', telemetry }, { 'Idempotency-Key': 'crash-1' }),
  );
  const { damage_id } = (await analysed.json()) as { damage_id: string };
  const estimate = (await (await first.app.request(`/api/parts/estimate/${damage_id}`)).json()) as {
    estimate_id: string;
  };
  const dealer_id = 'vw-sp-001';
  const { slots } = (await (
    await first.app.request(`/api/dealers/${dealer_id}/slots?estimate_id=${estimate.estimate_id}`)
  ).json()) as {
    slots: { start: string }[];
  };
  const booking = { estimate_id: estimate.estimate_id, dealer_id, slot_start: slots[0]!.start };
  const booked = await first.app.request(
    '/api/appointments/book',
    post(booking, { 'Idempotency-Key': 'book-1' }),
  );
  expect(booked.status).toBe(201);
  const appointment = (await booked.json()) as { appointment_id: string };
  const invoice = (await (
    await first.app.request(`/api/invoice/${appointment.appointment_id}`)
  ).json()) as { invoice_number: string; documents: { number: number }[] };
  first.stop();

  const second = boot(dir);
  expect((await second.app.request(`/api/parts/estimate/${damage_id}`)).status).toBe(200);
  const again = await second.app.request(`/api/invoice/${appointment.appointment_id}`);
  expect(again.status).toBe(200);
  expect(((await again.json()) as { invoice_number: string }).invoice_number).toBe(
    invoice.invoice_number,
  );
  // The retried booking is answered once; anyone else finds the slot taken.
  const retried = await second.app.request(
    '/api/appointments/book',
    post(booking, { 'Idempotency-Key': 'book-1' }),
  );
  expect(retried.status).toBe(201);
  expect(((await retried.json()) as { appointment_id: string }).appointment_id).toBe(
    appointment.appointment_id,
  );
  const other = await second.app.request(
    '/api/appointments/book',
    post(booking, { 'Idempotency-Key': 'book-2' }),
  );
  expect(other.status).toBe(409);
  // Invoice numbers go on from where they were: a second booking's invoice is the next one.
  const next = await second.app.request(
    '/api/appointments/book',
    post({ ...booking, slot_start: slots[1]!.start }, { 'Idempotency-Key': 'book-3' }),
  );
  const nextInvoice = (await (
    await second.app.request(
      `/api/invoice/${((await next.json()) as { appointment_id: string }).appointment_id}`,
    )
  ).json()) as { invoice_number: string; documents: { number: number }[] };
  expect(nextInvoice.invoice_number).not.toBe(invoice.invoice_number);
  expect(nextInvoice.documents[0]!.number).toBe(invoice.documents[0]!.number + 1);
  const health = (await (await second.app.request('/api/health')).json()) as {
    store: { kind: string; schema_version: number; writable: boolean };
  };
  expect(health.store).toMatchObject({
    kind: 'sqlite',
    schema_version: SCHEMA_VERSION,
    writable: true,
  });
});
