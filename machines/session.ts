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
  PartsPlan,
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
  /** The model an API caller asked for explicitly with the crash (wins over everything). */
  requested_vehicle_model: string | null;
  /** The simulator's word for the car, from the live telemetry. */
  simulator_vehicle_model: string | null;
  live_damage: { total_damage: number; received_at: string } | null;
  crash_request_id: string | null;
  damage: DamageReport | null;
  estimate: RepairEstimate | null;
  dealers: DealerHit[];
  dealer: DealerHit | null;
  /** The estimate as the chosen dealer prices it, and how its parts get there. */
  dealer_estimate: RepairEstimate | null;
  parts_plan: PartsPlan | null;
  slots: Slot[];
  booking_request_id: string | null;
  slot_start: string | null;
  appointment: Appointment | null;
  invoice: Invoice | null;
  error: SessionError | null;
  ended: SessionEnd | null;
  /** Driven by a replay script: set by the first input with source `replay` that reaches it.
   *  Its booking then holds no slot and its invoice is numbered apart (actors/services.ts). */
  rehearsal: boolean;
}

/** Where an event came from and which request chain it belongs to; set by the floor's intake. */
interface Sourced {
  source?: EventSource;
  correlation_id?: string;
}

/** Live telemetry: the car's damage as the simulator (or the old mod) reports it. */
interface LiveTelemetry {
  telemetry: unknown;
  /** The simulator's word for the car, when it has one. */
  simulator_model?: string | null;
  total_damage: number;
  received_at: string;
}

