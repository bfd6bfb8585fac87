/**
 * The record store kept in memory (the embedded SQLite store replaces it behind the same
 * RecordStore interface). Writes are idempotent: a record is stored once under its id, and a
 * repeat returns what was stored first.
 */
import { SlotTakenError, type RecordStore, type StoreStatus } from '../../actors/ports.js';
import type { JournalEntry } from '../../machines/envelope.js';
import type { Appointment, DamageReport, Invoice, RepairEstimate } from '../../machines/schemas.js';

export class MemoryStore implements RecordStore {
  private readonly damage = new Map<string, DamageReport>();
  private readonly estimates = new Map<string, RepairEstimate>();
  private readonly appointments = new Map<string, Appointment>();
  /** `${dealer_id}|${epoch ms}` → appointment_id holding that slot. */
  private readonly slotHolders = new Map<string, string>();
  private readonly invoices = new Map<string, Invoice>();
  private readonly invoiceSeq = new Map<string, number>();
  private readonly journal: JournalEntry[] = [];
  private readonly snapshots = new Map<string, unknown>();

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

  book(appointment: Appointment): Appointment {
    const known = this.appointments.get(appointment.appointment_id);
    if (known) return known;
    const key = `${appointment.dealer_id}|${Date.parse(appointment.slot_start)}`;
    if (this.slotHolders.has(key))
      throw new SlotTakenError(appointment.dealer_id, appointment.slot_start);
    this.slotHolders.set(key, appointment.appointment_id);
    this.appointments.set(appointment.appointment_id, appointment);
    return appointment;
  }

  getAppointment(appointment_id: string): Appointment | undefined {
    return this.appointments.get(appointment_id);
  }

  takenSlots(dealer_id: string): ReadonlySet<number> {
    const taken = new Set<number>();
    const prefix = `${dealer_id}|`;
    for (const key of this.slotHolders.keys())
      if (key.startsWith(prefix)) taken.add(Number(key.slice(prefix.length)));
    return taken;
  }

  issueInvoice(appointment_id: string, issuer: string, make: (seq: number) => Invoice): Invoice {
    const known = this.invoices.get(appointment_id);
    if (known) return known;
    const seq = (this.invoiceSeq.get(issuer) ?? 0) + 1;
    const invoice = make(seq);
    this.invoiceSeq.set(issuer, seq);
    this.invoices.set(appointment_id, invoice);
    return invoice;
  }

  getInvoiceForAppointment(appointment_id: string): Invoice | undefined {
    return this.invoices.get(appointment_id);
  }

  recordTransition(entry: Omit<JournalEntry, 'seq'>, snapshot: unknown): void {
    this.journal.push({ ...entry, seq: this.journal.length + 1 });
    this.snapshots.set(entry.session_id, snapshot);
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
    };
  }

  close(): void {}
}
