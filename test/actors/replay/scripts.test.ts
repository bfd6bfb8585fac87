/**
 * The shipped replay scripts (data/replays/): each drives its stations to a booking on a
 * SimulatedClock, the same script gives the same estimate, dealer and slot every time, and
 * rehearsals keep apart from the real floor — no slot held, their own invoice numbers, marked
 * in the history.
 */
import { describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../../actors/history.js';
import { stepRequestId } from '../../../actors/replay/runner.js';
import { drive } from '../../adapters/store/helpers.js';
import { replay, runToEnd, simulatedFloor } from './helpers.js';

const SHIPPED = ['tcross-front-crash', 'golf-side-swipe', 'rush-all-stations'];

describe('the shipped scripts', () => {
  it('ships at least the three the brand day needs, validated at start-up', () => {
    const { runtime } = simulatedFloor();
    expect(runtime.replays.scripts().map((s) => s.name)).toEqual(expect.arrayContaining(SHIPPED));
  });

  it.each(SHIPPED)('%s reaches Booked on every station it drives, as a rehearsal', async (name) => {
    const t = simulatedFloor();
    const { progress, sessions } = await replay(t, { script: name });
    expect(progress, JSON.stringify(progress.error)).toMatchObject({ status: 'done' });
    expect(progress.step).toBe(progress.of);
    const script = t.runtime.replays.script(name)!;
    const lanes = script.stations === 'all' ? t.runtime.floor.stations.length : script.stations;
    expect(progress.stations).toHaveLength(lanes);
    expect(sessions).toHaveLength(lanes);
    for (const session of sessions) {
      // Each ended with "next driver": the booking stands, the confirmation was shown.
      expect(session.step).toBe('Booked.closed');
      expect(session.appointment).toMatchObject({ status: 'rehearsal' });
      // Numbered in the dealer's rehearsal series, marked on every document.
      for (const document of session.invoice!.documents) {
        expect(document.series).toMatch(/-ENSAIO$/);
        expect(document.buyer.name).toContain('ENSAIO/REHEARSAL');
      }
      // Invoiced at the price of the dealer it chose (its state's taxes, its own rates).
      expect(session.dealer_estimate?.dealer_id).toBe(session.dealer?.dealer_id);
      expect(session.invoice?.grand_total).toBe(session.dealer_estimate?.grand_total);
    }
    // Every station has moved on to a fresh session, and the history marks the rehearsals.
    const history = t.runtime.floor.services.history({ limit: 50 }).sessions;
    for (const session of sessions) {
      expect(history.find((s) => s.session_id === session.session_id)).toMatchObject({
        outcome: 'completed',
        rehearsal: true,
      } satisfies Partial<SessionSummary>);
    }
  });

  it('rush-all-stations crashes every station within a few seconds', async () => {
    const t = simulatedFloor({ STATIONS: '5' });
    const { progress } = await replay(t, { script: 'rush-all-stations', station_id: '1' });
    expect(progress.status).toBe('done');
    const crashes = progress.sessions.map((s) => {
      const journal = t.runtime.floor.services.journalOf(s.session_id);
      return Date.parse(journal.find((e) => e.type === 'CRASH_DETECTED')!.at);
    });
    expect(crashes).toHaveLength(5);
    expect(Math.max(...crashes) - Math.min(...crashes)).toBeLessThanOrEqual(5_000);
  });

  it('sends every input through the door with source replay and its own request ids', async () => {
    const t = simulatedFloor();
    const { progress, sessions } = await replay(t, { script: 'tcross-front-crash' });
    const journal = t.runtime.floor.services.journalOf(sessions[0]!.session_id);
    const inputs = journal.filter((e) => !e.type.startsWith('xstate.'));
    expect(inputs.map((e) => e.type)).toEqual([
      'CRASH_DETECTED',
      // The press reports the held crash with its telemetry (a live rig cannot change it).
      'CRASH_REPORTED',
      'CONTINUE',
      'CONTINUE',
      'DEALER_CHOSEN',
      'SLOT_CHOSEN',
      'NEXT_DRIVER',
    ]);
    for (const e of inputs) {
      expect(e.source).toBe('replay');
      expect(e.correlation_id).toBe(progress.replay_id);
      expect(e.request_id).toMatch(new RegExp(`^${progress.replay_id}\\.\\d+\\.0$`));
    }
    expect(sessions[0]!.appointment!.request_id).toBe(stepRequestId(progress.replay_id, 5, 0));
  });
});

describe('determinism', () => {
  it('the same script gives the same estimate, dealer and slot every time', async () => {
    const t = simulatedFloor();
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await replay(t, { script: 'golf-side-swipe' }));
    const outcome = runs.map(({ sessions: [s] }) => ({
      grand_total: s!.estimate!.grand_total,
      parts_total: s!.estimate!.parts_total,
      labor_total: s!.estimate!.labor_total,
      tax: s!.estimate!.tax,
      dealer: s!.dealer!.dealer_id,
      slot: s!.appointment!.slot_start,
      invoice_total: s!.invoice!.grand_total,
    }));
    expect(outcome[1]).toEqual(outcome[0]);
    expect(outcome[2]).toEqual(outcome[0]);
    // Each run is its own rehearsal: new records, numbered on in the rehearsal sequence.
    const numbers = runs.map(({ sessions: [s] }) => s!.invoice!.documents[0]!.number);
    expect(new Set(numbers).size).toBe(3);
    expect(runs[0]!.sessions[0]!.appointment!.appointment_id).not.toBe(
      runs[1]!.sessions[0]!.appointment!.appointment_id,
    );
  });

  it('two stations rehearsing the same script at once both book the same slot', async () => {
    const t = simulatedFloor();
    const a = t.runtime.replays.start({ script: 'tcross-front-crash', station_id: '1' });
    const b = t.runtime.replays.start({ script: 'tcross-front-crash', station_id: '3' });
    const pa = await runToEnd(t.runtime, t.clock, a.replay_id);
    const pb = await runToEnd(t.runtime, t.clock, b.replay_id);
    expect([pa.status, pb.status]).toEqual(['done', 'done']);
    const [sa, sb] = [pa, pb].map((p) => t.runtime.floor.sessionView(p.sessions[0]!.session_id)!);
    expect(sa!.appointment!.slot_start).toBe(sb!.appointment!.slot_start);
    expect(sa!.estimate!.grand_total).toBe(sb!.estimate!.grand_total);
  });
});