export type SessionEvent = Sourced &
  (
    | ({ type: 'TELEMETRY_RECEIVED' } & LiveTelemetry)
    | ({ type: 'CRASH_DETECTED' } & LiveTelemetry)
    | {
        type: 'CRASH_REPORTED';
        request_id: string;
        telemetry: unknown;
        /** Asked for explicitly by the caller. */
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
    /** A booking made from outside the kiosk (the API with this session's id): choose the dealer
     *  if the session is still choosing one, then book the slot. */
    | { type: 'BOOKING_REQUESTED'; request_id: string; dealer_id: string; slot_start: string }
    | { type: 'NEXT_DRIVER' }
    | { type: 'SET_LOCALE'; locale: Locale }
  );

/** Why a session is over; once set, its station starts a fresh session (see machines/station.ts). */
export type SessionEnd = 'completed' | 'abandoned';

/** What analysing a crash needs; the model candidates are weighed by one rule (actors/services). */
export interface AnalyzeDamageInput {
  request_id: string;
  session_id: string | null;
  telemetry: unknown;
  /** Asked for explicitly: must be a known model. */
  vehicle_model?: string | null;
  /** The simulator's word for the car. */
  simulator_model?: string | null;
  /** The station's configured model. */
  station_model?: string | null;
}
export interface EstimateRepairInput {
  damage: DamageReport;
  market: string;
  session_id: string;
}
export interface FindDealersInput {
  location: GeoPoint;
  vehicle_model: string;
  /** Each dealer found says what it holds of this estimate's parts. */
  estimate: RepairEstimate | null;
}
export interface CheckDealerInput {
  dealer_id: string;
  estimate: RepairEstimate;
}
/** What checking the chosen dealer finds: its pricing, the parts plan, its free slots. */
export interface DealerCheck {
  estimate: RepairEstimate;
  plan: PartsPlan;
  slots: Slot[];
}
export interface BookAppointmentInput {
  request_id: string;
  /** Null for a stateless booking through the API. */
  session_id: string | null;
  estimate_id: string;
  dealer_id: string;
  slot_start: string;
  /** Booked by a rehearsal (a replay): holds no slot. Absent: a real booking. */
  rehearsal?: boolean;
  /** When the parts plan the attendee was shown was made: the booking plans at that clock (the
   *  stock as it is now), so a courier's arrival does not drift past the slot while they chose. */
  planned_at?: string;
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

/** What a session knows of its chosen dealer before it has checked it: nothing (fresh each time). */
const nothingAtTheDealer = () =>
  ({
    dealer_estimate: null,
    parts_plan: null,
    slots: [],
    booking_request_id: null,
    slot_start: null,
  }) satisfies Partial<SessionContext>;

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
    checkDealer: notProvided<DealerCheck, CheckDealerInput>('checkDealer'),
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
      assertEvent(event, ['SLOT_CHOSEN', 'BOOKING_REQUESTED']);
      return context.slots.some((s) => Date.parse(s.start) === Date.parse(event.slot_start));
    },
    isOfferedDealerBooking: ({ context, event }) => {
      assertEvent(event, 'BOOKING_REQUESTED');
      return context.dealers.some((d) => d.dealer_id === event.dealer_id);
    },
    isChosenDealerBooking: ({ context, event }) => {
      assertEvent(event, 'BOOKING_REQUESTED');
      return context.dealer?.dealer_id === event.dealer_id;
    },
    hasPendingBooking: ({ context }) => context.booking_request_id !== null,
    isSlotTaken: (_, params: { error: unknown }) =>
      toSessionError(params.error).code === 'slot_taken',
  },
  actions: {
    recordTelemetry: assign(({ event }) => {
      assertEvent(event, ['TELEMETRY_RECEIVED', 'CRASH_DETECTED']);
      return {
        telemetry: event.telemetry,
        simulator_vehicle_model: event.simulator_model ?? null,
        live_damage: { total_damage: event.total_damage, received_at: event.received_at },
      };
    }),
    recordCrash: assign(({ event }) => {
      assertEvent(event, ['CRASH_REPORTED', 'MANUAL_DAMAGE_ENTERED']);
      return {
        telemetry: event.telemetry,
        requested_vehicle_model:
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
    recordDealerChoice: assign(({ context, event }) => {
      assertEvent(event, ['DEALER_CHOSEN', 'BOOKING_REQUESTED']);
      return {
        // A booking asked for with the choice is recorded right after (recordSlotChoice).
        ...nothingAtTheDealer(),
        dealer: context.dealers.find((d) => d.dealer_id === event.dealer_id) ?? null,
        error: null,
      };
    }),
    recordSlotChoice: assign(({ event }) => {
      assertEvent(event, ['SLOT_CHOSEN', 'BOOKING_REQUESTED']);
      return { booking_request_id: event.request_id, slot_start: event.slot_start, error: null };
    }),
    recordDealerCheck: assign((_, params: { check: DealerCheck }) => ({
      dealer_estimate: params.check.estimate,
      parts_plan: params.check.plan,
      slots: params.check.slots,
    })),
    recordError: assign((_, params: { error: unknown }) => ({
      error: toSessionError(params.error),
    })),
    clearError: assign({ error: null }),
    forgetDealer: assign(() => ({ ...nothingAtTheDealer(), dealer: null })),
    setLocale: assign({
      locale: ({ event }) => {
        assertEvent(event, 'SET_LOCALE');
        return event.locale;
      },
    }),
    /** Every input that reaches the session passes here: one from a replay marks it a rehearsal. */
    noteSource: assign(({ context, event }) => ({
      rehearsal: context.rehearsal || event.source === 'replay',
    })),
    endCompleted: assign({ ended: 'completed' as const }),
    endAbandoned: assign({ ended: 'abandoned' as const }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    ...input,
    locale: input.locale ?? 'pt-BR',
    telemetry: null,
    requested_vehicle_model: null,
    simulator_vehicle_model: null,
    live_damage: null,
    crash_request_id: null,
    damage: null,
    estimate: null,
    dealers: [],
    dealer: null,
    dealer_estimate: null,
    parts_plan: null,
    slots: [],
    booking_request_id: null,
    slot_start: null,
    appointment: null,
    invoice: null,
    error: null,
    ended: null,
    rehearsal: false,
  }),
  initial: 'Waiting',
  on: {
    SET_LOCALE: { actions: ['noteSource', 'setLocale'] },
  },
  states: {
    Waiting: {
      initial: 'driving',
      on: {
        CRASH_REPORTED: { target: 'Crashed', actions: ['noteSource', 'recordCrash'] },
      },
      states: {
        driving: {
          on: {
            TELEMETRY_RECEIVED: { actions: ['noteSource', 'recordTelemetry'] },
            CRASH_DETECTED: { target: 'crashDetected', actions: ['noteSource', 'recordTelemetry'] },
          },
        },
        // "Repair My Car" is taken only after a crash: live telemetry of an undamaged car while
        // driving is not something to repair.
        crashDetected: {
          after: whenAttendeeIdle,
          on: {
            TELEMETRY_RECEIVED: { actions: ['noteSource', 'recordTelemetry'] },
            CRASH_DETECTED: { actions: ['noteSource', 'recordTelemetry'] },
            REPAIR_REQUESTED: {
              target: '#session.Crashed',
              actions: ['noteSource', 'recordRepairRequest'],
            },
          },
        },
      },
    },
    Crashed: {
      initial: 'analysing',
      states: {
        analysing: {
          // A crash that came with its telemetry was analysed (and its report stored) at the
          // floor's intake: this finds it. Telemetry the station held (a repair press) is
          // analysed here, once.
          invoke: {
            id: 'analyzeDamage',
            src: 'analyzeDamage',
            input: ({ context }) => ({
              request_id: context.crash_request_id ?? context.session_id,
              session_id: context.session_id,
              telemetry: context.telemetry,
              vehicle_model: context.requested_vehicle_model,
              simulator_model: context.simulator_vehicle_model,
              station_model: context.vehicle_model,
            }),
            onDone: {
              target: 'estimating',
              actions: assign({ damage: ({ event }) => event.output, error: null }),
            },
            onError: {
              target: 'failed',
              actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
            },
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
            onDone: {
              target: '#session.Estimated',
              actions: assign({ estimate: ({ event }) => event.output, error: null }),
            },
            onError: {
              target: 'failed',
              actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
            },
          },
        },
        failed: {
          after: whenAttendeeIdle,
          on: {
            RETRY: [
              { guard: 'hasDamage', target: 'estimating', actions: ['noteSource', 'clearError'] },
              { target: 'analysing', actions: ['noteSource', 'clearError'] },
            ],
            MANUAL_DAMAGE_ENTERED: { target: 'analysing', actions: ['noteSource', 'recordCrash'] },
          },
        },
      },
    },
    Estimated: {
      initial: 'reviewingDamage',
      states: {
        reviewingDamage: {
          after: whenAttendeeIdle,
          on: { CONTINUE: { target: 'reviewingEstimate', actions: 'noteSource' } },
        },
        reviewingEstimate: {
          after: whenAttendeeIdle,
          on: {
            CONTINUE: { target: 'choosingDealer', actions: 'noteSource' },
            BACK: { target: 'reviewingDamage', actions: 'noteSource' },
          },
        },
        choosingDealer: {
          initial: 'loading',
          on: { BACK: { target: 'reviewingEstimate', actions: 'noteSource' } },
          states: {
            loading: {
              invoke: {
                id: 'findDealers',
                src: 'findDealers',
                input: ({ context }) => ({
                  location: context.location,
                  vehicle_model: context.vehicle_model,
                  estimate: context.estimate,
                }),
                onDone: {
                  target: 'ready',
                  actions: assign({ dealers: ({ event }) => event.output, error: null }),
                },
                onError: {
                  target: 'failed',
                  actions: {
                    type: 'recordError',
                    params: ({ event }) => ({ error: event.error }),
                  },
                },
              },
            },
            ready: {
              after: whenAttendeeIdle,
              on: {
                DEALER_CHOSEN: {
                  guard: 'isOfferedDealer',
                  target: '#session.DealerChosen',
                  actions: ['noteSource', 'recordDealerChoice'],
                },
                BOOKING_REQUESTED: {
                  guard: 'isOfferedDealerBooking',
                  target: '#session.DealerChosen',
                  actions: ['noteSource', 'recordDealerChoice', 'recordSlotChoice'],
                },
              },
            },
            failed: {
              after: whenAttendeeIdle,
              on: { RETRY: { target: 'loading', actions: ['noteSource', 'clearError'] } },
            },
          },
        },
      },
    },
    DealerChosen: {
      initial: 'checkingDealer',
      on: {
        CHANGE_DEALER: {
          target: '#session.Estimated.choosingDealer',
          actions: ['noteSource', 'forgetDealer'],
        },
      },
      states: {
        checkingDealer: {
          invoke: {
            id: 'checkDealer',
            src: 'checkDealer',
            input: dealerCheckInput,
            onDone: [
              // Booked from outside while the dealer was still to be chosen: book straight on.
              {
                guard: 'hasPendingBooking',
                target: 'booking',
                actions: {
                  type: 'recordDealerCheck',
                  params: ({ event }) => ({ check: event.output }),
                },
              },
              {
                target: 'choosingSlot',
                actions: {
                  type: 'recordDealerCheck',
                  params: ({ event }) => ({ check: event.output }),
                },
              },
            ],
            onError: {
              target: 'dealerUnavailable',
              actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
            },
          },
        },
        dealerUnavailable: {
          after: whenAttendeeIdle,
          on: { RETRY: { target: 'checkingDealer', actions: ['noteSource', 'clearError'] } },
        },
        choosingSlot: {
          after: whenAttendeeIdle,
          on: {
            SLOT_CHOSEN: {
              guard: 'isOfferedSlot',
              target: 'booking',
              actions: ['noteSource', 'recordSlotChoice'],
            },
            BOOKING_REQUESTED: {
              guard: 'isChosenDealerBooking',
              target: 'booking',
              actions: ['noteSource', 'recordSlotChoice'],
            },
          },
        },
        booking: {
          invoke: {
            id: 'bookAppointment',
            src: 'bookAppointment',
            input: ({ context }) => ({
              request_id: context.booking_request_id!,
              session_id: context.session_id,
              estimate_id: (context.dealer_estimate ?? context.estimate!).estimate_id,
              dealer_id: context.dealer!.dealer_id,
              slot_start: context.slot_start!,
              // A snapshot stored before the field existed has none: a real booking.
              rehearsal: context.rehearsal === true,
              ...(context.parts_plan ? { planned_at: context.parts_plan.planned_at } : {}),
            }),
            onDone: {
              target: '#session.Booked',
              actions: assign({ appointment: ({ event }) => event.output, error: null }),
            },
            onError: [
              {
                guard: { type: 'isSlotTaken', params: ({ event }) => ({ error: event.error }) },
                target: 'bookingConflict',
                actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
              },
              {
                target: 'bookingFailed',
                actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
              },
            ],
          },
        },
        bookingConflict: {
          // The slot went to someone else between showing and booking: offer the fresh list.
          invoke: {
            id: 'refreshSlots',
            src: 'checkDealer',
            input: dealerCheckInput,
            onDone: {
              actions: {
                type: 'recordDealerCheck',
                params: ({ event }) => ({ check: event.output }),
              },
            },
            onError: {
              target: 'dealerUnavailable',
              actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
            },
          },
          after: whenAttendeeIdle,
          on: {
            SLOT_CHOSEN: {
              guard: 'isOfferedSlot',
              target: 'booking',
              actions: ['noteSource', 'recordSlotChoice'],
            },
            BOOKING_REQUESTED: {
              guard: 'isChosenDealerBooking',
              target: 'booking',
              actions: ['noteSource', 'recordSlotChoice'],
            },
          },
        },
        bookingFailed: {
          after: whenAttendeeIdle,
          on: {
            RETRY: { target: 'booking', actions: ['noteSource', 'clearError'] },
            BOOKING_REQUESTED: {
              guard: 'isChosenDealerBooking',
              target: 'booking',
              actions: ['noteSource', 'recordSlotChoice'],
            },
          },
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
            onDone: {
              target: 'confirmationShown',
              actions: assign({ invoice: ({ event }) => event.output }),
            },
            // The booking stands without an invoice document: show the confirmation and the error.
            onError: {
              target: 'confirmationShown',
              actions: { type: 'recordError', params: ({ event }) => ({ error: event.error }) },
            },
          },
        },
        confirmationShown: {
          after: { confirmation: { target: 'closed' } },
          on: { NEXT_DRIVER: { target: 'closed', actions: 'noteSource' } },
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
