/**
 * The parts plan: how every part of an estimate gets onto one dealer's shelf, the cheapest way,
 * then the fastest. Pure and deterministic: the stock (what each dealer can give, reservations
 * taken off), the clock and the network are inputs.
 *
 * Rules:
 * - A part the dealer has enough of is its own ("own"), on site now, free.
 * - A missing part comes whole from one source: another dealer within the courier's radius
 *   that has enough of it ("dealer", one courier trip per sending dealer whatever it carries),
 *   or the state's regional parts centre ("parts_centre", which holds everything; one freight
 *   charge per order, delivered after its lead time in working days).
 * - Cheapest first: if any missing part is held by no dealer nearby, the parts centre is needed
 *   anyway, and its one freight then carries every missing part for no more (and no later: the
 *   ready date is the centre's). Otherwise the couriers are chosen greedily — the sending dealer
 *   with the lowest trip cost per part it can still bring, ties to the earlier arrival, the
 *   nearer, the lower id — and used when their trips together cost no more than the centre's
 *   freight (a tie goes to the couriers: they are faster); else the parts centre.
 * - A trip's cost is the courier's base plus its rate per road km; it leaves when the sender
 *   is open, drives after packing (to the minute), and is received when the repairing dealer
 *   is open. A trip's
 *   or order's cost is split over its lines to the cent (the remainder on the first lines).
 */
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import {
  Id,
  Money,
  type Dealer,
  type PartsPlan,
  type PartSource,
  type PlanLine,
  type PlanShipment,
  type RepairEstimate,
} from '../../machines/schemas.js';
import { money } from '../estimate/money.js';
import { distanceKm } from './search.js';
import { deliveryAfterWorkingDays, nextOpenAt, toLocalIso } from './slots.js';

export const PartsCentre = z.object({
  id: Id,
  name: z.string().min(1),
  /** The states (UF) whose dealers order from it. */
  states: z.array(z.string().length(2)).min(1),
  lat: z.number(),
  lon: z.number(),
  lead_working_days: z.number().int().nonnegative(),
  order_freight: Money,
});
export type PartsCentre = z.infer<typeof PartsCentre>;

export const Courier = z.object({
  base: Money,
  per_km: Money,
  road_factor: z.number().min(1),
  km_per_hour: z.number().positive(),
  handling_minutes: z.number().nonnegative(),
  radius_km: z.number().positive(),
});
export type Courier = z.infer<typeof Courier>;

export const PartsNetworkFile = z.object({
  $comment: z.string().optional(),
  centres: z.array(PartsCentre).min(1),
  courier: Courier,
});
export type PartsNetwork = z.infer<typeof PartsNetworkFile>;

export interface PlanInput {
  /** The repairing dealer. */
  dealer: Dealer;
  estimate: Pick<RepairEstimate, 'estimate_id' | 'currency' | 'parts'>;
  /** Every dealer (the repairing one is skipped as a sender). */
  network: readonly Dealer[];
  /** Units a dealer can give now: on hand minus what bookings have reserved. */
  available: (dealer_id: string, part_number: string) => number;
  centre: PartsCentre;
  courier: Courier;
  now: Date;
}

/** The parts centre a dealer orders from; the first one when none names its state. */
export function centreFor(centres: readonly PartsCentre[], dealer: Pick<Dealer, 'state'>) {
  return centres.find((c) => c.states.includes(dealer.state)) ?? centres[0]!;
}

interface Need {
  part_number: string;
  part_name: string;
  quantity: number;
}

/** The estimate's parts, one per part number (quantities summed), in line order. */
function needsOf(parts: PlanInput['estimate']['parts']): Need[] {
  const byNumber = new Map<string, Need>();
  for (const p of [...parts].sort((a, b) => a.line_no - b.line_no)) {
    const known = byNumber.get(p.part_number);
    if (known) known.quantity += p.quantity;
    else
      byNumber.set(p.part_number, {
        part_number: p.part_number,
        part_name: p.part_name,
        quantity: p.quantity,
      });
  }
  return [...byNumber.values()];
}

