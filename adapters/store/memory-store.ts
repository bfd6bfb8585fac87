/**
 * The record store kept in memory (the embedded SQLite store replaces it behind the same
 * RecordStore interface). Writes are idempotent: a record is stored once under its id, and a
 * repeat returns what was stored first.
 */
import type { AuditEntry, AuditQuery } from '../../actors/audit.js';
import {
  decodeCursor,
  encodeCursor,
  type HistoryPage,
  type HistoryQuery,
  type SessionSummary,
} from '../../actors/history.js';
import { assertHoldable, busyOf, cancelledError } from '../../actors/dealers/holds.js';
import type { Busy } from '../../actors/dealers/slots.js';
import { DomainError } from '../../actors/errors.js';
import {
  shelfKey,
  type BookingHold,
  type Reservation,
  type RecordStore,
  type SetAsideSession,
  type StoredSession,
  type StoredStation,
  type StoreStatus,
  type TransitionRecord,
} from '../../actors/ports.js';
import type { JournalEntry } from '../../machines/envelope.js';
import type { Appointment, DamageReport, Invoice, RepairEstimate } from '../../machines/schemas.js';

export class MemoryStore implements RecordStore {
  private readonly damage = new Map<string, DamageReport>();
  private readonly estimates = new Map<string, RepairEstimate>();
  private readonly appointments = new Map<string, Appointment>();
  /** `${dealer_id}|${epoch ms}` → appointment_id holding that slot. */
  private readonly slotHolders = new Map<string, string>();
  /** appointment_id → the parts a confirmed booking holds. */
  private readonly reservations = new Map<string, Reservation[]>();
  private readonly invoices = new Map<string, Invoice>();
  private readonly invoiceSeq = new Map<string, number>();
  private readonly journal: JournalEntry[] = [];
  /** Snapshots as JSON text, as the SQLite store keeps them (a restore parses them). */
  private readonly sessions = new Map<
    string,
    {
      station_id: string;
      json: string;
      state: string;
      started_at: string;
      step_since: string;
      updated_at: string;
    }
  >();
  private readonly stations = new Map<
    string,
    Omit<StoredStation, 'session_json' | 'started_at' | 'step_since'>
  >();
  private readonly closed = new Map<string, SessionSummary>();
  private readonly setAsideRows: SetAsideSession[] = [];
  private readonly auditLog: AuditEntry[] = [];

  saveDamage(report: DamageReport): DamageReport {
    const known = this.damage.get(report.damage_id);
    if (known) return known;
    this.damage.set(report.damage_id, report);
    return report;
  }

  getDamage(damage_id: string): DamageReport | undefined {
    return this.damage.get(damage_id);
  }

  saveEstimate(estimate: RepairEstimate): RepairEstimate {
    const known = this.estimates.get(estimate.estimate_id);
    if (known) return known;
    this.estimates.set(estimate.estimate_id, estimate);
    return estimate;
  }

  getEstimate(estimate_id: string): RepairEstimate | undefined {
    return this.estimates.get(estimate_id);
  }

  book(
    appointment: Appointment,
    hold: BookingHold,
    invoice?: (next: (series: string) => number) => Invoice,
  ): Appointment {
    const known = this.appointments.get(appointment.appointment_id);
    if (known) return known;
    // Made first, so a failure to make it leaves no booking behind (as a rolled-back transaction).
    const issued = invoice ? this.draw(appointment.dealer_id, invoice) : null;
    this.holdAndKeep(appointment, hold);
    if (issued) {
      issued.keep();
      this.invoices.set(appointment.appointment_id, issued.invoice);
    }
    return appointment;
  }

  /** Makes an invoice with the dealer's next numbers; they are kept only on `keep()`. */
  private draw(dealer_id: string, make: (next: (series: string) => number) => Invoice) {
    const drawn = new Map<string, number>();
    const invoice = make((series) => {
      const key = `${dealer_id}|${series}`;
      const n = (drawn.get(key) ?? this.invoiceSeq.get(key) ?? 0) + 1;
      drawn.set(key, n);
      return n;
    });
    return { invoice, keep: () => drawn.forEach((n, key) => this.invoiceSeq.set(key, n)) };
  }

