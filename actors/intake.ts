/**
 * What an input does to a station's session, decided at the floor's one door (actors/floor.ts):
 * the domain steps every input of a kind needs, written once. A crash that comes with its
 * telemetry is parsed, analysed and stored here, once, so a refusal (bad telemetry, unknown
 * model) answers before anything moves and the session's analysis step finds the report. The
 * rest becomes the session event it stands for, refused when the session cannot take it now.
 */
import type { SnapshotFrom } from 'xstate';
import type { Envelope, PayloadOf } from '../machines/envelope.js';
import type { sessionMachine } from '../machines/session.js';
import type { StationEvent } from '../machines/station.js';
import { parseTelemetry, TelemetryError } from './damage/telemetry.js';
import { DomainError } from './errors.js';
import type { Services } from './services.js';
import { stepOf } from './session-view.js';

export type SessionSnapshot = SnapshotFrom<typeof sessionMachine>;

export interface IntakeDeps {
  services: Services;
  /** "Simulate a crash" on a station with a simulated rig: make the rig drive and crash. Returns
   *  false when the station has none; the intake then reports a recorded crash itself. */
  playCrash?: (station_id: string, sample?: string) => boolean;
  /** Recorded telemetry for "simulate a crash", per vehicle model. */
  crashSamples: (vehicle_model: string) => { id: string; telemetry: unknown }[];
  /** Picks a recorded crash when none is named; Math.random by default. */
  random?: () => number;
}

/** What the intake decided. */
export type Admission =
  /** Send this event to the station. */
  | { kind: 'send'; event: StationEvent }
  /** The session already took this request (a retry after a lost answer): nothing to do. */
  | { kind: 'duplicate' }
  /** Done by a side effect: the simulated rig plays a crash, and its link reports it. */
  | { kind: 'delegated' }
  | { kind: 'refused'; error: DomainError };

const refuse = (error: DomainError): Admission => ({ kind: 'refused', error });

/** The refusal for an input the session's state cannot take, naming the state. */
export function notAccepted(envelope: Envelope, session: SessionSnapshot, why?: string) {
  const step = stepOf(session.value);
  const reason = why ?? `cannot take ${envelope.type} now`;
  return new DomainError(
    'not_accepted',
    `Station ${envelope.station_id} ${reason} (session is in ${step})`,
    { state: step },
  );
}

/** Decides what `envelope` does to the station's current session. Never throws for bad input. */
export function admit(envelope: Envelope, session: SessionSnapshot, deps: IntakeDeps): Admission {
  try {
    return admitOrThrow(envelope, session, deps);
  } catch (err) {
    if (err instanceof DomainError) return refuse(err);
    if (err instanceof TelemetryError) {
      return refuse(new DomainError(err.code, err.message, err.issues));
    }
    throw err; // a bug of ours, not bad input
  }
}

