/**
 * What a confirmed booking holds, checked the same way by every store inside its transaction:
 * its drop-off slot (one car per slot start), a bay for the whole repair (fewer than the
 * dealer's bays overlap it), and its parts (a shelf never goes below zero).
 */
import { DomainError } from '../errors.js';
import { SlotTakenError, StockChangedError, type BookingHold } from '../ports.js';
import type { Appointment } from '../../machines/schemas.js';
import { bayFree, type Busy } from './slots.js';

/** The bay an appointment holds (epoch ms): until `work_until`, which `bayHold` makes at least
 *  the end of the drop-off slot. */
export const busyOf = (a: Pick<Appointment, 'slot_start' | 'work_until'>): Busy => ({
  start: Date.parse(a.slot_start),
  end: Date.parse(a.work_until),
});

export interface HoldCheck {
  appointment: Pick<Appointment, 'dealer_id' | 'slot_start' | 'work_until'>;
  /** Another confirmed booking holds this slot start. */
  slotHeld: boolean;
  /** The bays the dealer's other confirmed bookings hold. */
  busy: readonly Busy[];
  bays: number;
  /** The reservations to add and what the shelves hold besides them. */
  reservations?: BookingHold['reservations'];
  on_hand?: BookingHold['on_hand'];
  reserved?: (dealer_id: string, part_number: string) => number;
}

/** Throws SlotTakenError or StockChangedError when the booking cannot hold what it needs. */
export function assertHoldable(check: HoldCheck): void {
  const { appointment } = check;
  if (check.slotHeld) throw new SlotTakenError(appointment.dealer_id, appointment.slot_start);
  const hold = busyOf(appointment);
  if (!bayFree(check.busy, check.bays, hold.start, hold.end)) {
    throw new SlotTakenError(appointment.dealer_id, appointment.slot_start, 'no_bay');
  }
  for (const r of check.reservations ?? []) {
    const onHand = check.on_hand?.(r.dealer_id, r.part_number) ?? 0;
    const reserved = check.reserved?.(r.dealer_id, r.part_number) ?? 0;
    if (reserved + r.quantity > onHand) throw new StockChangedError(r.dealer_id, r.part_number);
  }
}

/** Moving a cancelled appointment. */
export const cancelledError = (appointment_id: string) =>
  new DomainError(
    'appointment_cancelled',
    `Appointment ${appointment_id} is cancelled: book a new one`,
  );
