/**
 * The dealer network's operations, over the store and the stock: find dealers (with what they
 * hold of an estimate's parts), price an estimate for a dealer, plan its parts, offer slots,
 * book, move and cancel. Each write is keyed by an id derived from the caller's request id.
 */
import type { Catalog } from '../catalog/load.js';
import { DomainError } from '../errors.js';
import { estimateRepair } from '../estimate/estimate.js';
import { invoiceOfBooking } from '../invoice.js';
import { shelfKey, SlotTakenError, type Inventory, type RecordStore } from '../ports.js';
import type {
  Appointment,
  Contact,
  Dealer,
  DealerAvailability,
  DealerHit,
  DealerService,
  PartsPlan,
  RepairEstimate,
  Slot,
} from '../../machines/schemas.js';
import { appointmentIdOf, dealerEstimateIdOf } from '../../machines/ids.js';
import type { BookAppointmentInput, DealerCheck, GeoPoint } from '../../machines/session.js';
import { cancelledError } from './holds.js';
import { availabilityOf, centreFor, planParts, type PartsNetwork } from './parts-plan.js';
import { searchDealers, type DealerQuery } from './search.js';
import { bayHold, openSlots, toLocalIso, workingDaysBetween } from './slots.js';

export interface DealerNetworkDeps {
  catalog: Catalog;
  dealers: readonly Dealer[];
  store: RecordStore;
  inventory: Inventory;
  /** The parts centres and the courier between dealers (data/parts-network.json). */
  network: PartsNetwork;
  /** A CEP or city name as a position (the offline table); null when unknown. */
  resolvePlace?: (q: string) => Place | null;
  now: () => Date;
}

/** A place a search starts from. */
export interface Place extends GeoPoint {
  label: string;
}

/** What a dealer search asks. */
export interface DealerSearch {
  radius_km?: number;
  service?: DealerService;
  /** A local date, yyyy-mm-dd: only dealers open that day. */
  open_on?: string;
  limit?: number;
  /** Say of each dealer what it holds of this estimate's parts. */
  estimate?: RepairEstimate | null;
}

/** The radius a dealer search covers when none is given (km). */
export const DEFAULT_RADIUS_KM = 50;
/** How long a parts plan shown on a screen holds for booking. */
const PLAN_HOLDS_MS = 30 * 60_000;
/** How many slots a 409 offers instead. */
const NEXT_SLOTS = 5;

/** How many dealers a kiosk offers. */
const DEALERS_OFFERED = 6;

export type DealerNetwork = ReturnType<typeof createDealerNetwork>;

