/**
 * Nothing acknowledged is lost when the process dies: the real server runs as a child process,
 * five stations are driven to different states — one in Estimated (its idle timer running), one
 * booked with a 201 (its confirmation timer running), one choosing a slot, one untouched, and
 * one whose booking is under way when the process is killed with SIGKILL, right after the
 * store committed the appointment and before the session heard back. Started again on the same
 * STATE_DIR, every station is in its last acknowledged state under the same session id, the
 * interrupted booking has been finished (once) with its invoice, every booking is there exactly
 * once with its invoice, the booked slots are taken, and nothing is duplicated. Killed and
 * started once more, it is all still the same.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR } from '../../../actors/damage/mapping.js';
import { loadTelemetrySamples } from '../../../actors/damage/samples.js';
import type { SessionView } from '../../../actors/protocol.js';
import type { JournalEntry } from '../../../machines/envelope.js';
import type { Appointment, Invoice } from '../../../machines/schemas.js';
import { tempStateDir } from './helpers.js';

const TOKEN = 'kill-test-staff-token-0123456789';
const STAFF_HEADERS = { Authorization: `Bearer ${TOKEN}` };
const FIXTURE = fileURLToPath(new URL('./fixtures/crashing-server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Child {
  url: string;
  process: ChildProcess;
  exited: Promise<NodeJS.Signals | number | null>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the server as a child process on `STATE_DIR`; resolves once it listens. */
async function start(STATE_DIR: string, env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    cwd: ROOT,
    env: {
      ...process.env,
      STATE_DIR,
      PORT: '0',
      STATIONS: '5',
      SIMULATED_RIGS: 'false',
      IDLE_TIMEOUT_S: '600',
      CONFIRMATION_TIMEOUT_S: '600',
      LOG_LEVEL: 'warn',
      STAFF_TOKEN: TOKEN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let pending = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const found = /LISTENING (\S+)/.exec(pending);
      if (found) resolve(found[1]!);
    });
    void exited.then((how) =>
      reject(new Error(`the server exited (${how}) before listening\n${log}`)),
    );
  });
  return { url, process: child, exited };
}

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text) as T;
}