/** A courier trip from one sending dealer. */
interface Trip {
  sender: Dealer;
  distance_km: number;
  cost: Decimal;
  eta: number;
  holds: Set<string>;
}

/** `total` split over `n` lines to the cent, the remainder on the first lines. */
function split(total: Decimal, n: number): Decimal[] {
  const cents = total.times(100).toNumber();
  const each = Math.floor(cents / n);
  return Array.from({ length: n }, (_, i) =>
    new Decimal(each + (i < cents - each * n ? 1 : 0)).dividedBy(100),
  );
}

const round1 = (km: number) => Math.round(km * 10) / 10;

/** When a courier leaving `sender` now is received at `dealer`; null if either never opens. */
function courierEta(input: PlanInput, sender: Dealer, roadKm: number): number | null {
  const leaves = nextOpenAt(sender, input.now.getTime());
  if (leaves === null) return null;
  // To the minute, as a courier's arrival is given.
  const minutes = Math.round(
    input.courier.handling_minutes + (roadKm / input.courier.km_per_hour) * 60,
  );
  return nextOpenAt(input.dealer, leaves + minutes * 60_000);
}

export function planParts(input: PlanInput): PartsPlan {
  const { dealer, estimate, courier, centre, now } = input;
  const needs = needsOf(estimate.parts);
  const nowMs = now.getTime();
  const lines = new Map<string, PlanLine>();
  const shipments: PlanShipment[] = [];
  const missing: Need[] = [];
  for (const need of needs) {
    if (input.available(dealer.dealer_id, need.part_number) >= need.quantity) {
      lines.set(need.part_number, {
        ...need,
        source: { kind: 'own' },
        eta: toLocalIso(nowMs),
        cost: '0.00',
      });
    } else missing.push(need);
  }

  // Everything a nearby dealer could send, by sender.
  const candidates: Trip[] = [];
  if (missing.length > 0) {
    for (const sender of input.network) {
      if (sender.dealer_id === dealer.dealer_id) continue;
      const distance = distanceKm(dealer, sender);
      if (distance > courier.radius_km) continue;
      const holds = new Set(
        missing
          .filter((n) => input.available(sender.dealer_id, n.part_number) >= n.quantity)
          .map((n) => n.part_number),
      );
      if (holds.size === 0) continue;
      const roadKm = distance * courier.road_factor;
      const eta = courierEta(input, sender, roadKm);
      if (eta === null) continue;
      const cost = new Decimal(courier.base)
        .plus(new Decimal(courier.per_km).times(roadKm))
        .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      candidates.push({ sender, distance_km: distance, cost, eta, holds });
    }
  }

  const trips = chooseTrips(missing, candidates);
  const freight = new Decimal(centre.order_freight);
  const tripsCost = trips?.reduce((sum, t) => sum.plus(t.trip.cost), new Decimal(0));
  if (trips && tripsCost!.lte(freight)) {
    for (const { trip, parts } of trips) {
      const source: PartSource = { kind: 'dealer', dealer_id: trip.sender.dealer_id };
      const shares = split(trip.cost, parts.length);
      parts.forEach((need, i) =>
        lines.set(need.part_number, {
          ...need,
          source,
          eta: toLocalIso(trip.eta),
          cost: money(shares[i]!),
        }),
      );
      shipments.push({
        source,
        from_name: trip.sender.name,
        from_district: trip.sender.district,
        from_position: { lat: trip.sender.lat, lon: trip.sender.lon },
        distance_km: round1(trip.distance_km),
        part_numbers: parts.map((n) => n.part_number),
        cost: money(trip.cost),
        eta: toLocalIso(trip.eta),
      });
    }
  } else if (missing.length > 0) {
    const eta =
      deliveryAfterWorkingDays(dealer, nowMs, centre.lead_working_days) ??
      nowMs + (centre.lead_working_days + 2) * 86_400_000;
    const source: PartSource = { kind: 'parts_centre' };
    const shares = split(freight, missing.length);
    missing.forEach((need, i) =>
      lines.set(need.part_number, {
        ...need,
        source,
        eta: toLocalIso(eta),
        cost: money(shares[i]!),
      }),
    );
    shipments.push({
      source,
      from_name: centre.name,
      from_district: null,
      from_position: { lat: centre.lat, lon: centre.lon },
      distance_km: round1(distanceKm(dealer, centre)),
      part_numbers: missing.map((n) => n.part_number),
      cost: money(freight),
      eta: toLocalIso(eta),
    });
  }

  const ordered = needs.map((n) => lines.get(n.part_number)!);
  const ready = Math.max(nowMs, ...ordered.map((l) => Date.parse(l.eta)));
  return {
    dealer_id: dealer.dealer_id,
    estimate_id: estimate.estimate_id,
    currency: estimate.currency,
    planned_at: toLocalIso(nowMs),
    lines: ordered,
    shipments,
    transfer_cost: money(shipments.reduce((sum, s) => sum.plus(s.cost), new Decimal(0))),
    ready_date: toLocalIso(ready),
  };
}

