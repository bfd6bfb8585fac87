import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, SimulatedClock, type SnapshotFrom } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import {
  sessionMachine,
  type AnalyzeDamageInput,
  type BookAppointmentInput,
  type CheckDealerInput,
  type DealerCheck,
  type EstimateRepairInput,
  type FindDealersInput,
  type IssueInvoiceInput,
  type SessionInput,
} from '../../machines/session.js';
import { SESSION_EVENT_TYPES, stationMachine, type StationInput } from '../../machines/station.js';
import type {
  Appointment,
  DamageReport,
  DealerHit,
  Invoice,
  PartsPlan,
  RepairEstimate,
  Slot,
} from '../../machines/schemas.js';

// Minimal but schema-shaped records: the machine only carries them.
const damage = {
  damage_id: 'dmg-r1',
  vehicle_model: 'tcross',
  components: [],
} as unknown as DamageReport;
const estimate = { estimate_id: 'est-r1', grand_total: '100.00' } as unknown as RepairEstimate;
const dealer = { dealer_id: 'vw-sp-001', name: 'Dealer', distance_km: 1.2 } as unknown as DealerHit;
const slots: Slot[] = [
  { start: '2026-11-26T08:00:00-03:00', end: '2026-11-26T09:00:00-03:00' },
  { start: '2026-11-26T09:00:00-03:00', end: '2026-11-26T10:00:00-03:00' },
];
const pricedEstimate = {
  estimate_id: 'est-r1@vw-sp-001',
  grand_total: '104.00',
  dealer_id: 'vw-sp-001',
} as unknown as RepairEstimate;
const plan = { dealer_id: 'vw-sp-001', estimate_id: 'est-r1', lines: [] } as unknown as PartsPlan;
/** What checking the dealer finds. */
const dealerCheck: DealerCheck = { estimate: pricedEstimate, plan, slots };
const appointment = {
  appointment_id: 'apt-b1',
  estimate_id: 'est-r1',
  dealer_id: 'vw-sp-001',
} as unknown as Appointment;
const invoice = { invoice_id: 'inv-b1', invoice_number: 'X-1' } as unknown as Invoice;

const timeouts = { idle_ms: 180_000, confirmation_ms: 60_000 };
const sessionInput: SessionInput = {
  station_id: '1',
  session_id: 's1',
  vehicle_model: 'tcross',
  market: 'BR-SP',
  location: { lat: -23.6, lon: -46.6 },
  timeouts,
};
const stationInput: StationInput = {
  station_id: '1',
  name: 'Estação 1',
  vehicle_model: 'tcross',
  market: 'BR-SP',
  location: { lat: -23.6, lon: -46.6 },
  timeouts,
  id_base: 'test',
};

/** Stub actors; each can be swapped to fail or to hang. */
function stubs(overrides: Partial<Record<string, () => Promise<unknown>>> = {}) {
  const calls: { analyze: AnalyzeDamageInput[]; book: BookAppointmentInput[] } = {
    analyze: [],
    book: [],
  };
  const pick = <T>(name: string, value: T) =>
    overrides[name] ? (overrides[name]!() as Promise<T>) : Promise.resolve(value);
  return {
    calls,
    actors: {
      analyzeDamage: fromPromise<DamageReport, AnalyzeDamageInput>(async ({ input }) => {
        calls.analyze.push(input);
        return pick('analyzeDamage', damage);
      }),
      estimateRepair: fromPromise<RepairEstimate, EstimateRepairInput>(() =>
        pick('estimateRepair', estimate),
      ),
      findDealers: fromPromise<DealerHit[], FindDealersInput>(() => pick('findDealers', [dealer])),
      checkDealer: fromPromise<DealerCheck, CheckDealerInput>(() =>
        pick('checkDealer', dealerCheck),
      ),
      bookAppointment: fromPromise<Appointment, BookAppointmentInput>(async ({ input }) => {
        calls.book.push(input);
        return pick('bookAppointment', appointment);
      }),
      issueInvoice: fromPromise<Invoice, IssueInvoiceInput>(() => pick('issueInvoice', invoice)),
    },
  };
}

const hang = () => new Promise<never>(() => {});
const fail = (code: string) => () =>
  Promise.reject(Object.assign(new Error(`${code} happened`), { code }));
const flush = () => new Promise((r) => setTimeout(r, 0));