  /** Checks and takes what a confirmed booking holds, and keeps the appointment. */
  private holdAndKeep(appointment: Appointment, hold: BookingHold): void {
    // Only a confirmed booking holds its slot, a bay and its parts; a rehearsal's holds none.
    if (appointment.status === 'confirmed') {
      const key = `${appointment.dealer_id}|${Date.parse(appointment.slot_start)}`;
      const reserved = this.reservedUnits();
      assertHoldable({
        appointment,
        slotHeld: this.slotHolders.has(key),
        busy: this.busyBays(appointment.dealer_id),
        bays: hold.bays,
        reservations: hold.reservations,
        on_hand: hold.on_hand,
        reserved: (dealer_id, part_number) => reserved.get(shelfKey(dealer_id, part_number)) ?? 0,
      });
      this.slotHolders.set(key, appointment.appointment_id);
      this.reservations.set(appointment.appointment_id, [...hold.reservations]);
    }
    this.appointments.set(appointment.appointment_id, appointment);
  }

  getAppointment(appointment_id: string): Appointment | undefined {
    return this.appointments.get(appointment_id);
  }

  reschedule(
    appointment_id: string,
    next: Pick<Appointment, 'slot_start' | 'slot_end' | 'work_until' | 'updated_at'>,
    bays: number,
  ): Appointment {
    const known = this.appointments.get(appointment_id);
    if (!known)
      throw new DomainError('appointment_not_found', `No appointment "${appointment_id}"`);
    if (known.status === 'cancelled') throw cancelledError(appointment_id);
    const moved: Appointment = { ...known, ...next };
    if (known.status === 'confirmed') {
      const key = `${known.dealer_id}|${Date.parse(moved.slot_start)}`;
      const holder = this.slotHolders.get(key);
      assertHoldable({
        appointment: moved,
        slotHeld: holder !== undefined && holder !== appointment_id,
        busy: this.busyBays(known.dealer_id, appointment_id),
        bays,
      });
      this.slotHolders.delete(`${known.dealer_id}|${Date.parse(known.slot_start)}`);
      this.slotHolders.set(key, appointment_id);
    }
    this.appointments.set(appointment_id, moved);
    return moved;
  }

  cancel(appointment_id: string, at: string): Appointment {
    const known = this.appointments.get(appointment_id);
    if (!known)
      throw new DomainError('appointment_not_found', `No appointment "${appointment_id}"`);
    if (known.status === 'cancelled') return known;
    const cancelled: Appointment = { ...known, status: 'cancelled', updated_at: at };
    const key = `${known.dealer_id}|${Date.parse(known.slot_start)}`;
    if (this.slotHolders.get(key) === appointment_id) this.slotHolders.delete(key);
    this.reservations.delete(appointment_id);
    this.appointments.set(appointment_id, cancelled);
    return cancelled;
  }

  takenSlots(dealer_id: string): ReadonlySet<number> {
    const taken = new Set<number>();
    const prefix = `${dealer_id}|`;
    for (const key of this.slotHolders.keys())
      if (key.startsWith(prefix)) taken.add(Number(key.slice(prefix.length)));
    return taken;
  }

  busyBays(dealer_id: string, except?: string): Busy[] {
    return [...this.appointments.values()]
      .filter(
        (a) => a.dealer_id === dealer_id && a.status === 'confirmed' && a.appointment_id !== except,
      )
      .map(busyOf);
  }

  reservedUnits(): ReadonlyMap<string, number> {
    const units = new Map<string, number>();
    for (const held of this.reservations.values()) {
      for (const r of held) {
        const key = shelfKey(r.dealer_id, r.part_number);
        units.set(key, (units.get(key) ?? 0) + r.quantity);
      }
    }
    return units;
  }

  issueInvoice(
    appointment_id: string,
    make: (next: (series: string) => number) => Invoice,
  ): Invoice {
    const known = this.invoices.get(appointment_id);
    if (known) return known;
    const appointment = this.appointments.get(appointment_id);
    if (!appointment) {
      throw new DomainError('appointment_not_found', `No appointment "${appointment_id}"`);
    }
    // Numbers drawn are kept only once the invoice is made: a failure burns none.
    const issued = this.draw(appointment.dealer_id, make);
    issued.keep();
    this.invoices.set(appointment_id, issued.invoice);
    return issued.invoice;
  }