/**
 * Greedy set cover of the missing parts by courier trips: null when some part no nearby dealer
 * holds (the parts centre is needed anyway).
 */
function chooseTrips(
  missing: readonly Need[],
  candidates: readonly Trip[],
): { trip: Trip; parts: Need[] }[] | null {
  if (missing.length === 0) return [];
  if (missing.some((n) => !candidates.some((c) => c.holds.has(n.part_number)))) return null;
  const uncovered = new Set(missing.map((n) => n.part_number));
  const chosen: { trip: Trip; parts: Need[] }[] = [];
  while (uncovered.size > 0) {
    let best: { trip: Trip; perPart: Decimal; brings: string[] } | null = null;
    for (const trip of candidates) {
      const brings = [...trip.holds].filter((p) => uncovered.has(p));
      if (brings.length === 0) continue;
      const perPart = trip.cost.dividedBy(brings.length);
      const better =
        best === null ||
        perPart.lt(best.perPart) ||
        (perPart.eq(best.perPart) &&
          (trip.eta < best.trip.eta ||
            (trip.eta === best.trip.eta &&
              (trip.distance_km < best.trip.distance_km ||
                (trip.distance_km === best.trip.distance_km &&
                  trip.sender.dealer_id < best.trip.sender.dealer_id)))));
      if (better) best = { trip, perPart, brings };
    }
    const pick = best!;
    for (const p of pick.brings) uncovered.delete(p);
    chosen.push({
      trip: pick.trip,
      parts: missing.filter((n) => pick.brings.includes(n.part_number)),
    });
  }
  return chosen;
}

/** What a search result says of the plan (DealerAvailability without the first free slot). */
export function availabilityOf(plan: PartsPlan, network: ReadonlyMap<string, Dealer>) {
  const held = plan.lines.filter((l) => l.source.kind === 'own').map((l) => l.part_number);
  const missing = plan.lines.filter((l) => l.source.kind !== 'own').map((l) => l.part_number);
  const by_courier = plan.shipments.flatMap((s) => {
    if (s.source.kind !== 'dealer') return [];
    const sender = network.get(s.source.dealer_id);
    return [
      {
        dealer_id: s.source.dealer_id,
        name: s.from_name,
        district: sender?.district ?? s.from_district ?? '',
        count: s.part_numbers.length,
      },
    ];
  });
  return {
    estimate_id: plan.estimate_id,
    parts_count: plan.lines.length,
    held,
    missing,
    by_courier,
    from_parts_centre: plan.lines.filter((l) => l.source.kind === 'parts_centre').length,
    transfer_cost: plan.transfer_cost,
    ready_date: plan.ready_date,
  };
}
