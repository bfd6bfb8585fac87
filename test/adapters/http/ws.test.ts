/**
 * The station WebSocket (`/ws?station={id}`) on a real server bound to port 0, with the `ws`
 * client: the session at once, a message on every transition, the kiosk walk to Booked, errors
 * as messages on an open socket, and stations that never see each other's sessions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ServerMessage } from '../../../actors/protocol.js';
import { startServer, type RunningServer } from '../../../adapters/http/server.js';

let server: RunningServer | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server?.close();
  server = null;
});

/** Every message a socket has received, in order, and who is waiting for the next ones. */
interface Inbox {
  messages: ServerMessage[];
  read: number;
  wake: () => void;
}
const inboxes = new WeakMap<WebSocket, Inbox>();

const TOKEN = 'ws-test-staff-token-0123456789';

async function start(settings: { WS_HEARTBEAT_MS?: number } = {}): Promise<RunningServer> {
  server = await startServer({
    STAFF_TOKEN: TOKEN,
    PORT: 0,
    HOST: '127.0.0.1',
    STATIONS: 3,
    BEAMNG_POLL_MS: 40,
    SIM_RIG_SPEED: 20,
    ...settings,
  });
  return server;
}

/** Whether each socket's server counted it as staff (its first message). */
const viewers = new WeakMap<WebSocket, boolean>();

/**
 * Opens a socket on a station, as a staff browser (the staff cookie) unless `staff: false`, and
 * starts collecting its messages (each parsed with ServerMessage; the first, `viewer`, is kept
 * apart in `viewers`).
 */
async function connect(
  station: string,
  { staff = true, ...options }: WebSocket.ClientOptions & { staff?: boolean } = {},
): Promise<WebSocket> {
  const ws = new WebSocket(`${server!.url.replace(/^http/, 'ws')}/ws?station=${station}`, {
    ...options,
    headers: staff ? { Cookie: `c2r_staff=${TOKEN}` } : {},
  });
  sockets.push(ws);
  const inbox: Inbox = { messages: [], read: 0, wake: () => {} };
  inboxes.set(ws, inbox);
  ws.on('message', (data) => {
    const message = ServerMessage.parse(JSON.parse(String(data)));
    if (message.type === 'viewer') viewers.set(ws, message.staff);
    else inbox.messages.push(message);
    inbox.wake();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/**
 * The next message (after those already read) that satisfies `predicate`; messages before it are
 * read too. Rejects after `timeoutMs`, naming what did arrive.
 */
function nextMessage(
  ws: WebSocket,
  predicate: (m: ServerMessage) => boolean = () => true,
  timeoutMs = 3000,
): Promise<ServerMessage> {
  const inbox = inboxes.get(ws)!;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      inbox.wake = () => {};
      const seen = inbox.messages.map((m) =>
        m.type === 'session'
          ? m.session.step
          : m.type === 'error'
            ? `error:${m.error.code}`
            : m.type,
      );
      reject(new Error(`no matching message within ${timeoutMs} ms; received: ${seen.join(', ')}`));
    }, timeoutMs);
    const check = () => {
      while (inbox.read < inbox.messages.length) {
        const m = inbox.messages[inbox.read++]!;
        if (predicate(m)) {
          clearTimeout(timer);
          inbox.wake = () => {};
          resolve(m);
          return;
        }
      }
    };
    inbox.wake = check;
    check();
  });
}

type SessionMessage = Extract<ServerMessage, { type: 'session' }>;

async function nextStep(ws: WebSocket, step: string, timeoutMs?: number): Promise<SessionMessage> {
  return (await nextMessage(
    ws,
    (m) => m.type === 'session' && m.session.step === step,
    timeoutMs,
  )) as SessionMessage;
}

async function nextError(ws: WebSocket): Promise<Extract<ServerMessage, { type: 'error' }>> {
  return (await nextMessage(ws, (m) => m.type === 'error')) as Extract<
    ServerMessage,
    { type: 'error' }
  >;
}

function send(ws: WebSocket, command: object | string): void {
  ws.send(typeof command === 'string' ? command : JSON.stringify(command));
}