/** A station whose session is offering dealers (Estimated.choosingDealer.ready). */
async function atDealerList() {
  const s = startStation();
  s.station.send({ type: 'CRASH_REPORTED', request_id: 'r1', telemetry: {} });
  await flush();
  s.station.send({ type: 'CONTINUE' });
  s.station.send({ type: 'CONTINUE' });
  await flush();
  return s;
}

function startStation(overrides: Parameters<typeof stubs>[0] = {}) {
  const { actors, calls } = stubs(overrides);
  const clock = new SimulatedClock();
  const station = createActor(
    stationMachine.provide({ actors: { session: sessionMachine.provide({ actors }) } }),
    {
      input: stationInput,
      clock,
    },
  ).start();
  const session = () => station.getSnapshot().children.session!;
  const step = () => JSON.stringify(session().getSnapshot().value);
  return { station, session, step, clock, calls };
}

async function driveToBooked(s: ReturnType<typeof startStation>) {
  s.station.send({ type: 'CRASH_REPORTED', request_id: 'r1', telemetry: { components: [] } });
  await flush();
  s.station.send({ type: 'CONTINUE' });
  s.station.send({ type: 'CONTINUE' });
  await flush();
  s.station.send({ type: 'DEALER_CHOSEN', dealer_id: 'vw-sp-001' });
  await flush();
  s.station.send({ type: 'SLOT_CHOSEN', request_id: 'b1', slot_start: slots[0]!.start });
  await flush();
}

describe('session statechart (xstate/graph)', () => {
  const done = (id: string, output: unknown) => ({ type: `xstate.done.actor.${id}`, output });
  const error = (id: string, code: string) => ({
    type: `xstate.error.actor.${id}`,
    error: { code, message: code },
  });
  const events = [
    {
      type: 'TELEMETRY_RECEIVED',
      telemetry: { damage: 5 },
      total_damage: 5,
      received_at: '2026-11-25T10:00:00Z',
    },
    {
      type: 'CRASH_DETECTED',
      telemetry: { damage: 900 },
      total_damage: 900,
      received_at: '2026-11-25T10:00:01Z',
    },
    { type: 'REPAIR_REQUESTED', request_id: 'r1' },
    { type: 'CRASH_REPORTED', request_id: 'r2', telemetry: { components: [] } },
    done('analyzeDamage', damage),
    error('analyzeDamage', 'telemetry_invalid'),
    done('estimateRepair', estimate),
    error('estimateRepair', 'internal_error'),
    { type: 'RETRY' },
    { type: 'MANUAL_DAMAGE_ENTERED', request_id: 'm1', telemetry: { manual: true, zones: [] } },
    { type: 'CONTINUE' },
    { type: 'BACK' },
    done('findDealers', [dealer]),
    error('findDealers', 'internal_error'),
    { type: 'DEALER_CHOSEN', dealer_id: 'vw-sp-001' },
    { type: 'CHANGE_DEALER' },
    done('checkDealer', dealerCheck),
    error('checkDealer', 'dealer_not_found'),
    { type: 'SLOT_CHOSEN', request_id: 'b1', slot_start: slots[0]!.start },
    {
      type: 'BOOKING_REQUESTED',
      request_id: 'b2',
      dealer_id: 'vw-sp-001',
      slot_start: slots[0]!.start,
    },
    done('bookAppointment', appointment),
    error('bookAppointment', 'slot_taken'),
    error('bookAppointment', 'internal_error'),
    done('refreshSlots', dealerCheck),
    done('issueInvoice', invoice),
    error('issueInvoice', 'internal_error'),
    { type: 'NEXT_DRIVER' },
  ] as never[];
  const paths = getShortestPaths(sessionMachine, {
    input: sessionInput,
    events,
    serializeState: (s: unknown) =>
      JSON.stringify((s as SnapshotFrom<typeof sessionMachine>).value),
  } as never);
  const reached = new Set(paths.map((p) => JSON.stringify(p.state.value)));

  it('reaches every leaf state of the chart', () => {
    const leaves: string[] = [];
    const walk = (node: { states: Record<string, unknown>; path: string[] }) => {
      const children = Object.values(node.states) as (typeof node)[];
      if (children.length === 0) {
        const value = node.path.reduceRight<unknown>(
          (acc, key) => (acc === undefined ? key : { [key]: acc }),
          undefined,
        );
        leaves.push(JSON.stringify(value));
      } else children.forEach(walk);
    };
    walk(sessionMachine.root as never);
    expect(leaves.length).toBeGreaterThanOrEqual(18);
    for (const leaf of leaves) expect(reached, `unreachable: ${leaf}`).toContain(leaf);
  });

  it('is reachable through its station for every event it handles', () => {
    const handled = sessionMachine.events.filter((t) => !t.startsWith('xstate.'));
    expect([...SESSION_EVENT_TYPES].sort()).toEqual([...handled].sort());
  });

  it('has the top-level states the client named, in order of the attendee flow', () => {
    expect(Object.keys(sessionMachine.root.states)).toEqual([
      'Waiting',
      'Crashed',
      'Estimated',
      'DealerChosen',
      'Booked',
    ]);
  });

  it('books by the shortest route: crash → analyse → estimate → review → dealer → slot → book → invoice', () => {
    const path = paths.find(
      (p) => JSON.stringify(p.state.value) === JSON.stringify({ Booked: 'confirmationShown' }),
    )!;
    expect(path.steps.map((s) => s.event.type)).toEqual([
      'xstate.init',
      'CRASH_REPORTED',
      'xstate.done.actor.analyzeDamage',
      'xstate.done.actor.estimateRepair',
      'CONTINUE',
      'CONTINUE',
      'xstate.done.actor.findDealers',
      'DEALER_CHOSEN',
      'xstate.done.actor.checkDealer',
      'SLOT_CHOSEN',
      'xstate.done.actor.bookAppointment',
      'xstate.done.actor.issueInvoice',
    ]);
  });

  it('shows a booking conflict only when the slot was taken, and a plain failure otherwise', () => {
    const conflict = paths.find(
      (p) => JSON.stringify(p.state.value) === JSON.stringify({ DealerChosen: 'bookingConflict' }),
    )!;
    expect(conflict.steps.at(-1)!.event).toMatchObject({
      type: 'xstate.error.actor.bookAppointment',
      error: { code: 'slot_taken' },
    });
    const failed = paths.find(
      (p) => JSON.stringify(p.state.value) === JSON.stringify({ DealerChosen: 'bookingFailed' }),
    )!;
    expect(failed.steps.at(-1)!.event).toMatchObject({ error: { code: 'internal_error' } });
  });
});

