/**
 * What the domain needs from the outside world, as interfaces the adapters implement. Every write
 * is keyed by an id derived from a request id, so doing it twice stores it once (idempotent).
 */
import { z } from 'zod';
import type { JournalEntry } from '../machines/envelope.js';
import type { Appointment, DamageReport, Invoice, RepairEstimate } from '../machines/schemas.js';

/** What `GET /api/health` says of the store. */
export const StoreStatus = z.object({
  kind: z.enum(['sqlite', 'memory']),
  /** The database file, or ":memory:". */
  path: z.string(),
  schema_version: z.number().int().nonnegative(),
  writable: z.boolean(),
  /** The file and its write-ahead log. */
  size_bytes: z.number().int().nonnegative(),
  last_write_at: z.iso.datetime({ offset: true }).nullable(),
});
export type StoreStatus = z.infer<typeof StoreStatus>;

/** A booking that lost the race for its slot. */
export class SlotTakenError extends Error {
  readonly code = 'slot_taken';
  constructor(
    readonly dealer_id: string,
    readonly slot_start: string,
  ) {
    super(`The slot ${slot_start} at dealer ${dealer_id} was just booked by someone else`);
    this.name = 'SlotTakenError';
  }
}

export interface RecordStore {
  saveDamage(report: DamageReport): DamageReport;
  getDamage(damage_id: string): DamageReport | undefined;
  saveEstimate(estimate: RepairEstimate): RepairEstimate;
  getEstimate(estimate_id: string): RepairEstimate | undefined;
  /** Books the appointment's slot; the same request_id again returns the first booking.
   *  Throws SlotTakenError when another request holds the slot. */
  book(appointment: Appointment): Appointment;
  getAppointment(appointment_id: string): Appointment | undefined;
  /** Slot starts (epoch ms) already booked at a dealer. */
  takenSlots(dealer_id: string): ReadonlySet<number>;
  /**
   * The invoice of an appointment, issued once: on the first call it takes the next number of
   * the issuer's gap-free sequence and stores `make(number)` in the same transaction (a crash
   * between the two would burn a number); a repeat returns the stored invoice.
   */
  issueInvoice(appointment_id: string, issuer: string, make: (seq: number) => Invoice): Invoice;
  getInvoiceForAppointment(appointment_id: string): Invoice | undefined;
  /** Appends a journal entry and keeps the session's persisted snapshot, in one transaction. */
  recordTransition(entry: Omit<JournalEntry, 'seq'>, snapshot: unknown): void;
  /** A session's journal in order; empty when it has none. */
  journalOf(session_id: string): JournalEntry[];
  /** Deletes analysis-only reports (no session) stored before `cutoff`; returns how many. */
  pruneAnalysisOnly(cutoff: Date): number;
  status(): StoreStatus;
  close(): void;
}

/** Parts stock at dealers (a simulation until the dealer-network work lands). */
export interface Inventory {
  stockAt(dealer_id: string, part_number: string): number;
  /** Working days the central VW parts centre needs to deliver to a dealer. */
  centralLeadDays(dealer_id: string): number;
}