describe('rehearsals keep apart from the real floor', () => {
  it('hold no slot, leave the slot list as it was, and burn no real invoice number', async () => {
    const t = simulatedFloor();
    const { sessions } = await replay(t, { script: 'tcross-front-crash', station_id: '1' });
    const rehearsed = sessions[0]!;
    const dealer = rehearsed.dealer!.dealer_id;
    // The slot it "booked" is still offered to everyone.
    const slots = t.runtime.floor.services.checkDealer(dealer, rehearsed.estimate!).slots;
    expect(slots[0]!.start).toBe(rehearsed.appointment!.slot_start);
    expect(t.runtime.store.takenSlots(dealer).size).toBe(0);
    // A real attendee then books that very slot, and gets the dealer's first real number.
    const real = await drive(t.runtime, '1', 'Booked');
    expect(real.dealer!.dealer_id).toBe(dealer);
    expect(real.appointment).toMatchObject({
      status: 'confirmed',
      slot_start: rehearsed.appointment!.slot_start,
    });
    expect(real.invoice!.documents.map((d) => [d.series, d.number])).toEqual([
      ['1', 1],
      ['NFS', 1],
    ]);
    expect(real.invoice!.documents[0]!.buyer.name).not.toContain('REHEARSAL');
    // The real booking holds its slot: the next rehearsal sees the list without it, every time.
    expect(t.runtime.store.takenSlots(dealer).has(Date.parse(real.appointment!.slot_start))).toBe(
      true,
    );
    t.runtime.floor.submit('1', { type: 'NEXT_DRIVER', payload: {} }, { source: 'kiosk' });
    const after = await replay(t, { script: 'tcross-front-crash', station_id: '1' });
    expect(after.progress.status).toBe('done');
    expect(after.sessions[0]!.appointment!.slot_start).toBe(slots[1]!.start);
    // The history tells the real session from the rehearsals.
    const history = t.runtime.floor.services.history({ limit: 10 }).sessions;
    expect(history.map((s) => [s.session_id, s.rehearsal])).toEqual([
      [after.sessions[0]!.session_id, true],
      [real.session_id, false],
      [rehearsed.session_id, true],
    ]);
  });
});