  getInvoiceForAppointment(appointment_id: string): Invoice | undefined {
    return this.invoices.get(appointment_id);
  }

  recordTransition({ entry, session, station, closed, format }: TransitionRecord): void {
    this.journal.push({ ...entry, seq: this.journal.length + 1 });
    const known = this.sessions.get(entry.session_id);
    this.sessions.set(entry.session_id, {
      station_id: entry.station_id,
      updated_at: entry.at,
      json: JSON.stringify(session),
      state: entry.to,
      started_at: known?.started_at ?? entry.at,
      step_since: known && known.state === entry.to ? known.step_since : entry.at,
    });
    if (station !== undefined) {
      this.stations.set(entry.station_id, {
        station_id: entry.station_id,
        session_id: entry.session_id,
        format,
        station_json: JSON.stringify(station),
      });
    }
    if (closed && !this.closed.has(closed.session_id)) this.closed.set(closed.session_id, closed);
  }

  liveStations(): StoredStation[] {
    return [...this.stations.values()]
      .sort((a, b) => a.station_id.localeCompare(b.station_id))
      .map((row) => {
        const session = this.sessions.get(row.session_id);
        return {
          ...row,
          session_json: session?.json ?? null,
          started_at: session?.started_at ?? '',
          step_since: session?.step_since ?? '',
        };
      });
  }

  setAside(row: Pick<StoredStation, 'station_id' | 'session_id'>, reason: string): void {
    this.setAsideRows.unshift({ ...row, reason, at: new Date().toISOString() });
    this.stations.delete(row.station_id);
  }

  appendAudit(entry: Omit<AuditEntry, 'seq'>): AuditEntry {
    const stored = { ...entry, seq: this.auditLog.length + 1 };
    this.auditLog.push(stored);
    return stored;
  }

  audit(query: AuditQuery): AuditEntry[] {
    return this.auditLog
      .filter(
        (e) =>
          (!query.station || e.station_id === query.station) &&
          (!query.before || e.seq < query.before),
      )
      .reverse()
      .slice(0, query.limit);
  }

  sessionRecord(session_id: string): StoredSession | undefined {
    const s = this.sessions.get(session_id);
    return s
      ? {
          session_id,
          station_id: s.station_id,
          snapshot_json: s.json,
          started_at: s.started_at,
          updated_at: s.updated_at,
        }
      : undefined;
  }

  history(query: HistoryQuery): HistoryPage {
    const time = (iso: string) => Date.parse(iso);
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const newestFirst = (a: SessionSummary, b: SessionSummary) =>
      time(b.ended_at) - time(a.ended_at) || b.session_id.localeCompare(a.session_id);
    const rows = [...this.closed.values()]
      .filter(
        (s) =>
          (!query.from || time(s.ended_at) >= time(query.from)) &&
          (!query.to || time(s.ended_at) < time(query.to)) &&
          (!query.station || s.station_id === query.station) &&
          (!query.outcome || s.outcome === query.outcome) &&
          (!after ||
            newestFirst(s, {
              ended_at: after.ended_at,
              session_id: after.session_id,
            } as SessionSummary) > 0),
      )
      .sort(newestFirst);
    const sessions = rows.slice(0, query.limit);
    const last = sessions.at(-1);
    return { sessions, next_cursor: rows.length > query.limit && last ? encodeCursor(last) : null };
  }

  journalOf(session_id: string): JournalEntry[] {
    return this.journal.filter((e) => e.session_id === session_id);
  }

  pruneAnalysisOnly(): number {
    // Kept for tests only: nothing lives long enough here to prune.
    return 0;
  }

  status(): StoreStatus {
    return {
      kind: 'memory',
      path: ':memory:',
      schema_version: 0,
      writable: true,
      size_bytes: 0,
      last_write_at: null,
      quarantined: this.setAsideRows.slice(0, 50),
      checkpoint: null,
    };
  }

  close(): void {}
}
