/**
 * One attendee's run at one station: Waiting → Crashed → Estimated → DealerChosen → Booked.
 *
 * Pure statechart: the actors it invokes are stand-ins here and are provided where the floor is
 * assembled (`sessionMachine.provide({ actors })`). Context is plain JSON so a snapshot can be
 * persisted and restored. Every side effect an invoked actor performs is keyed by a request id
 * carried in context, so running it twice (a retry, a restore) does the same thing once.
 * Time only goes through XState's clock (`after`), so tests and replays use SimulatedClock.
 */
import { assertEvent, assign, fromPromise, setup } from 'xstate';
import type {
  Appointment,
  DamageReport,
  DealerHit,
  EventSource,
  Invoice,
  Locale,
  RepairEstimate,
  SessionError,
  Slot,
} from './schemas.js';

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface SessionTimeouts {
  /** The attendee walked away from a screen waiting on them. */
  idle_ms: number;
  /** How long the appointment confirmation stays before the next driver. */
  confirmation_ms: number;
}

export interface SessionInput {
  station_id: string;
  session_id: string;
  vehicle_model: string;
  market: string;
  location: GeoPoint;
  timeouts: SessionTimeouts;
  locale?: Locale;
}

export interface SessionContext extends SessionInput {
  locale: Locale;
  /** Latest telemetry the station holds (raw JSON, any accepted shape). */
  telemetry: unknown;
  telemetry_vehicle_model: string | null;
  live_damage: { total_damage: number; received_at: string } | null;
  crash_request_id: string | null;
  damage: DamageReport | null;
  estimate: RepairEstimate | null;
  dealers: DealerHit[];
  dealer: DealerHit | null;
  slots: Slot[];
  booking_request_id: string | null;
  slot_start: string | null;
  appointment: Appointment | null;
  invoice: Invoice | null;
  error: SessionError | null;
  ended: SessionEnd | null;
}

interface Sourced {
  source?: EventSource;
}

export type SessionEvent = Sourced &
  (
    | {
        type: 'TELEMETRY_RECEIVED';
        telemetry: unknown;
        vehicle_model?: string | null;
        total_damage: number;
        received_at: string;
      }
    | {
        type: 'CRASH_DETECTED';
        telemetry: unknown;
        vehicle_model?: string | null;
        total_damage: number;
        received_at: string;
      }
    | {
        type: 'CRASH_REPORTED';
        request_id: string;
        telemetry: unknown;
        vehicle_model?: string | null;
      }
    | { type: 'REPAIR_REQUESTED'; request_id: string }
    | { type: 'MANUAL_DAMAGE_ENTERED'; request_id: string; telemetry: unknown }
    | { type: 'RETRY' }
    | { type: 'CONTINUE' }
    | { type: 'BACK' }
    | { type: 'DEALER_CHOSEN'; dealer_id: string }
    | { type: 'CHANGE_DEALER' }
    | { type: 'SLOT_CHOSEN'; request_id: string; slot_start: string }
    | { type: 'NEXT_DRIVER' }
    | { type: 'SET_LOCALE'; locale: Locale }
  );

/** Why a session is over; once set, its station starts a fresh session (see machines/station.ts). */
export type SessionEnd = 'completed' | 'abandoned';

export interface AnalyzeDamageInput {
  request_id: string;
  session_id: string;
  telemetry: unknown;
  vehicle_model: string;
}
export interface EstimateRepairInput {
  damage: DamageReport;
  market: string;
  session_id: string;
}
export interface FindDealersInput {
  location: GeoPoint;
  vehicle_model: string;
}
export interface CheckDealerInput {
  dealer_id: string;
  estimate: RepairEstimate;
}
export interface BookAppointmentInput {
  request_id: string;
  session_id: string;
  estimate_id: string;
  dealer_id: string;
  slot_start: string;
}
export interface IssueInvoiceInput {
  appointment: Appointment;
}