/** The HTTP status of a refused upgrade. */
function upgradeStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${server!.url.replace(/^http/, 'ws')}${path}`);
    sockets.push(ws);
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('open', () => reject(new Error(`${path} was upgraded`)));
    ws.once('error', (err) => reject(err));
  });
}

describe('station WebSocket', () => {
  it('sends the session at once, in Waiting', async () => {
    await start();
    const ws = await connect('1');
    const first = (await nextMessage(ws)) as SessionMessage;
    expect(first).toMatchObject({
      type: 'session',
      state: 'Waiting',
      session: { station_id: '1', state: 'Waiting', damage_id: null },
    });
    expect(first.session.session_id).toBe(server!.runtime.floor.view('1')!.session_id);
  });

  it('walks the kiosk from a simulated crash to Booked with an invoice, then a fresh session for the next driver', async () => {
    await start();
    const ws = await connect('2');
    const waiting = (await nextMessage(ws)) as SessionMessage;
    const session_id = waiting.session.session_id;

    // The station's simulated rig drives and crashes; its link reports the crash; the attendee presses Repair.
    send(ws, { type: 'SIMULATE_CRASH' });
    const detected = await nextStep(ws, 'Waiting.crashDetected');
    expect(detected.session.live_damage!.total_damage).toBeGreaterThan(500);
    expect(detected.session.rig).toMatchObject({ status: 'connected', simulated: true });
    send(ws, { type: 'REPAIR_REQUESTED' });
    const crashed = await nextMessage(ws, (m) => m.type === 'session' && m.state === 'Crashed');
    expect(crashed).toMatchObject({ state: 'Crashed' });
    const estimated = await nextStep(ws, 'Estimated.reviewingDamage');
    expect(estimated.session).toMatchObject({
      session_id,
      state: 'Estimated',
      vehicle_model: 'golf',
    });
    expect(estimated.session.damage?.components.length).toBeGreaterThan(0);
    expect(estimated.session.estimate?.damage_report_id).toBe(estimated.session.damage_id);

    send(ws, { type: 'CONTINUE' });
    await nextStep(ws, 'Estimated.reviewingEstimate');
    send(ws, { type: 'CONTINUE' });
    const ready = await nextStep(ws, 'Estimated.choosingDealer.ready');
    expect(ready.session.dealers.length).toBeGreaterThan(0);
    const dealer_id = ready.session.dealers[0]!.dealer_id;

    send(ws, { type: 'DEALER_CHOSEN', dealer_id });
    const choosing = await nextStep(ws, 'DealerChosen.choosingSlot');
    expect(choosing.session.dealer_id).toBe(dealer_id);
    expect(choosing.session.slots.length).toBeGreaterThan(0);
    const slot = choosing.session.slots[0]!;

    send(ws, { type: 'SLOT_CHOSEN', slot_start: slot.start });
    const booked = await nextStep(ws, 'Booked.confirmationShown');
    expect(booked.state).toBe('Booked');
    expect(booked.session.appointment).toMatchObject({
      dealer_id,
      session_id,
      status: 'confirmed',
    });
    expect(Date.parse(booked.session.appointment!.slot_start)).toBe(Date.parse(slot.start));
    expect(booked.session.invoice).not.toBeNull();
    expect(booked.session.invoice!.appointment_id).toBe(booked.session.appointment_id);
    expect(booked.session.invoice!.grand_total).toBe(booked.session.dealer_estimate!.grand_total);

    send(ws, { type: 'NEXT_DRIVER' });
    const fresh = (await nextMessage(
      ws,
      (m) => m.type === 'session' && m.session.session_id !== session_id,
    )) as SessionMessage;
    expect(fresh.session).toMatchObject({
      state: 'Waiting',
      station_id: '2',
      damage_id: null,
      appointment_id: null,
    });
    // The next driver gets a repaired car, and the last driver's crash does not carry over.
    const repaired = (await nextMessage(
      ws,
      (m) =>
        m.type === 'session' &&
        m.session.session_id === fresh.session.session_id &&
        m.session.live_damage?.total_damage === 0,
    )) as SessionMessage;
    expect(repaired.session.step).toBe('Waiting.driving');
    await new Promise((r) => setTimeout(r, 200)); // a few more polls of the rig
    expect(server!.runtime.floor.view('2')).toMatchObject({
      session_id: fresh.session.session_id,
      step: 'Waiting.driving',
    });
  });

  it('answers a malformed message with an error and keeps the socket open', async () => {
    await start();
    const ws = await connect('1');
    await nextMessage(ws);
    send(ws, 'this is not json');
    expect((await nextError(ws)).error.code).toBe('invalid_json');
    send(ws, { type: 'FLY_TO_THE_MOON' });
    expect((await nextError(ws)).error.code).toBe('invalid_command');
    send(ws, { type: 'DEALER_CHOSEN' });
    expect((await nextError(ws)).error.code).toBe('invalid_command');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    // Still serving: a valid command is taken.
    send(ws, { type: 'SET_LOCALE', locale: 'en' });
    const english = (await nextMessage(
      ws,
      (m) => m.type === 'session' && m.session.locale === 'en',
    )) as SessionMessage;
    expect(english.state).toBe('Waiting');
  });

  it('answers a command the state cannot take with not_accepted and changes nothing', async () => {
    await start();
    const ws = await connect('3');
    const waiting = (await nextMessage(ws)) as SessionMessage;
    send(ws, { type: 'CONTINUE' });
    const error = await nextError(ws);
    expect(error.error.code).toBe('not_accepted');
    send(ws, { type: 'NEXT_DRIVER' });
    expect((await nextError(ws)).error.code).toBe('not_accepted');
    expect(ws.readyState).toBe(WebSocket.OPEN);
    expect(server!.runtime.floor.view('3')).toMatchObject({
      session_id: waiting.session.session_id,
      step: waiting.session.step,
    });
  });

  it('sends the same states to two screens on the same station', async () => {
    await start();
    const a = await connect('1');
    const b = await connect('1');
    const [firstA, firstB] = (await Promise.all([
      nextMessage(a),
      nextMessage(b),
    ])) as SessionMessage[];
    expect(firstA!.session.session_id).toBe(firstB!.session.session_id);
    send(a, { type: 'SIMULATE_CRASH' });
    await Promise.all([nextStep(a, 'Waiting.crashDetected'), nextStep(b, 'Waiting.crashDetected')]);
    send(b, { type: 'REPAIR_REQUESTED' });
    const [doneA, doneB] = await Promise.all([
      nextStep(a, 'Estimated.reviewingDamage'),
      nextStep(b, 'Estimated.reviewingDamage'),
    ]);
    expect(doneB.session.damage_id).not.toBeNull();
    expect(doneB.session.damage_id).toBe(doneA.session.damage_id);
    expect(doneB.session.estimate_id).toBe(doneA.session.estimate_id);
    // Live telemetry streams while driving; from the crash on, both screens saw the same steps.
    const steps = (ws: WebSocket) => {
      const all = inboxes
        .get(ws)!
        .messages.map((m) => (m.type === 'session' ? m.session.step : m.type));
      const fromCrash = all.slice(all.indexOf('Waiting.crashDetected'));
      return fromCrash.filter((step, i) => step !== fromCrash[i - 1]);
    };
    expect(steps(b)).toEqual(steps(a));
    expect(steps(a)).toEqual(
      expect.arrayContaining(['Waiting.crashDetected', 'Estimated.reviewingDamage']),
    );
  });

  it("keeps stations apart: a socket never sees another station's session", async () => {
    await start();
    const one = await connect('1');
    const two = await connect('2');
    const idOne = ((await nextMessage(one)) as SessionMessage).session.session_id;
    const idTwo = ((await nextMessage(two)) as SessionMessage).session.session_id;
    expect(idOne).not.toBe(idTwo);
    send(one, { type: 'SIMULATE_CRASH' });
    send(two, { type: 'SIMULATE_CRASH' });
    await Promise.all([
      nextStep(one, 'Waiting.crashDetected'),
      nextStep(two, 'Waiting.crashDetected'),
    ]);
    send(one, { type: 'REPAIR_REQUESTED' });
    send(two, { type: 'REPAIR_REQUESTED' });
    await Promise.all([
      nextStep(one, 'Estimated.reviewingDamage'),
      nextStep(two, 'Estimated.reviewingDamage'),
    ]);
    send(one, { type: 'STAFF_RESET' });
    await nextMessage(one, (m) => m.type === 'session' && m.session.session_id !== idOne);
    const sessionsOf = (ws: WebSocket) =>
      inboxes
        .get(ws)!
        .messages.flatMap((m) =>
          m.type === 'session' ? [{ station: m.session.station_id, id: m.session.session_id }] : [],
        );
    for (const m of sessionsOf(one)) expect(m.station).toBe('1');
    for (const m of sessionsOf(two)) expect(m).toEqual({ station: '2', id: idTwo });
    expect(sessionsOf(one).map((m) => m.id)).not.toContain(idTwo);
  });

  it('does not upgrade /ws without a station (400) or with an unknown one (404)', async () => {
    await start();
    expect(await upgradeStatus('/ws')).toBe(400);
    expect(await upgradeStatus('/ws?station=99')).toBe(404);
    expect(await upgradeStatus('/ws?station=')).toBe(400);
  });

  it('refuses staff commands from a browser without the staff cookie, and says who it is', async () => {
    await start();
    const kiosk = await connect('1', { staff: false });
    const first = (await nextMessage(kiosk)) as SessionMessage;
    expect(viewers.get(kiosk)).toBe(false);
    for (const type of ['STAFF_RESET', 'SIMULATE_CRASH'] as const) {
      send(kiosk, { type });
      const refused = await nextMessage(kiosk, (m) => m.type === 'error');
      expect(refused).toMatchObject({ error: { code: 'unauthorized' } });
    }
    // Nothing moved: the same session, still waiting; an attendee's command is still taken.
    send(kiosk, { type: 'SET_LOCALE', locale: 'en' });
    const english = (await nextMessage(kiosk, (m) => m.type === 'session')) as SessionMessage;
    expect(english.session).toMatchObject({
      session_id: first.session.session_id,
      state: 'Waiting',
      locale: 'en',
    });
    const staff = await connect('1');
    await nextMessage(staff);
    expect(viewers.get(staff)).toBe(true);
    send(staff, { type: 'STAFF_RESET' });
    await nextMessage(
      staff,
      (m) => m.type === 'session' && m.session.session_id !== first.session.session_id,
    );
    // The staff reset is in the audit log; the refused attempts too.
    const { entries } = (await (
      await fetch(`${server!.url}/api/audit`, { headers: { Authorization: `Bearer ${TOKEN}` } })
    ).json()) as { entries: { action: string; result: string; who: string }[] };
    expect(entries.map((e) => [e.action, e.result])).toEqual([['reset', 'ok']]);
  });

  it('sends a heartbeat on an idle socket, and closes one that stops answering pings', async () => {
    await start({ WS_HEARTBEAT_MS: 100 });
    const ws = await connect('1');
    await nextMessage(ws, (m) => m.type === 'session');
    const beat = await nextMessage(ws, (m) => m.type === 'heartbeat', 2000);
    expect(beat).toMatchObject({ type: 'heartbeat', every_ms: 100 });
    // A client that has gone silent (a pulled cable): it answers no ping, so the server drops it.
    const silent = await connect('2', { autoPong: false });
    const closed = new Promise<void>((resolve) => silent.once('close', () => resolve()));
    await closed;
    // The live one is still open.
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('POST /api/appointments/book with a live session', () => {
  /** The dealer's free slots for the estimate (from its parts plan), as the API lists them. */
  async function slotsOf(
    dealer_id: string,
    estimate_id: string | null,
  ): Promise<{ slots: { start: string }[] }> {
    const res = await fetch(
      `${server!.url}/api/dealers/${dealer_id}/slots?estimate_id=${encodeURIComponent(estimate_id!)}`,
    );
    return (await res.json()) as { slots: { start: string }[] };
  }

  /** Drives a station by HTTP to the dealer list, with a kiosk and a second screen watching. */
  async function toDealerList(station: string) {
    const kiosk = await connect(station);
    const second = await connect(station);
    await nextMessage(kiosk);
    await nextMessage(second);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server!.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    send(kiosk, { type: 'SIMULATE_CRASH' });
    await nextStep(kiosk, 'Waiting.crashDetected');
    send(kiosk, { type: 'REPAIR_REQUESTED' });
    await nextStep(kiosk, 'Estimated.reviewingDamage');
    send(kiosk, { type: 'CONTINUE' });
    send(kiosk, { type: 'CONTINUE' });
    const ready = await nextStep(kiosk, 'Estimated.choosingDealer.ready');
    return { kiosk, second, post, session: ready.session };
  }

  it('books through the session: the dealer is chosen, the slot booked, and every screen shows it', async () => {
    await start();
    const { second, post, session } = await toDealerList('1');
    const dealer = session.dealers[0]!;
    const slots = await slotsOf(dealer.dealer_id, session.estimate_id);
    const slot_start = slots.slots[0]!.start;
    const body = {
      estimate_id: session.estimate_id,
      dealer_id: dealer.dealer_id,
      slot_start,
      session_id: session.session_id,
    };
    const res = await post('/api/appointments/book', body, { 'Idempotency-Key': 'book-1' });
    const appointment = (await res.json()) as { appointment_id: string; session_id: string };
    expect(res.status, JSON.stringify(appointment)).toBe(201);
    expect(appointment).toMatchObject({
      session_id: session.session_id,
      dealer_id: dealer.dealer_id,
    });
    // The second screen follows the session all the way to the confirmation.
    const booked = await nextStep(second, 'Booked.confirmationShown');
    expect(booked.session.appointment_id).toBe(appointment.appointment_id);
    expect(booked.session.dealer_id).toBe(dealer.dealer_id);
    // The same request again gets the same appointment and books nothing new.
    const again = await post('/api/appointments/book', body, { 'Idempotency-Key': 'book-1' });
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ appointment_id: appointment.appointment_id });
    // A new request on a booked session: it cannot book now, and says where it is.
    const late = await post('/api/appointments/book', body, { 'Idempotency-Key': 'book-2' });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({
      error: { code: 'not_accepted', details: { state: 'Booked.confirmationShown' } },
    });
  });

  it('answers 409 slot_taken when the slot went to someone else, and the screens offer fresh slots', async () => {
    await start();
    const { kiosk, post, session } = await toDealerList('1');
    const dealer = session.dealers[0]!;
    const slots = await slotsOf(dealer.dealer_id, session.estimate_id);
    const slot_start = slots.slots[0]!.start;
    // Someone else books the slot first, statelessly.
    const other = await post('/api/appointments/book', {
      estimate_id: session.estimate_id,
      dealer_id: dealer.dealer_id,
      slot_start,
    });
    expect(other.status).toBe(201);
    const res = await post('/api/appointments/book', {
      estimate_id: session.estimate_id,
      dealer_id: dealer.dealer_id,
      slot_start,
      session_id: session.session_id,
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'slot_taken' } });
    const conflict = await nextStep(kiosk, 'DealerChosen.bookingConflict');
    expect(conflict.session.dealer_id).toBe(dealer.dealer_id);
  });

  it('refuses what does not fit the session before anything moves', async () => {
    await start();
    const { post, session } = await toDealerList('1');
    const dealer = session.dealers[0]!;
    const slots = await slotsOf(dealer.dealer_id, session.estimate_id);
    const base = {
      estimate_id: session.estimate_id,
      dealer_id: dealer.dealer_id,
      slot_start: slots.slots[0]!.start,
      session_id: session.session_id,
    };
    const expectRefusal = async (body: object, status: number, code: string) => {
      const res = await post('/api/appointments/book', body);
      expect({ status: res.status, body: await res.json() }).toMatchObject({
        status,
        body: { error: { code } },
      });
    };
    await expectRefusal({ ...base, estimate_id: 'est-other' }, 422, 'estimate_mismatch');
    await expectRefusal({ ...base, dealer_id: 'vw-nowhere' }, 422, 'dealer_not_offered');
    await expectRefusal(
      { ...base, slot_start: '2020-01-01T10:00:00.000Z' },
      422,
      'slot_not_offered',
    );
    await expectRefusal({ ...base, session_id: 'no-such-session' }, 404, 'session_not_found');
    expect(server!.runtime.floor.view('1')!.step).toBe('Estimated.choosingDealer.ready');
  });
});