describe('a session at a station', () => {
  it('walks Waiting → Crashed → Estimated → DealerChosen → Booked, then the next driver gets a fresh session', async () => {
    const s = startStation();
    const seen: string[] = [];
    const first = s.session();
    first.subscribe((snap) =>
      seen.push(Object.keys(snap.value as object)[0] ?? String(snap.value)),
    );
    await driveToBooked(s);
    expect(s.step()).toBe('{"Booked":"confirmationShown"}');
    expect(s.session().getSnapshot().context.invoice).toEqual(invoice);
    expect([...new Set(seen)]).toEqual(['Crashed', 'Estimated', 'DealerChosen', 'Booked']);
    s.station.send({ type: 'NEXT_DRIVER' });
    expect(s.session()).not.toBe(first);
    expect(s.step()).toBe('{"Waiting":"driving"}');
    expect(s.station.getSnapshot().context.session_id).toBe('1-test-2');
    expect(s.station.getSnapshot().context.sessions_completed).toBe(1);
  });

  it('carries the request ids to the actors so retries are idempotent', async () => {
    const s = startStation({ bookAppointment: fail('internal_error') });
    await driveToBooked(s);
    expect(s.step()).toBe('{"DealerChosen":"bookingFailed"}');
    s.station.send({ type: 'RETRY' });
    await flush();
    expect(s.calls.book.map((b) => b.request_id)).toEqual(['b1', 'b1']);
    // The model candidates travel to the analysis, which weighs them by one rule.
    expect(s.calls.analyze[0]).toMatchObject({
      request_id: 'r1',
      session_id: '1-test-1',
      vehicle_model: null,
      station_model: 'tcross',
    });
  });

  it('ends the confirmation after its timeout on the XState clock', async () => {
    const s = startStation();
    await driveToBooked(s);
    s.clock.increment(timeouts.confirmation_ms - 1);
    expect(s.step()).toBe('{"Booked":"confirmationShown"}');
    s.clock.increment(1);
    expect(s.step()).toBe('{"Waiting":"driving"}');
  });

  it('gives up on an attendee who walked away, and restarts the idle timer on every screen change', async () => {
    const s = startStation();
    s.station.send({ type: 'CRASH_REPORTED', request_id: 'r1', telemetry: {} });
    await flush();
    s.clock.increment(timeouts.idle_ms - 1000);
    s.station.send({ type: 'CONTINUE' });
    s.clock.increment(timeouts.idle_ms - 1000);
    expect(s.step()).toBe('{"Estimated":"reviewingEstimate"}');
    s.clock.increment(1000);
    expect(s.step()).toBe('{"Waiting":"driving"}');
    expect(s.station.getSnapshot().context.sessions_abandoned).toBe(1);
  });

  it('gives up on a crashed car nobody asks to repair, so the next driver gets a fresh session', () => {
    const s = startStation();
    s.station.send({
      type: 'CRASH_DETECTED',
      telemetry: { damage: 4000 },
      total_damage: 4000,
      received_at: '2026-11-25T10:00:01Z',
    });
    // Live readings keep arriving; they do not count as the attendee being there.
    s.clock.increment(timeouts.idle_ms - 1);
    s.station.send({
      type: 'TELEMETRY_RECEIVED',
      telemetry: { damage: 4000 },
      total_damage: 4000,
      received_at: '2026-11-25T10:03:00Z',
    });
    expect(s.step()).toBe('{"Waiting":"crashDetected"}');
    s.clock.increment(1);
    expect(s.step()).toBe('{"Waiting":"driving"}');
    expect(s.station.getSnapshot().context.sessions_abandoned).toBe(1);
  });

  it('holds the latest telemetry while waiting and uses it when Repair My Car is pressed', async () => {
    const s = startStation();
    expect(s.session().getSnapshot().can({ type: 'REPAIR_REQUESTED', request_id: 'x' })).toBe(
      false,
    );
    s.station.send({
      type: 'TELEMETRY_RECEIVED',
      telemetry: { damage: 10 },
      total_damage: 10,
      received_at: '2026-11-25T10:00:00Z',
    });
    s.station.send({
      type: 'CRASH_DETECTED',
      telemetry: { damage: 4000 },
      total_damage: 4000,
      received_at: '2026-11-25T10:00:01Z',
    });
    expect(s.step()).toBe('{"Waiting":"crashDetected"}');
    s.station.send({ type: 'REPAIR_REQUESTED', request_id: 'r9' });
    await flush();
    expect(s.calls.analyze[0]).toMatchObject({ request_id: 'r9', telemetry: { damage: 4000 } });
    expect(s.step()).toBe('{"Estimated":"reviewingDamage"}');
  });

  it('lets staff enter damage by hand when analysis fails, and retries a failed estimate', async () => {
    let estimateFails = true;
    const s = startStation({
      analyzeDamage: fail('telemetry_invalid'),
      estimateRepair: () =>
        estimateFails
          ? Promise.reject(Object.assign(new Error('x'), { code: 'boom' }))
          : Promise.resolve(estimate),
    });
    s.station.send({ type: 'CRASH_REPORTED', request_id: 'r1', telemetry: { nonsense: true } });
    await flush();
    expect(s.step()).toBe('{"Crashed":"failed"}');
    expect(s.session().getSnapshot().context.error).toEqual({
      code: 'telemetry_invalid',
      message: 'telemetry_invalid happened',
    });
    expect(
      s
        .session()
        .getSnapshot()
        .can({ type: 'MANUAL_DAMAGE_ENTERED', request_id: 'm', telemetry: {} }),
    ).toBe(true);
    // Analysis now succeeds on the manual entry; the estimate fails once.
    const s2 = startStation({
      estimateRepair: () => (estimateFails ? fail('boom')() : Promise.resolve(estimate)),
    });
    s2.station.send({ type: 'CRASH_REPORTED', request_id: 'r1', telemetry: {} });
    await flush();
    expect(s2.step()).toBe('{"Crashed":"failed"}');
    estimateFails = false;
    s2.station.send({ type: 'RETRY' });
    await flush();
    expect(s2.step()).toBe('{"Estimated":"reviewingDamage"}');
    expect(s2.calls.analyze).toHaveLength(1); // the damage was kept: only the estimate ran again
  });

  it('offers fresh slots after a booking conflict and books the next one', async () => {
    let taken = true;
    const s = startStation({
      bookAppointment: () => (taken ? fail('slot_taken')() : Promise.resolve(appointment)),
    });
    await driveToBooked(s);
    expect(s.step()).toBe('{"DealerChosen":"bookingConflict"}');
    expect(s.session().getSnapshot().context.error?.code).toBe('slot_taken');
    taken = false;
    s.station.send({ type: 'SLOT_CHOSEN', request_id: 'b2', slot_start: slots[1]!.start });
    await flush();
    expect(s.step()).toBe('{"Booked":"confirmationShown"}');
  });

  it('refuses a dealer or slot it did not offer', async () => {
    const s = startStation();
    s.station.send({ type: 'CRASH_REPORTED', request_id: 'r1', telemetry: {} });
    await flush();
    s.station.send({ type: 'CONTINUE' });
    s.station.send({ type: 'CONTINUE' });
    await flush();
    expect(s.session().getSnapshot().can({ type: 'DEALER_CHOSEN', dealer_id: 'nowhere' })).toBe(
      false,
    );
    s.station.send({ type: 'DEALER_CHOSEN', dealer_id: 'vw-sp-001' });
    await flush();
    expect(
      s
        .session()
        .getSnapshot()
        .can({ type: 'SLOT_CHOSEN', request_id: 'x', slot_start: '2026-11-29T03:00:00-03:00' }),
    ).toBe(false);
  });

  it('books from outside: choosing the dealer first when it is still choosing one', async () => {
    const s = await atDealerList();
    const booking = {
      type: 'BOOKING_REQUESTED' as const,
      request_id: 'api-1',
      dealer_id: 'vw-sp-001',
      slot_start: slots[0]!.start,
    };
    expect(
      s
        .session()
        .getSnapshot()
        .can({ ...booking, dealer_id: 'nowhere' }),
    ).toBe(false);
    s.station.send(booking);
    await flush();
    expect(s.session().getSnapshot().value).toEqual({ Booked: 'confirmationShown' });
    expect(s.calls.book).toEqual([
      expect.objectContaining({
        request_id: 'api-1',
        dealer_id: 'vw-sp-001',
        slot_start: slots[0]!.start,
      }),
    ]);
  });

  it('books from outside a dealer already chosen, but not another one', async () => {
    const s = await atDealerList();
    s.station.send({ type: 'DEALER_CHOSEN', dealer_id: 'vw-sp-001' });
    await flush();
    const booking = {
      type: 'BOOKING_REQUESTED' as const,
      request_id: 'api-2',
      dealer_id: 'vw-sp-001',
      slot_start: slots[0]!.start,
    };
    expect(
      s
        .session()
        .getSnapshot()
        .can({ ...booking, dealer_id: 'vw-sp-002' }),
    ).toBe(false);
    s.station.send(booking);
    await flush();
    expect(s.session().getSnapshot().value).toEqual({ Booked: 'confirmationShown' });
    expect(s.calls.book.map((b) => b.request_id)).toEqual(['api-2']);
  });

  describe('staff reset works from any state', () => {
    const cases: [
      string,
      Parameters<typeof stubs>[0],
      (s: ReturnType<typeof startStation>) => Promise<void>,
    ][] = [
      [
        'Waiting.crashDetected',
        {},
        async (s) =>
          void s.station.send({
            type: 'CRASH_DETECTED',
            telemetry: {},
            total_damage: 1,
            received_at: '2026-11-25T10:00:00Z',
          }),
      ],
      [
        'Crashed.analysing',
        { analyzeDamage: hang },
        async (s) =>
          void s.station.send({ type: 'CRASH_REPORTED', request_id: 'r', telemetry: {} }),
      ],
      [
        'Crashed.failed',
        { analyzeDamage: fail('x') },
        async (s) => {
          s.station.send({ type: 'CRASH_REPORTED', request_id: 'r', telemetry: {} });
          await flush();
        },
      ],
      [
        'Estimated.choosingDealer.loading',
        { findDealers: hang },
        async (s) => {
          s.station.send({ type: 'CRASH_REPORTED', request_id: 'r', telemetry: {} });
          await flush();
          s.station.send({ type: 'CONTINUE' });
          s.station.send({ type: 'CONTINUE' });
        },
      ],
      ['DealerChosen.booking', { bookAppointment: hang }, driveToBooked],
      ['Booked.confirmationShown', {}, driveToBooked],
    ];
    for (const [name, overrides, arrange] of cases) {
      it(`from ${name}`, async () => {
        const s = startStation(overrides);
        await arrange(s);
        await flush();
        expect(s.step()).toBe(
          JSON.stringify(
            name
              .split('.')
              .reduceRight<unknown>((acc, k) => (acc === undefined ? k : { [k]: acc }), undefined),
          ),
        );
        const before = s.session();
        s.station.send({ type: 'STAFF_RESET', source: 'staff' });
        expect(s.session()).not.toBe(before);
        expect(s.step()).toBe('{"Waiting":"driving"}');
        expect(s.session().getSnapshot().context.telemetry).toBeNull();
        // A late answer from the old session's actor changes nothing.
        await flush();
        expect(s.step()).toBe('{"Waiting":"driving"}');
      });
    }
  });
});