/** Stand-in for an actor the floor must provide: fails loudly, so a missing wire shows on screen. */
function notProvided<TOutput, TInput>(name: string) {
  return fromPromise<TOutput, TInput>(async () => {
    throw Object.assign(new Error(`${name} is not wired in this build`), { code: 'not_provided' });
  });
}

/** Turns whatever an invoked actor threw into an error a screen can show. */
export function toSessionError(error: unknown): SessionError {
  if (error && typeof error === 'object') {
    const e = error as { code?: unknown; message?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : 'internal_error',
      message: typeof e.message === 'string' ? e.message : 'Unexpected error',
    };
  }
  return { code: 'internal_error', message: String(error) };
}

const whenAttendeeIdle = { idle: { actions: 'endAbandoned' as const } };

/** What checking the chosen dealer needs: the first check and the refresh after a conflict alike. */
const dealerCheckInput = ({ context }: { context: SessionContext }): CheckDealerInput => ({
  dealer_id: context.dealer!.dealer_id,
  estimate: context.estimate!,
});

export const sessionMachine = setup({
  types: {
    context: {} as SessionContext,
    events: {} as SessionEvent,
    input: {} as SessionInput,
  },
  actors: {
    analyzeDamage: notProvided<DamageReport, AnalyzeDamageInput>('analyzeDamage'),
    estimateRepair: notProvided<RepairEstimate, EstimateRepairInput>('estimateRepair'),
    findDealers: notProvided<DealerHit[], FindDealersInput>('findDealers'),
    checkDealer: notProvided<Slot[], CheckDealerInput>('checkDealer'),
    bookAppointment: notProvided<Appointment, BookAppointmentInput>('bookAppointment'),
    issueInvoice: notProvided<Invoice, IssueInvoiceInput>('issueInvoice'),
  },
  delays: {
    idle: ({ context }) => context.timeouts.idle_ms,
    confirmation: ({ context }) => context.timeouts.confirmation_ms,
  },
  guards: {
    hasDamage: ({ context }) => context.damage !== null,
    isOfferedDealer: ({ context, event }) => {
      assertEvent(event, 'DEALER_CHOSEN');
      return context.dealers.some((d) => d.dealer_id === event.dealer_id);
    },
    isOfferedSlot: ({ context, event }) => {
      assertEvent(event, 'SLOT_CHOSEN');
      return context.slots.some((s) => Date.parse(s.start) === Date.parse(event.slot_start));
    },
    isSlotTaken: ({ event }) =>
      toSessionError((event as { error?: unknown }).error).code === 'slot_taken',
  },
  actions: {
    recordTelemetry: assign(({ event }) => {
      assertEvent(event, ['TELEMETRY_RECEIVED', 'CRASH_DETECTED']);
      return {
        telemetry: event.telemetry,
        telemetry_vehicle_model: event.vehicle_model ?? null,
        live_damage: { total_damage: event.total_damage, received_at: event.received_at },
      };
    }),
    recordCrash: assign(({ event }) => {
      assertEvent(event, ['CRASH_REPORTED', 'MANUAL_DAMAGE_ENTERED']);
      return {
        telemetry: event.telemetry,
        telemetry_vehicle_model:
          event.type === 'CRASH_REPORTED' ? (event.vehicle_model ?? null) : null,
        crash_request_id: event.request_id,
        damage: null,
        estimate: null,
        error: null,
      };
    }),
    recordRepairRequest: assign(({ event }) => {
      assertEvent(event, 'REPAIR_REQUESTED');
      return { crash_request_id: event.request_id, damage: null, estimate: null, error: null };
    }),
    recordDamage: assign({
      damage: ({ event }) => (event as unknown as { output: DamageReport }).output,
      error: null,
    }),
    recordEstimate: assign({
      estimate: ({ event }) => (event as unknown as { output: RepairEstimate }).output,
      error: null,
    }),
    recordDealers: assign({
      dealers: ({ event }) => (event as unknown as { output: DealerHit[] }).output,
      error: null,
    }),
    recordDealerChoice: assign(({ context, event }) => {
      assertEvent(event, 'DEALER_CHOSEN');
      return {
        dealer: context.dealers.find((d) => d.dealer_id === event.dealer_id) ?? null,
        slots: [],
        error: null,
      };
    }),
    recordSlots: assign({ slots: ({ event }) => (event as unknown as { output: Slot[] }).output }),
    recordSlotChoice: assign(({ event }) => {
      assertEvent(event, 'SLOT_CHOSEN');
      return { booking_request_id: event.request_id, slot_start: event.slot_start, error: null };
    }),
    recordAppointment: assign({
      appointment: ({ event }) => (event as unknown as { output: Appointment }).output,
      error: null,
    }),
    recordInvoice: assign({
      invoice: ({ event }) => (event as unknown as { output: Invoice }).output,
    }),
    recordError: assign({
      error: ({ event }) => toSessionError((event as { error?: unknown }).error),
    }),
    clearError: assign({ error: null }),
    forgetDealer: assign({ dealer: null, slots: [], booking_request_id: null, slot_start: null }),
    setLocale: assign({
      locale: ({ event }) => {
        assertEvent(event, 'SET_LOCALE');
        return event.locale;
      },
    }),
    endCompleted: assign({ ended: 'completed' as const }),
    endAbandoned: assign({ ended: 'abandoned' as const }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    ...input,
    locale: input.locale ?? 'pt-BR',
    telemetry: null,
    telemetry_vehicle_model: null,
    live_damage: null,
    crash_request_id: null,
    damage: null,
    estimate: null,
    dealers: [],
    dealer: null,
    slots: [],
    booking_request_id: null,
    slot_start: null,
    appointment: null,
    invoice: null,
    error: null,
    ended: null,
  }),
  initial: 'Waiting',
  on: {
    SET_LOCALE: { actions: 'setLocale' },
  },
  states: {
    Waiting: {
      initial: 'driving',
      on: {
        CRASH_REPORTED: { target: 'Crashed', actions: 'recordCrash' },
      },
      states: {
        driving: {
          on: {
            TELEMETRY_RECEIVED: { actions: 'recordTelemetry' },
            CRASH_DETECTED: { target: 'crashDetected', actions: 'recordTelemetry' },
          },
        },
        // "Repair My Car" is taken only after a crash: live telemetry of an undamaged car while
        // driving is not something to repair.
        crashDetected: {
          after: whenAttendeeIdle,
          on: {
            TELEMETRY_RECEIVED: { actions: 'recordTelemetry' },
            CRASH_DETECTED: { actions: 'recordTelemetry' },
            REPAIR_REQUESTED: { target: '#session.Crashed', actions: 'recordRepairRequest' },
          },
        },
      },
    },
    Crashed: {
      initial: 'analysing',
      states: {
        analysing: {
          invoke: {
            id: 'analyzeDamage',
            src: 'analyzeDamage',
            input: ({ context }) => ({
              request_id: context.crash_request_id ?? context.session_id,
              session_id: context.session_id,
              telemetry: context.telemetry,
              vehicle_model: context.telemetry_vehicle_model ?? context.vehicle_model,
            }),
            onDone: { target: 'estimating', actions: 'recordDamage' },
            onError: { target: 'failed', actions: 'recordError' },
          },
        },
        estimating: {
          invoke: {
            id: 'estimateRepair',
            src: 'estimateRepair',
            input: ({ context }) => ({
              damage: context.damage!,
              market: context.market,
              session_id: context.session_id,
            }),
            onDone: { target: '#session.Estimated', actions: 'recordEstimate' },
            onError: { target: 'failed', actions: 'recordError' },
          },
        },
        failed: {
          after: whenAttendeeIdle,
          on: {
            RETRY: [
              { guard: 'hasDamage', target: 'estimating', actions: 'clearError' },
              { target: 'analysing', actions: 'clearError' },
            ],
            MANUAL_DAMAGE_ENTERED: { target: 'analysing', actions: 'recordCrash' },
          },
        },
      },
    },
    Estimated: {
      initial: 'reviewingDamage',
      states: {
        reviewingDamage: {
          after: whenAttendeeIdle,
          on: { CONTINUE: 'reviewingEstimate' },
        },
        reviewingEstimate: {
          after: whenAttendeeIdle,
          on: { CONTINUE: 'choosingDealer', BACK: 'reviewingDamage' },
        },
        choosingDealer: {
          initial: 'loading',
          on: { BACK: 'reviewingEstimate' },
          states: {
            loading: {
              invoke: {
                id: 'findDealers',
                src: 'findDealers',
                input: ({ context }) => ({
                  location: context.location,
                  vehicle_model: context.vehicle_model,
                }),
                onDone: { target: 'ready', actions: 'recordDealers' },
                onError: { target: 'failed', actions: 'recordError' },
              },
            },
            ready: {
              after: whenAttendeeIdle,
              on: {
                DEALER_CHOSEN: {
                  guard: 'isOfferedDealer',
                  target: '#session.DealerChosen',
                  actions: 'recordDealerChoice',
                },
              },
            },
            failed: {
              after: whenAttendeeIdle,
              on: { RETRY: { target: 'loading', actions: 'clearError' } },
            },
          },
        },
      },
    },
    DealerChosen: {
      initial: 'checkingDealer',
      on: {
        CHANGE_DEALER: { target: '#session.Estimated.choosingDealer', actions: 'forgetDealer' },
      },
      states: {
        checkingDealer: {
          invoke: {
            id: 'checkDealer',
            src: 'checkDealer',
            input: dealerCheckInput,
            onDone: { target: 'choosingSlot', actions: 'recordSlots' },
            onError: { target: 'dealerUnavailable', actions: 'recordError' },
          },
        },
        dealerUnavailable: {
          after: whenAttendeeIdle,
          on: { RETRY: { target: 'checkingDealer', actions: 'clearError' } },
        },
        choosingSlot: {
          after: whenAttendeeIdle,
          on: {
            SLOT_CHOSEN: { guard: 'isOfferedSlot', target: 'booking', actions: 'recordSlotChoice' },
          },
        },
        booking: {
          invoke: {
            id: 'bookAppointment',
            src: 'bookAppointment',
            input: ({ context }) => ({
              request_id: context.booking_request_id!,
              session_id: context.session_id,
              estimate_id: context.estimate!.estimate_id,
              dealer_id: context.dealer!.dealer_id,
              slot_start: context.slot_start!,
            }),
            onDone: { target: '#session.Booked', actions: 'recordAppointment' },
            onError: [
              { guard: 'isSlotTaken', target: 'bookingConflict', actions: 'recordError' },
              { target: 'bookingFailed', actions: 'recordError' },
            ],
          },
        },
        bookingConflict: {
          // The slot went to someone else between showing and booking: offer the fresh list.
          invoke: {
            id: 'refreshSlots',
            src: 'checkDealer',
            input: dealerCheckInput,
            onDone: { actions: 'recordSlots' },
            onError: { target: 'dealerUnavailable', actions: 'recordError' },
          },
          after: whenAttendeeIdle,
          on: {
            SLOT_CHOSEN: { guard: 'isOfferedSlot', target: 'booking', actions: 'recordSlotChoice' },
          },
        },
        bookingFailed: {
          after: whenAttendeeIdle,
          on: { RETRY: { target: 'booking', actions: 'clearError' } },
        },
      },
    },
    Booked: {
      initial: 'issuingInvoice',
      states: {
        issuingInvoice: {
          invoke: {
            id: 'issueInvoice',
            src: 'issueInvoice',
            input: ({ context }) => ({ appointment: context.appointment! }),
            onDone: { target: 'confirmationShown', actions: 'recordInvoice' },
            // The booking stands without an invoice document: show the confirmation and the error.
            onError: { target: 'confirmationShown', actions: 'recordError' },
          },
        },
        confirmationShown: {
          after: { confirmation: { target: 'closed' } },
          on: { NEXT_DRIVER: 'closed' },
        },
        closed: {
          type: 'final',
          entry: 'endCompleted',
        },
      },
    },
  },
});

export type SessionMachine = typeof sessionMachine;
