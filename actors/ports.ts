/**
 * What the domain needs from the outside world, as interfaces the adapters implement. Every write
 * is keyed by an id derived from a request id, so doing it twice stores it once (idempotent).
 */
import { z } from 'zod';
import type { JournalEntry } from '../machines/envelope.js';
import {
  Id,
  IsoDateTime,
  type Appointment,
  type DamageReport,
  type Invoice,
  type RepairEstimate,
} from '../machines/schemas.js';
import type { Busy } from './dealers/slots.js';
import type { AuditEntry, AuditQuery } from './audit.js';
import type { HistoryPage, HistoryQuery, SessionSummary } from './history.js';

/** A station's live session that could not be restored at start-up and was set aside. */
export const SetAsideSession = z.object({
  station_id: Id,
  session_id: Id,
  reason: z.string(),
  at: IsoDateTime,
});
export type SetAsideSession = z.infer<typeof SetAsideSession>;

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
  /** Sessions set aside at start-up because they could not be restored; their stations started fresh. */
  quarantined: z.array(SetAsideSession),
  /** Who folds the write-ahead log into the file: a worker thread off the event loop (with
   *  SQLite's own as the bound), or SQLite alone inside commits (when the worker failed:
   *  `failure` says why); null in memory. */
  checkpoint: z
    .object({
      by: z.enum(['worker', 'sqlite']),
      last_at: z.iso.datetime({ offset: true }).nullable(),
      failure: z.string().nullable(),
    })
    .nullable(),
});
export type StoreStatus = z.infer<typeof StoreStatus>;

/** A booking that lost the race for its slot: another booking holds the drop-off slot, or
 *  every bay is busy during the repair. */
export class SlotTakenError extends Error {
  readonly code = 'slot_taken';
  constructor(
    readonly dealer_id: string,
    readonly slot_start: string,
    readonly reason: 'taken' | 'no_bay' = 'taken',
  ) {
    super(
      reason === 'taken'
        ? `The slot ${slot_start} at dealer ${dealer_id} was just booked by someone else`
        : `Every bay at dealer ${dealer_id} is busy during a repair dropped off at ${slot_start}`,
    );
    this.name = 'SlotTakenError';
  }
}

/** A reservation that would take more units off a shelf than it holds (never below zero). */
export class StockChangedError extends Error {
  readonly code = 'stock_changed';
  constructor(
    readonly dealer_id: string,
    readonly part_number: string,
  ) {
    super(`Dealer ${dealer_id} no longer has enough of part ${part_number} for this booking`);
    this.name = 'StockChangedError';
  }
}

/** Units of one part number a confirmed booking takes off one dealer's shelf. */
export interface Reservation {
  dealer_id: string;
  part_number: string;
  quantity: number;
}

/** What a confirmed booking holds besides its slot, checked and written in its transaction. */
export interface BookingHold {
  reservations: readonly Reservation[];
  /** Units on a shelf before any reservation (the inventory's). */
  on_hand: (dealer_id: string, part_number: string) => number;
  /** The dealer's repair bays: a bay is held from slot_start until work_until. */
  bays: number;
}

/** The key of a shelf in `reservedUnits`. */
export const shelfKey = (dealer_id: string, part_number: string) => `${dealer_id}|${part_number}`;

/** What the floor writes with each session transition, in one transaction. */
export interface TransitionRecord {
  entry: Omit<JournalEntry, 'seq'>;
  /** The session actor's persisted snapshot (`getPersistedSnapshot()`). */
  session: unknown;
  /** The version of the machines' snapshot format it was written in (machines/floor.ts). */
  format: number;
  /** With a session's first entry: its station's persisted snapshot (the session's own left
   *  out), which holds the station's counters and the session's place on it. */
  station?: unknown;
  /** With a session's first entry: the session its station closed to begin this one. */
  closed?: SessionSummary;
}

/** A station's live session as stored, its snapshots as the JSON text written (restore parses
 *  and checks them: a corrupt row is set aside, never fatal). */