function admitOrThrow(envelope: Envelope, session: SessionSnapshot, deps: IntakeDeps): Admission {
  const { context } = session;
  const meta = {
    source: envelope.source,
    correlation_id: envelope.correlation_id,
    request_id: envelope.request_id,
  };
  /** The event, if the session can take it now. */
  const send = (event: StationEvent): Admission =>
    event.type === 'STAFF_RESET' || session.can(event)
      ? { kind: 'send', event }
      : refuse(notAccepted(envelope, session));
  const requireWaiting = () => {
    if (!session.matches('Waiting')) {
      throw notAccepted(envelope, session, 'is busy with a session: wait or reset it');
    }
  };
  /** Analyses a crash that came with its telemetry and stores the report (once per request). */
  const analyse = (telemetry: unknown, vehicle_model: string | null = null) =>
    deps.services.analyze({
      request_id: envelope.request_id,
      session_id: context.session_id,
      telemetry,
      vehicle_model,
      station_model: context.vehicle_model,
    });
  const isRepeatOfCrash = context.crash_request_id === envelope.request_id;

  switch (envelope.type) {
    case 'STAFF_RESET':
      return send({ type: 'STAFF_RESET', ...meta });

    case 'SIMULATE_CRASH': {
      requireWaiting();
      const { sample } = envelope.payload;
      if (deps.playCrash?.(envelope.station_id, sample)) return { kind: 'delegated' };
      const telemetry = recordedCrash(context.vehicle_model, sample, deps);
      return admitOrThrow(
        { ...envelope, type: 'CRASH_REPORTED', payload: { telemetry } },
        session,
        deps,
      );
    }

    case 'CRASH_REPORTED': {
      if (isRepeatOfCrash) return { kind: 'duplicate' };
      requireWaiting();
      const vehicle_model = envelope.payload.vehicle_model ?? null;
      analyse(envelope.payload.telemetry, vehicle_model);
      return send({
        type: 'CRASH_REPORTED',
        telemetry: envelope.payload.telemetry,
        vehicle_model,
        ...meta,
      });
    }

    case 'MANUAL_DAMAGE_ENTERED': {
      if (isRepeatOfCrash) return { kind: 'duplicate' };
      const { telemetry } = envelope.payload;
      if (session.matches({ Crashed: 'failed' })) {
        // The simulator's data could not be analysed: staff's entry replaces it.
        analyse(telemetry);
        return send({ type: 'MANUAL_DAMAGE_ENTERED', telemetry, ...meta });
      }
      if (!session.matches('Waiting')) {
        throw notAccepted(
          envelope,
          session,
          'takes manual damage only while waiting or after a failed analysis',
        );
      }
      analyse(telemetry);
      return send({ type: 'CRASH_REPORTED', telemetry, vehicle_model: null, ...meta });
    }

    case 'REPAIR_REQUESTED': {
      if (isRepeatOfCrash) return { kind: 'duplicate' };
      if (!session.matches('Waiting')) {
        throw notAccepted(envelope, session, 'is not waiting for a crash');
      }
      if (context.telemetry === null) {
        throw new DomainError(
          'no_telemetry',
          `Station ${envelope.station_id} holds no telemetry yet: crash first`,
        );
      }
      if (!session.matches({ Waiting: 'crashDetected' })) {
        throw new DomainError(
          'no_crash',
          `Station ${envelope.station_id} has live telemetry but no crash yet (damage ${context.live_damage?.total_damage ?? 0})`,
        );
      }
      // The telemetry the station holds is analysed once, by the session's analysis step.
      return send({ type: 'REPAIR_REQUESTED', ...meta });
    }

    case 'TELEMETRY_RECEIVED':
    case 'CRASH_DETECTED': {
      // The link's readings were validated by its adapter; anything else is read here, so
      // unreadable telemetry is refused before the session holds it.
      if (envelope.source !== 'simulator') parseTelemetry(envelope.payload.telemetry);
      if (envelope.type === 'CRASH_DETECTED') requireWaiting();
      return send({ type: envelope.type, ...envelope.payload, ...meta });
    }

    case 'BOOKING_REQUESTED':
      if (
        context.appointment?.request_id === envelope.request_id ||
        context.booking_request_id === envelope.request_id
      ) {
        return { kind: 'duplicate' };
      }
      checkBooking(envelope, session, deps);
      return send({ type: 'BOOKING_REQUESTED', ...envelope.payload, ...meta });

    case 'DEALER_CHOSEN':
      return send({ type: 'DEALER_CHOSEN', ...envelope.payload, ...meta });
    case 'SLOT_CHOSEN':
      return send({ type: 'SLOT_CHOSEN', ...envelope.payload, ...meta });
    case 'SET_LOCALE':
      return send({ type: 'SET_LOCALE', ...envelope.payload, ...meta });
    case 'RETRY':
    case 'CONTINUE':
    case 'BACK':
    case 'CHANGE_DEALER':
    case 'NEXT_DRIVER':
      return send({ type: envelope.type, ...meta });
  }
}

/** The telemetry of a recorded crash for the model: the one named, else one at random. */
function recordedCrash(vehicle_model: string, sample: string | undefined, deps: IntakeDeps) {
  const samples = deps.crashSamples(vehicle_model);
  const random = deps.random ?? Math.random;
  const chosen = sample
    ? samples.find((s) => s.id === sample)
    : samples[Math.floor(random() * samples.length)];
  if (!chosen) {
    throw new DomainError(
      'sample_not_found',
      `No recorded crash ${sample ?? ''} for ${vehicle_model}`.replace('  ', ' '),
    );
  }
  return chosen.telemetry;
}

/** A booking from outside the kiosk must fit what the session is doing; refused otherwise. */
function checkBooking(
  envelope: Extract<Envelope, { type: 'BOOKING_REQUESTED' }>,
  session: SessionSnapshot,
  deps: IntakeDeps,
): void {
  const { context } = session;
  const booking: PayloadOf<'BOOKING_REQUESTED'> = envelope.payload;
  const choosingDealer = session.matches({ Estimated: { choosingDealer: 'ready' } });
  const choosingSlot =
    session.matches({ DealerChosen: 'choosingSlot' }) ||
    session.matches({ DealerChosen: 'bookingConflict' }) ||
    session.matches({ DealerChosen: 'bookingFailed' });
  if (!choosingDealer && !choosingSlot) {
    throw notAccepted(envelope, session, 'cannot book now');
  }
  // The venue's pricing, or the chosen dealer's (the booking is made on the dealer's either way).
  const held = [context.estimate?.estimate_id, context.dealer_estimate?.estimate_id];
  if (!held.includes(booking.estimate_id)) {
    throw new DomainError(
      'estimate_mismatch',
      `Session ${context.session_id} holds estimate ${context.estimate?.estimate_id ?? 'none'}, not ${booking.estimate_id}`,
      { estimate_id: context.estimate?.estimate_id ?? null },
    );
  }
  if (choosingDealer && !context.dealers.some((d) => d.dealer_id === booking.dealer_id)) {
    throw new DomainError(
      'dealer_not_offered',
      `Session ${context.session_id} offers dealers ${context.dealers.map((d) => d.dealer_id).join(', ')}, not ${booking.dealer_id}`,
      { dealers: context.dealers.map((d) => d.dealer_id) },
    );
  }
  if (choosingSlot && context.dealer?.dealer_id !== booking.dealer_id) {
    throw notAccepted(
      envelope,
      session,
      `has chosen dealer ${context.dealer?.dealer_id ?? 'none'}: change the dealer first`,
    );
  }
  deps.services.offeredSlot(booking.dealer_id, booking.slot_start);
}