function client(url: string) {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const get = (path: string) => fetch(`${url}${path}`);
  const view = async (id: string) =>
    (await json<{ session: SessionView }>(await get(`/api/stations/${id}`))).session;
  return {
    post,
    get,
    view,
    command: async (id: string, command: unknown) =>
      json(await post(`/api/stations/${id}/commands`, command, STAFF_HEADERS)),
    /** Polls until the station's view satisfies `done` (the server answers before it moves on). */
    async until(id: string, done: (v: SessionView) => boolean): Promise<SessionView> {
      for (let i = 0; i < 200; i++) {
        const v = await view(id);
        if (done(v)) return v;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error(`station ${id} did not get there: ${JSON.stringify(await view(id))}`);
    },
  };
}

type Client = ReturnType<typeof client>;

const SAMPLES = loadTelemetrySamples(DEFAULT_DATA_DIR);

/** A crash through the API with a recorded sample, waited on to Estimated. */
async function crash(c: Client, station: string) {
  const model = (await c.view(station)).vehicle_model;
  const { telemetry } = SAMPLES.find((s) => s.vehicle_model === model)!;
  const res = await c.post(
    '/api/damage/analyze',
    { station_id: station, telemetry },
    { 'Idempotency-Key': `crash-${station}` },
  );
  expect(res.status).toBe(201);
  return c.until(station, (v) => v.step === 'Estimated.reviewingDamage');
}

/** On to the dealer's slots at the kiosk: continue, continue, the nearest dealer. */
async function toSlots(c: Client, station: string) {
  await c.command(station, { type: 'CONTINUE' });
  await c.command(station, { type: 'CONTINUE' });
  const ready = await c.until(station, (v) => v.step === 'Estimated.choosingDealer.ready');
  await c.command(station, { type: 'DEALER_CHOSEN', dealer_id: ready.dealers[0]!.dealer_id });
  return c.until(station, (v) => v.step === 'DealerChosen.choosingSlot');
}

const bookingOf = (v: SessionView, slot: number, key: string) => ({
  body: {
    session_id: v.session_id,
    estimate_id: v.estimate!.estimate_id,
    dealer_id: v.dealer!.dealer_id,
    slot_start: v.slots[slot]!.start,
  },
  headers: { 'Idempotency-Key': key },
});

it('loses nothing acknowledged when killed with SIGKILL, even mid-booking', async () => {
  const dir = tempStateDir('kill-');
  const first = await start(dir, { DIE_AFTER: 'book', DIE_STATION: '3' });
  const a = client(first.url);

  await crash(a, '1');
  // Station 2: booked through the API, acknowledged with 201.
  await crash(a, '2');
  const slots2 = await toSlots(a, '2');
  const booking2 = bookingOf(slots2, 0, 'book-2');
  const booked = await a.post('/api/appointments/book', booking2.body, booking2.headers);
  expect(booked.status).toBe(201);
  const appointment2 = await json<Appointment>(booked);
  await a.until('2', (v) => v.step === 'Booked.confirmationShown');
  const invoice2 = await json<Invoice>(await a.get(`/api/invoice/${appointment2.appointment_id}`));
  // Station 4: choosing a slot.
  await crash(a, '4');
  await toSlots(a, '4');
  await a.command('5', { type: 'SET_LOCALE', locale: 'en' });
  const before = await Promise.all(['1', '2', '4', '5'].map((id) => a.view(id)));

  // Station 3: its booking kills the server right after the store committed it.
  await crash(a, '3');
  const slots3 = await toSlots(a, '3');
  const booking3 = bookingOf(slots3, 1, 'book-3');
  await expect(a.post('/api/appointments/book', booking3.body, booking3.headers)).rejects.toThrow();
  expect(await first.exited).toBe('SIGKILL');

  const second = await start(dir);
  const b = client(second.url);
  const after = await Promise.all(['1', '2', '4', '5'].map((id) => b.view(id)));
  const essentials = (v: SessionView) => [
    v.session_id,
    v.step,
    v.locale,
    v.estimate,
    v.dealer,
    v.appointment,
    v.invoice,
  ];
  expect(after.map(essentials)).toEqual(before.map(essentials));
  expect(after.map((v) => v.step)).toEqual([
    'Estimated.reviewingDamage',
    'Booked.confirmationShown',
    'DealerChosen.choosingSlot',
    'Waiting.driving',
  ]);
  // The interrupted booking ran again when its session was restored, and booked once.
  const station3 = await b.until('3', (v) => v.step === 'Booked.confirmationShown');
  expect(station3.session_id).toBe(slots3.session_id);
  expect(station3.appointment).toMatchObject({
    appointment_id: 'apt-book-3',
    slot_start: booking3.body.slot_start,
  });
  expect(station3.invoice).not.toBeNull();

  // Every booking exactly once, with its invoice; the numbers follow on, none twice.
  const appointment3 = await json<Appointment>(await b.get('/api/appointments/apt-book-3'));
  const invoice3 = await json<Invoice>(await b.get('/api/invoice/apt-book-3'));
  expect(await json<Invoice>(await b.get(`/api/invoice/${appointment2.appointment_id}`))).toEqual(
    invoice2,
  );
  expect(invoice3.invoice_id).toBe(station3.invoice!.invoice_id);
  const seq = (i: Invoice) => i.documents[0]!.number;
  expect(seq(invoice3)).toBe(seq(invoice2) + 1);
  expect(appointment3.session_id).toBe(slots3.session_id);
  // The booked slots are taken; the same booking again is answered with the same appointment.
  for (const [booking, appointment] of [
    [booking2, appointment2],
    [booking3, appointment3],
  ] as const) {
    const { session_id: _, ...stateless } = booking.body;
    const other = await b.post('/api/appointments/book', stateless, {
      'Idempotency-Key': `other-${appointment.appointment_id}`,
    });
    expect(other.status).toBe(409);
    const again = await b.post('/api/appointments/book', stateless, booking.headers);
    expect(await json<Appointment>(again)).toEqual(appointment);
  }
  // The journal of the interrupted session: the booking asked for once, done once.
  const { events } = await json<{ events: JournalEntry[] }>(
    await fetch(`${second.url}/api/sessions/${slots3.session_id}/journal`, {
      headers: STAFF_HEADERS,
    }),
  );
  const count = (type: string) => events.filter((e) => e.type === type).length;
  expect(count('BOOKING_REQUESTED')).toBe(1);
  expect(count('xstate.done.actor.bookAppointment')).toBe(1);
  expect(count('xstate.done.actor.issueInvoice')).toBe(1);
  expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);

  // Killed once more, from outside, and started again: all the same.
  const views = await Promise.all(['1', '2', '3', '4', '5'].map((id) => b.view(id)));
  second.process.kill('SIGKILL');
  expect(await second.exited).toBe('SIGKILL');
  const third = await start(dir);
  const c = client(third.url);
  const again = await Promise.all(['1', '2', '3', '4', '5'].map((id) => c.view(id)));
  expect(again.map(essentials)).toEqual(views.map(essentials));
  const health = await json<{ store: { quarantined: unknown[] } }>(await c.get('/api/health'));
  expect(health.store.quarantined).toEqual([]);
  third.process.kill('SIGTERM');
  await third.exited;
}, 120_000);