export function createDealerNetwork(deps: DealerNetworkDeps) {
  const { catalog, store, inventory, network } = deps;
  const dealerById = new Map(deps.dealers.map((d) => [d.dealer_id, d]));

  function dealer(dealer_id: string): Dealer {
    const found = dealerById.get(dealer_id);
    if (!found) throw new DomainError('dealer_not_found', `No dealer "${dealer_id}"`);
    return found;
  }

  /** The slot a dealer's calendar has at that start (free or not); slot_not_offered otherwise. */
  function offeredSlot(dealer_id: string, slot_start: string): Slot {
    const start = Date.parse(slot_start);
    const found = openSlots(dealer(dealer_id), { now: deps.now(), days: 30, per_day: 24 }).find(
      (s) => Date.parse(s.start) === start,
    );
    if (!found) {
      throw new DomainError(
        'slot_not_offered',
        `Dealer ${dealer_id} offers no slot starting at ${slot_start}`,
      );
    }
    return found;
  }

  /** The market a dealer invoices in: its state's ("BR-RJ"), else the server's default. */
  function marketOf(found: Dealer) {
    return catalog.markets.get(`BR-${found.state}`) ?? catalog.markets.get(catalog.defaultMarket)!;
  }

  /** What each shelf can give now: on hand minus what confirmed bookings reserved. */
  function availableNow(): (dealer_id: string, part_number: string) => number {
    const reserved = store.reservedUnits();
    return (dealer_id, part_number) =>
      inventory.onHand(dealer_id, part_number) -
      (reserved.get(shelfKey(dealer_id, part_number)) ?? 0);
  }

  function planFor(
    found: Dealer,
    estimate: RepairEstimate,
    available = availableNow(),
    now = deps.now(),
  ): PartsPlan {
    return planParts({
      dealer: found,
      estimate,
      network: deps.dealers,
      available,
      centre: centreFor(network.centres, found),
      courier: network.courier,
      now,
    });
  }

  /** The repair's labour hours: how long it holds a bay. */
  const workHours = (estimate: RepairEstimate | null) =>
    (estimate?.labor ?? []).reduce((sum, l) => sum + l.hours, 0);

  /** Free drop-off slots from the plan's ready date, with a bay free for the whole repair. */
  function slotsFor(
    found: Dealer,
    estimate: RepairEstimate | null,
    plan: PartsPlan | null,
    days = 5,
  ): Slot[] {
    return openSlots(found, {
      now: deps.now(),
      days,
      ...(plan ? { earliest: new Date(plan.ready_date) } : {}),
      taken: store.takenSlots(found.dealer_id),
      busy: store.busyBays(found.dealer_id),
      work_hours: workHours(estimate),
    });
  }

  /** Working days (Mon–Fri) from today to the plan's ready date: the estimate's parts lead. */
  const leadDaysOf = (plan: PartsPlan) =>
    workingDaysBetween(Date.parse(plan.planned_at), Date.parse(plan.ready_date));

  /**
   * The estimate as a dealer prices it: its state's market (taxes, paint materials, sublets)
   * and its own labour rates, the parts plan's lead time in the duration; the same lines.
   * Version 2 of the estimate, made once per (estimate, dealer): a plan is made only when it is
   * not there yet, unless the caller has one.
   */
  function priceFor(base: RepairEstimate, found: Dealer, given?: PartsPlan): RepairEstimate {
    const estimate_id = dealerEstimateIdOf(base.estimate_id, found.dealer_id);
    const known = store.getEstimate(estimate_id);
    if (known) return known;
    const plan = given ?? planFor(found, base);
    const damage = store.getDamage(base.damage_report_id);
    const vehicle = catalog.vehicles.get(base.vehicle_model);
    if (!damage || !vehicle) {
      throw new DomainError(
        'estimate_not_found',
        `Estimate ${base.estimate_id} has no damage report`,
      );
    }
    const market = marketOf(found);
    // The orçamento's start and finish: the first free drop-off from the plan's ready date, and
    // the repair's labour hours worked from there in the dealer's opening hours.
    const first = slotsFor(found, base, plan, 1)[0];
    const start = first ? Date.parse(first.start) : null;
    const finish = start === null ? null : bayHold(found, start, workHours(base)).end;
    const priced = estimateRepair({
      damage,
      vehicle,
      market: { ...market, labour_rates: found.labour_rates },
      components: catalog.components,
      estimate_id,
      now: deps.now(),
      lead_days: leadDaysOf(plan),
      ...(start !== null && finish !== null
        ? { schedule: { start: new Date(start), finish: new Date(finish) } }
        : {}),
    });
    return store.saveEstimate({ ...priced, version: base.version + 1, dealer_id: found.dealer_id });
  }

  /** The estimate a booking at `found` is made on: the dealer's pricing of the one given. */
  function dealerEstimate(estimate_id: string, found: Dealer): RepairEstimate {
    const given = store.getEstimate(estimate_id);
    if (!given) throw new DomainError('estimate_not_found', `No estimate "${estimate_id}"`);
    if (given.dealer_id === found.dealer_id) return given;
    const base = given.dealer_id === null ? given : baseOf(given);
    return priceFor(base, found);
  }

  /** The venue's pricing a dealer's pricing was made from. */
  function baseOf(priced: RepairEstimate): RepairEstimate {
    const base_id = priced.estimate_id.slice(0, priced.estimate_id.lastIndexOf('@'));
    const base = store.getEstimate(base_id);
    if (!base) throw new DomainError('estimate_not_found', `No estimate "${base_id}"`);
    return base;
  }

  /** What a dealer holds of an estimate's parts, and when the repair could start there. */
  function availabilityAt(
    found: Dealer,
    estimate: RepairEstimate,
    available: (dealer_id: string, part_number: string) => number,
  ): DealerAvailability {
    const plan = planFor(found, estimate, available);
    const first = slotsFor(found, estimate, plan, 1)[0];
    return { ...availabilityOf(plan, dealerById), earliest_start: first?.start ?? null };
  }

  /** The clock a booking plans at: the plan shown to the attendee, if made within the last
   *  half hour (the stock is read as it is now), else now. */
  function planClock(planned_at: string | undefined, now: Date): Date {
    const at = planned_at ? Date.parse(planned_at) : NaN;
    return at <= now.getTime() && now.getTime() - at <= PLAN_HOLDS_MS ? new Date(at) : now;
  }

  /** A 409 for a slot that cannot be had, with the next free ones. */
  function slotRefusal(
    found: Dealer,
    slot_start: string,
    reason: 'taken' | 'no_bay' | 'before_ready',
    next_slots: Slot[],
  ): DomainError {
    const message = {
      taken: `The slot ${slot_start} at ${found.name} was just booked by someone else`,
      no_bay: `Every bay at ${found.name} is busy during a repair dropped off at ${slot_start}`,
      before_ready: `The parts cannot all be at ${found.name} by ${slot_start}`,
    }[reason];
    return new DomainError('slot_taken', message, {
      reason,
      next_slots: next_slots.slice(0, NEXT_SLOTS),
    });
  }

  function findDealers(location: GeoPoint, options: DealerSearch = {}): DealerHit[] {
    const query: DealerQuery = {
      ...location,
      radius_km: options.radius_km ?? DEFAULT_RADIUS_KM,
      limit: options.limit ?? DEALERS_OFFERED,
      ...(options.service ? { service: options.service } : {}),
      ...(options.open_on ? { open_on: options.open_on } : {}),
    };
    const hits = searchDealers(deps.dealers, query);
    const estimate = options.estimate ?? null;
    if (!estimate) return hits;
    const available = availableNow();
    return hits.map((hit) => ({
      ...hit,
      availability: availabilityAt(dealer(hit.dealer_id), estimate, available),
    }));
  }

  /** The chosen dealer for a session: its pricing, its parts plan and its free slots. */
  function checkDealer(dealer_id: string, estimate: RepairEstimate): DealerCheck {
    const found = dealer(dealer_id);
    const base = estimate.dealer_id === null ? estimate : baseOf(estimate);
    const plan = planFor(found, base);
    const priced = priceFor(base, found, plan);
    return { estimate: priced, plan, slots: slotsFor(found, priced, plan) };
  }

  /** Books a slot: the dealer's pricing, a fresh parts plan whose stock it reserves, the slot
   *  and a bay for the repair, in one store transaction. A rehearsal's booking (a replay's)
   *  holds nothing, so every run of a script sees the same slots and stock. */
  function book(req: BookAppointmentInput & { contact?: Contact | null }): Appointment {
    const appointment_id = appointmentIdOf(req.request_id);
    const known = store.getAppointment(appointment_id);
    if (known) return known;
    const found = dealer(req.dealer_id);
    const estimate = dealerEstimate(req.estimate_id, found);
    const offered = offeredSlot(req.dealer_id, req.slot_start);
    const start = Date.parse(offered.start);
    const now = deps.now();
    const available = availableNow();
    const plan = planFor(found, estimate, available, planClock(req.planned_at, now));
    const rehearsal = req.rehearsal === true;
    if (!rehearsal && start < Date.parse(plan.ready_date)) {
      throw slotRefusal(found, offered.start, 'before_ready', slotsFor(found, estimate, plan));
    }
    const hold = bayHold(found, start, workHours(estimate));
    const appointment: Appointment = {
      appointment_id,
      request_id: req.request_id,
      estimate_id: estimate.estimate_id,
      dealer_id: req.dealer_id,
      session_id: req.session_id,
      slot_start: offered.start,
      slot_end: offered.end,
      work_until: toLocalIso(hold.end),
      status: rehearsal ? 'rehearsal' : 'confirmed',
      parts_plan: plan,
      contact: req.contact ?? null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    const reservations = plan.lines.flatMap((line) => {
      if (line.source.kind === 'parts_centre') return [];
      const from = line.source.kind === 'own' ? found.dealer_id : line.source.dealer_id;
      return [{ dealer_id: from, part_number: line.part_number, quantity: line.quantity }];
    });
    try {
      // Its invoice is issued and numbered in the booking's own transaction.
      return store.book(
        appointment,
        {
          reservations,
          on_hand: (dealer_id, part_number) => inventory.onHand(dealer_id, part_number),
          bays: found.bays,
        },
        (next) =>
          invoiceOfBooking({
            appointment,
            estimate,
            dealer: found,
            market: catalog.markets.get(estimate.market),
            issued_at: now,
            next,
          }),
      );
    } catch (error) {
      if (error instanceof SlotTakenError) {
        throw slotRefusal(found, offered.start, error.reason, slotsFor(found, estimate, plan));
      }
      throw error;
    }
  }

  /** Moves an appointment to another slot of its dealer (no earlier than its parts' ready date). */
  function reschedule(appointment_id: string, slot_start: string): Appointment {
    const known = store.getAppointment(appointment_id);
    if (!known)
      throw new DomainError('appointment_not_found', `No appointment "${appointment_id}"`);
    if (known.status === 'cancelled') throw cancelledError(appointment_id);
    const found = dealer(known.dealer_id);
    const offered = offeredSlot(known.dealer_id, slot_start);
    const start = Date.parse(offered.start);
    if (start === Date.parse(known.slot_start)) return known;
    const estimate = store.getEstimate(known.estimate_id) ?? null;
    const plan = known.parts_plan;
    const next = () =>
      slotsFor(found, estimate, plan).filter(
        (s) => Date.parse(s.start) !== Date.parse(known.slot_start),
      );
    if (known.status === 'confirmed' && start < Date.parse(plan.ready_date)) {
      throw slotRefusal(found, offered.start, 'before_ready', next());
    }
    const hold = bayHold(found, start, workHours(estimate));
    try {
      return store.reschedule(
        appointment_id,
        {
          slot_start: offered.start,
          slot_end: offered.end,
          work_until: toLocalIso(hold.end),
          updated_at: deps.now().toISOString(),
        },
        found.bays,
      );
    } catch (error) {
      if (error instanceof SlotTakenError) {
        throw slotRefusal(found, offered.start, error.reason, next());
      }
      throw error;
    }
  }

  return {
    dealer,
    findDealers,
    checkDealer,
    offeredSlot,
    book,
    reschedule,
    /** Cancels an appointment: frees its slot and bay, puts its parts back on the shelves. */
    cancel: (appointment_id: string): Appointment =>
      store.cancel(appointment_id, deps.now().toISOString()),
    /** A dealer's free slots for an estimate (from its parts plan), or its drop-off slots. */
    dealerSlots(dealer_id: string, estimate_id: string | null) {
      const found = dealer(dealer_id);
      if (estimate_id === null) return { plan: null, slots: slotsFor(found, null, null) };
      const estimate = dealerEstimate(estimate_id, found);
      const plan = planFor(found, estimate);
      return { estimate, plan, slots: slotsFor(found, estimate, plan) };
    },
    /** The parts plan of an estimate at a dealer, as it stands now. */
    partsPlan(estimate_id: string, dealer_id: string): PartsPlan {
      const found = dealer(dealer_id);
      const estimate = store.getEstimate(estimate_id);
      if (!estimate) throw new DomainError('estimate_not_found', `No estimate "${estimate_id}"`);
      return planFor(found, estimate);
    },
    /** An estimate by id (the venue's pricing or a dealer's). */
    estimateById(estimate_id: string): RepairEstimate {
      const found = store.getEstimate(estimate_id);
      if (!found) throw new DomainError('estimate_not_found', `No estimate "${estimate_id}"`);
      return found;
    },
    /** A CEP or city name as a position; unknown_place otherwise. */
    place(q: string): Place {
      const place = deps.resolvePlace?.(q) ?? null;
      if (!place) {
        throw new DomainError(
          'unknown_place',
          `"${q}" is neither a CEP nor a city the offline table knows (greater São Paulo, Campinas, greater Rio)`,
        );
      }
      return place;
    },
  };
}