export interface StoredStation {
  station_id: string;
  session_id: string;
  format: number;
  station_json: string;
  /** Null when the session's own row is missing. */
  session_json: string | null;
  /** When the session began, and when it entered the step it is in (its timers run from there). */
  started_at: string;
  step_since: string;
}

/** One session's latest persisted snapshot, as the JSON text written. */
export interface StoredSession {
  session_id: string;
  station_id: string;
  snapshot_json: string;
  started_at: string;
  updated_at: string;
}

export interface RecordStore {
  saveDamage(report: DamageReport): DamageReport;
  getDamage(damage_id: string): DamageReport | undefined;
  saveEstimate(estimate: RepairEstimate): RepairEstimate;
  getEstimate(estimate_id: string): RepairEstimate | undefined;
  /**
   * Books the appointment, in one transaction: a confirmed one holds its drop-off slot, a bay
   * from slot_start to work_until, and its parts (`hold`); a rehearsal's holds nothing. The
   * same appointment id again returns the first booking. Throws SlotTakenError when another
   * booking holds the slot or every bay, StockChangedError when a shelf has too few units.
   * With `invoice`, its documents are issued and numbered in the same transaction.
   */
  book(
    appointment: Appointment,
    hold: BookingHold,
    invoice?: (next: (series: string) => number) => Invoice,
  ): Appointment;
  getAppointment(appointment_id: string): Appointment | undefined;
  /** Moves a confirmed appointment to another slot, keeping its parts; the same checks as a
   *  booking, against every booking but itself. */
  reschedule(
    appointment_id: string,
    next: Pick<Appointment, 'slot_start' | 'slot_end' | 'work_until' | 'updated_at'>,
    bays: number,
  ): Appointment;
  /** Cancels an appointment: frees its slot and bay and puts its parts back on the shelves.
   *  Cancelling a cancelled one returns it as it is. */
  cancel(appointment_id: string, at: string): Appointment;
  /** Slot starts (epoch ms) already booked at a dealer. */
  takenSlots(dealer_id: string): ReadonlySet<number>;
  /** The bays confirmed bookings hold at a dealer. */
  busyBays(dealer_id: string): Busy[];
  /** Units confirmed bookings hold, by shelf (`shelfKey`). */
  reservedUnits(): ReadonlyMap<string, number>;
  /**
   * The invoice of an appointment, issued once: on the first call `make` draws the next numbers
   * of the issuer's gap-free series (`next(series)`, one counter per dealer and series) and the
   * invoice is stored, all in one transaction (a failure burns no number); a repeat returns the
   * stored invoice.
   */
  issueInvoice(
    appointment_id: string,
    make: (next: (series: string) => number) => Invoice,
  ): Invoice;
  getInvoiceForAppointment(appointment_id: string): Invoice | undefined;
  /** Appends the journal entry and keeps what goes with it, all in one transaction. */
  recordTransition(record: TransitionRecord): void;
  /** Every station's live session as last written: what the floor restores at start-up. */
  liveStations(): StoredStation[];
  /** Sets a live session aside (it cannot be restored): its station starts fresh, the row is kept for inspection. */
  setAside(row: Pick<StoredStation, 'station_id' | 'session_id'>, reason: string): void;
  /** Appends a staff action to the audit log; returns it with its sequence number. */
  appendAudit(entry: Omit<AuditEntry, 'seq'>): AuditEntry;
  /** The audit log, newest first. */
  audit(query: AuditQuery): AuditEntry[];
  /** A session's latest snapshot as stored (live or ended). */
  sessionRecord(session_id: string): StoredSession | undefined;
  /** Finished sessions, newest first. */
  history(query: HistoryQuery): HistoryPage;
  /** A session's journal in order; empty when it has none. */
  journalOf(session_id: string): JournalEntry[];
  /** Deletes analysis-only reports (no session) stored before `cutoff`; returns how many. */
  pruneAnalysisOnly(cutoff: Date): number;
  status(): StoreStatus;
  close(): void;
}

/** Parts on dealers' shelves (what bookings reserve is the store's, and is taken off). */
export interface Inventory {
  /** Units of a part number on a dealer's shelf, before reservations. */
  onHand(dealer_id: string, part_number: string): number;
}
