/**
 * The record store in embedded SQLite (better-sqlite3): one file under STATE_DIR, WAL mode, the
 * schema versioned in `PRAGMA user_version` with forward migrations run at open. Damage
 * reports, estimates, appointments (whose partial unique index is the slot hold), invoices and
 * invoice counters live here, so an acknowledged booking survives the process.
 *
 * Every write is idempotent, as the RecordStore interface asks: a record is stored once under its
 * id and a repeat returns what was stored first. Records are stored as their JSON and checked
 * with their zod schema when read back. A networked database (PostgreSQL) would implement the
 * same interface; see the README for what that takes.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import type { z } from 'zod';
import { AuditEntry, type AuditQuery } from '../../actors/audit.js';
import {
  decodeCursor,
  encodeCursor,
  SessionSummary,
  type HistoryPage,
  type HistoryQuery,
} from '../../actors/history.js';
import { DomainError } from '../../actors/errors.js';
import { assertHoldable, cancelledError } from '../../actors/dealers/holds.js';
import type { Busy } from '../../actors/dealers/slots.js';
import {
  shelfKey,
  type BookingHold,
  type RecordStore,
  type SetAsideSession,
  type StoredSession,
  type StoredStation,
  type StoreStatus,
  type TransitionRecord,
} from '../../actors/ports.js';
import { JournalEntry } from '../../machines/envelope.js';
import { Appointment, DamageReport, Invoice, RepairEstimate } from '../../machines/schemas.js';

/** A journal row as stored. */
interface JournalRow {
  seq: number;
  at: string;
  station_id: string;
  session_id: string;
  type: string;
  payload: string | null;
  source: string | null;
  request_id: string | null;
  correlation_id: string | null;
  from_state: string | null;
  to_state: string;
}

/** An audit row as stored. */
interface AuditRow {
  seq: number;
  at: string;
  who: string;
  action: string;
  station_id: string | null;
  session_id: string | null;
  result: string;
  details: string;
  correlation_id: string | null;
}

/** A station's live session as the restore query reads it. */
interface LiveStationRow {
  station_id: string;
  session_id: string;
  format: number;
  station_json: string;
  session_json: string | null;
  started_at: string | null;
  step_since: string | null;
  updated_at: string;
}

/** Times are stored as UTC ISO strings with milliseconds, so text order is time order. */
const normalTime = (iso: string): string => new Date(iso).toISOString();

/** The path that keeps the database in memory (tests, throwaway demos). */
export const IN_MEMORY = ':memory:';

/** Forward migrations; `user_version` is the number applied. Never edit one that has shipped. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE damage_reports (
     damage_id TEXT PRIMARY KEY,
     session_id TEXT,
     stored_at INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX damage_reports_analysis_only ON damage_reports (stored_at) WHERE session_id IS NULL;
   CREATE TABLE estimates (
     estimate_id TEXT PRIMARY KEY,
     damage_id TEXT NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX estimates_damage ON estimates (damage_id);
   CREATE TABLE appointments (
     appointment_id TEXT PRIMARY KEY,
     request_id TEXT NOT NULL,
     estimate_id TEXT NOT NULL,
     dealer_id TEXT NOT NULL,
     slot_start_ms INTEGER NOT NULL,
     status TEXT NOT NULL,
     body TEXT NOT NULL
   );
   -- The slot hold: one confirmed appointment per dealer and start.
   CREATE UNIQUE INDEX appointments_slot ON appointments (dealer_id, slot_start_ms)
     WHERE status = 'confirmed';
   CREATE TABLE invoices (
     appointment_id TEXT PRIMARY KEY,
     invoice_id TEXT NOT NULL UNIQUE,
     body TEXT NOT NULL
   );
   CREATE TABLE invoice_counters (
     issuer TEXT PRIMARY KEY,
     last INTEGER NOT NULL
   );`,
  `CREATE TABLE session_snapshots (
     session_id TEXT PRIMARY KEY,
     station_id TEXT NOT NULL,
     state TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     snapshot TEXT NOT NULL
   );
   CREATE TABLE journal (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     station_id TEXT NOT NULL,
     session_id TEXT NOT NULL,
     type TEXT NOT NULL,
     payload TEXT,
     source TEXT,
     request_id TEXT,
     correlation_id TEXT,
     from_state TEXT,
     to_state TEXT NOT NULL
   );
   CREATE INDEX journal_session ON journal (session_id, seq);`,
  // Restore and history: each station's live session, finished sessions summarised, and the
  // sessions set aside at start-up because they could not be restored.
  `ALTER TABLE session_snapshots ADD COLUMN started_at TEXT;
   ALTER TABLE session_snapshots ADD COLUMN step_since TEXT;
   ALTER TABLE session_snapshots ADD COLUMN format INTEGER NOT NULL DEFAULT 0;
   UPDATE session_snapshots SET started_at = updated_at, step_since = updated_at;
   CREATE TABLE stations (
     station_id TEXT PRIMARY KEY,
     session_id TEXT NOT NULL,
     format INTEGER NOT NULL,
     updated_at TEXT NOT NULL,
     snapshot TEXT NOT NULL
   );
   CREATE TABLE session_history (
     session_id TEXT PRIMARY KEY,
     station_id TEXT NOT NULL,
     ended_at TEXT NOT NULL,
     outcome TEXT NOT NULL,
     summary TEXT NOT NULL
   );
   CREATE INDEX session_history_newest ON session_history (ended_at, session_id);
   CREATE TABLE set_aside (
     session_id TEXT PRIMARY KEY,
     station_id TEXT NOT NULL,
     reason TEXT NOT NULL,
     at TEXT NOT NULL,
     station_snapshot TEXT,
     session_snapshot TEXT
   );`,
  // The staff's audit log.
  `CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     who TEXT NOT NULL,
     action TEXT NOT NULL,
     station_id TEXT,
     session_id TEXT,
     result TEXT NOT NULL,
     details TEXT NOT NULL,
     correlation_id TEXT
   );
   CREATE INDEX audit_station ON audit (station_id, seq);`,
  // The dealer network: a bay held until the repair is done, and the parts a booking takes off
  // the shelves. Appointments booked before get the fields they lacked (no parts reserved).
  `ALTER TABLE appointments ADD COLUMN work_until_ms INTEGER;
   UPDATE appointments SET work_until_ms = slot_start_ms + 3600000,
     body = json_set(body,
       '$.work_until', json_extract(body, '$.slot_end'),
       '$.updated_at', json_extract(body, '$.created_at'),
       '$.contact', json('null'),
       '$.parts_plan', json_object(
         'dealer_id', dealer_id, 'estimate_id', estimate_id, 'currency', 'BRL',
         'planned_at', json_extract(body, '$.created_at'), 'lines', json('[]'),
         'shipments', json('[]'), 'transfer_cost', '0.00',
         'ready_date', json_extract(body, '$.created_at')));
   CREATE INDEX appointments_dealer ON appointments (dealer_id, status);
   CREATE TABLE reservations (
     appointment_id TEXT NOT NULL REFERENCES appointments (appointment_id),
     dealer_id TEXT NOT NULL,
     part_number TEXT NOT NULL,
     quantity INTEGER NOT NULL CHECK (quantity > 0),
     PRIMARY KEY (appointment_id, dealer_id, part_number)
   );
   CREATE INDEX reservations_shelf ON reservations (dealer_id, part_number);`,
  // Invoices became fiscal documents (NF-e and NFS-e, or a Rechnung) numbered per dealer and
  // series. Invoices of the earlier shape are kept aside, not lost; their appointments get
  // documents in the new series when next asked for.
  `CREATE TABLE invoices_before_documents AS SELECT * FROM invoices;
   DELETE FROM invoices;`,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export interface SqliteStoreOptions {
  /** The database file, or IN_MEMORY. Its folder is created if missing. */
  path: string;
  /** Clock for `stored_at` (pruning by age). */
  now?: () => Date;
  /** How often the checkpoint worker folds the WAL into the file (adapters/store/checkpointer.ts);
   *  0 leaves it all to SQLite, inside the commits. Default 100 ms for a file, none in memory. */
  checkpoint_ms?: number;
}

export class SqliteStore implements RecordStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly now: () => Date;
  private lastWrite: Date | null = null;
  /** The schema version after the migrations ran. */
  readonly schemaVersion: number;
  private readonly statements;
  private readonly checkpointer: Checkpointer | null = null;
  private checkpointFailure: string | null = null;
  /** `writeRows` in one transaction. */
  private readonly writeTransition: (record: TransitionRecord) => void;

  constructor(options: SqliteStoreOptions) {
    this.path = options.path;
    this.now = options.now ?? (() => new Date());
    if (this.path !== IN_MEMORY) mkdirSync(dirname(this.path), { recursive: true });
    this.db = new Database(this.path);
    this.db.pragma('journal_mode = WAL');
    // WAL with NORMAL is durable across a process crash (SIGKILL); only a power loss can lose
    // the last transactions.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('foreign_keys = ON');
    const checkpointMs = this.path === IN_MEMORY ? 0 : (options.checkpoint_ms ?? 100);
    // SQLite's own checkpoint (at 1,000 pages, inside a commit) stays on as the bound of the
    // WAL; the worker keeps it from having much to do.
    if (checkpointMs > 0) {
      this.checkpointer = startCheckpointer({
        path: this.path,
        interval_ms: checkpointMs,
        onFailure: (reason) => (this.checkpointFailure = reason),
      });
    }
    this.migrate();
    this.schemaVersion = this.readSchemaVersion();
    const db = this.db;
    this.statements = {
      damage: db.prepare<[string], { body: string }>(
        'SELECT body FROM damage_reports WHERE damage_id = ?',
      ),
      insertDamage: db.prepare(
        'INSERT OR IGNORE INTO damage_reports (damage_id, session_id, stored_at, body) VALUES (?, ?, ?, ?)',
      ),
      estimate: db.prepare<[string], { body: string }>(
        'SELECT body FROM estimates WHERE estimate_id = ?',
      ),
      insertEstimate: db.prepare(
        'INSERT OR IGNORE INTO estimates (estimate_id, damage_id, body) VALUES (?, ?, ?)',
      ),
      appointment: db.prepare<[string], { body: string }>(
        'SELECT body FROM appointments WHERE appointment_id = ?',
      ),
      slotHolder: db.prepare<[string, number], { appointment_id: string }>(
        "SELECT appointment_id FROM appointments WHERE dealer_id = ? AND slot_start_ms = ? AND status = 'confirmed'",
      ),
      insertAppointment: db.prepare(
        'INSERT INTO appointments (appointment_id, request_id, estimate_id, dealer_id, slot_start_ms, work_until_ms, status, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      updateAppointment: db.prepare(
        'UPDATE appointments SET slot_start_ms = ?, work_until_ms = ?, status = ?, body = ? WHERE appointment_id = ?',
      ),
      busyBays: db.prepare<[string], { appointment_id: string; start: number; end: number }>(
        `SELECT appointment_id, slot_start_ms AS start, work_until_ms AS end
         FROM appointments WHERE dealer_id = ? AND status = 'confirmed'`,
      ),
      insertReservation: db.prepare(
        'INSERT INTO reservations (appointment_id, dealer_id, part_number, quantity) VALUES (?, ?, ?, ?)',
      ),
      deleteReservations: db.prepare<[string]>('DELETE FROM reservations WHERE appointment_id = ?'),
      reservedUnits: db.prepare<[], { dealer_id: string; part_number: string; units: number }>(
        'SELECT dealer_id, part_number, sum(quantity) AS units FROM reservations GROUP BY dealer_id, part_number',
      ),
      reservedOn: db.prepare<[string, string], { units: number | null }>(
        'SELECT sum(quantity) AS units FROM reservations WHERE dealer_id = ? AND part_number = ?',
      ),
      takenSlots: db.prepare<[string], { slot_start_ms: number }>(
        "SELECT slot_start_ms FROM appointments WHERE dealer_id = ? AND status = 'confirmed'",
      ),
      invoice: db.prepare<[string], { body: string }>(
        'SELECT body FROM invoices WHERE appointment_id = ?',
      ),
      insertInvoice: db.prepare(
        'INSERT OR IGNORE INTO invoices (appointment_id, invoice_id, body) VALUES (?, ?, ?)',
      ),
      appendJournal: db.prepare(
        `INSERT INTO journal (at, station_id, session_id, type, payload, source, request_id, correlation_id, from_state, to_state)
         VALUES (@at, @station_id, @session_id, @type, @payload, @source, @request_id, @correlation_id, @from, @to)`,
      ),
      // A session keeps the time it began, and the time it entered its step while it stays there.
      upsertSnapshot: db.prepare(
        `INSERT INTO session_snapshots (session_id, station_id, state, updated_at, snapshot, started_at, step_since, format)
         VALUES (@session_id, @station_id, @state, @at, @snapshot, @at, @at, @format)
         ON CONFLICT (session_id) DO UPDATE SET state = excluded.state,
           updated_at = excluded.updated_at, snapshot = excluded.snapshot, format = excluded.format,
           step_since = CASE WHEN session_snapshots.state = excluded.state
             THEN session_snapshots.step_since ELSE excluded.updated_at END`,
      ),
      upsertStation: db.prepare(
        `INSERT INTO stations (station_id, session_id, format, updated_at, snapshot)
         VALUES (@station_id, @session_id, @format, @at, @snapshot)
         ON CONFLICT (station_id) DO UPDATE SET session_id = excluded.session_id,
           format = excluded.format, updated_at = excluded.updated_at, snapshot = excluded.snapshot`,
      ),
      insertHistory: db.prepare(
        `INSERT OR IGNORE INTO session_history (session_id, station_id, ended_at, outcome, summary)
         VALUES (@session_id, @station_id, @ended_at, @outcome, @summary)`,
      ),
      liveStations: db.prepare<[], LiveStationRow>(
        `SELECT st.station_id, st.session_id, st.format, st.snapshot AS station_json,
                se.snapshot AS session_json, se.started_at, se.step_since, st.updated_at
         FROM stations st LEFT JOIN session_snapshots se ON se.session_id = st.session_id
         ORDER BY st.station_id`,
      ),
      setAside: db.prepare(
        `INSERT OR REPLACE INTO set_aside (session_id, station_id, reason, at, station_snapshot, session_snapshot)
         SELECT @session_id, @station_id, @reason, @at,
           (SELECT snapshot FROM stations WHERE station_id = @station_id),
           (SELECT snapshot FROM session_snapshots WHERE session_id = @session_id)`,
      ),
      sessionRecord: db.prepare<[string], StoredSession>(
        `SELECT session_id, station_id, snapshot AS snapshot_json,
                coalesce(started_at, updated_at) AS started_at, updated_at
         FROM session_snapshots WHERE session_id = ?`,
      ),
      appendAudit: db.prepare<Omit<AuditRow, 'seq'>, { seq: number }>(
        `INSERT INTO audit (at, who, action, station_id, session_id, result, details, correlation_id)
         VALUES (@at, @who, @action, @station_id, @session_id, @result, @details, @correlation_id)
         RETURNING seq`,
      ),
      deleteStation: db.prepare<[string]>('DELETE FROM stations WHERE station_id = ?'),
      setAsideList: db.prepare<[], SetAsideSession>(
        'SELECT station_id, session_id, reason, at FROM set_aside ORDER BY at DESC LIMIT 50',
      ),
      journalOf: db.prepare<[string], JournalRow>(
        'SELECT * FROM journal WHERE session_id = ? ORDER BY seq',
      ),
      nextInvoiceNumber: db.prepare<[string], { last: number }>(
        `INSERT INTO invoice_counters (issuer, last) VALUES (?, 1)
         ON CONFLICT (issuer) DO UPDATE SET last = last + 1 RETURNING last`,
      ),
    };
    this.writeTransition = db.transaction((record: TransitionRecord) => this.writeRows(record));
  }

  /** Applies the migrations this file has not had yet, each in its own transaction. */
  private migrate(): void {
    const version = this.readSchemaVersion();
    if (version > MIGRATIONS.length) {
      throw new Error(
        `${this.path}: schema version ${version} is newer than this build knows (${MIGRATIONS.length}); use a newer build or another STATE_DIR`,
      );
    }
    for (let v = version; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.pragma(`user_version = ${v + 1}`);
      })();
    }
  }

  /** The schema version of the open file, as read from it. */
  private readSchemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private read<S extends z.ZodType>(
    schema: S,
    row: { body: string } | undefined,
  ): z.output<S> | undefined {
    return row ? schema.parse(JSON.parse(row.body)) : undefined;
  }

  /** Notes the time of a write (for /api/health). */
  private wrote(): void {
    this.lastWrite = this.now();
  }

  saveDamage(report: DamageReport): DamageReport {
    const { changes } = this.statements.insertDamage.run(
      report.damage_id,
      report.session_id,
      this.now().getTime(),
      JSON.stringify(report),
    );
    // Stored now: it is the record. Already there: the first one stands.
    if (changes === 1) {
      this.wrote();
      return report;
    }
    return this.getDamage(report.damage_id)!;
  }

  getDamage(damage_id: string): DamageReport | undefined {
    return this.read(DamageReport, this.statements.damage.get(damage_id));
  }

  saveEstimate(estimate: RepairEstimate): RepairEstimate {
    const { changes } = this.statements.insertEstimate.run(
      estimate.estimate_id,
      estimate.damage_report_id,
      JSON.stringify(estimate),
    );
    if (changes === 1) {
      this.wrote();
      return estimate;
    }
    return this.getEstimate(estimate.estimate_id)!;
  }

  getEstimate(estimate_id: string): RepairEstimate | undefined {
    return this.read(RepairEstimate, this.statements.estimate.get(estimate_id));
  }

  book(
    appointment: Appointment,
    hold: BookingHold,
    invoice?: (next: (series: string) => number) => Invoice,
  ): Appointment {
    const slot = Date.parse(appointment.slot_start);
    return this.db
      .transaction(() => {
        const known = this.getAppointment(appointment.appointment_id);
        if (known) return known;
        // Only a confirmed booking holds its slot (the partial unique index), a bay and its
        // parts; a rehearsal's (status 'rehearsal') is kept apart and holds none.
        if (appointment.status === 'confirmed') {
          assertHoldable({
            appointment,
            slotHeld: this.statements.slotHolder.get(appointment.dealer_id, slot) !== undefined,
            busy: this.busyBays(appointment.dealer_id),
            bays: hold.bays,
            reservations: hold.reservations,
            on_hand: hold.on_hand,
            reserved: (dealer_id, part_number) =>
              this.statements.reservedOn.get(dealer_id, part_number)?.units ?? 0,
          });
        }
        this.statements.insertAppointment.run(
          appointment.appointment_id,
          appointment.request_id,
          appointment.estimate_id,
          appointment.dealer_id,
          slot,
          Date.parse(appointment.work_until),
          appointment.status,
          JSON.stringify(appointment),
        );
        if (appointment.status === 'confirmed') {
          for (const r of hold.reservations) {
            this.statements.insertReservation.run(
              appointment.appointment_id,
              r.dealer_id,
              r.part_number,
              r.quantity,
            );
          }
        }
        if (invoice) this.issueIn(appointment.appointment_id, invoice);
        this.wrote();
        return appointment;
      })
      .immediate();
  }

  getAppointment(appointment_id: string): Appointment | undefined {
    return this.read(Appointment, this.statements.appointment.get(appointment_id));
  }

  reschedule(
    appointment_id: string,
    next: Pick<Appointment, 'slot_start' | 'slot_end' | 'work_until' | 'updated_at'>,
    bays: number,
  ): Appointment {
    return this.db
      .transaction(() => {
        const known = this.getAppointment(appointment_id);
        if (!known)
          throw new DomainError('appointment_not_found', `No appointment "${appointment_id}"`);
        if (known.status === 'cancelled') throw cancelledError(appointment_id);
        const moved: Appointment = { ...known, ...next };
        const slot = Date.parse(moved.slot_start);
        if (known.status === 'confirmed') {
          const holder = this.statements.slotHolder.get(known.dealer_id, slot);
          assertHoldable({
            appointment: moved,
            slotHeld: holder !== undefined && holder.appointment_id !== appointment_id,
            busy: this.busyBays(known.dealer_id, appointment_id),
            bays,
          });
        }
        this.statements.updateAppointment.run(
          slot,
          Date.parse(moved.work_until),
          moved.status,
          JSON.stringify(moved),
          appointment_id,
        );
        this.wrote();
        return moved;
      })
      .immediate();
  }

  cancel(appointment_id: string, at: string): Appointment {
    return this.db
      .transaction(() => {
        const known = this.getAppointment(appointment_id);
        if (!known)
          throw new DomainError('appointment_not_found', `No appointment "${appointment_id}"`);
        if (known.status === 'cancelled') return known;
        const cancelled: Appointment = { ...known, status: 'cancelled', updated_at: at };
        this.statements.updateAppointment.run(
          Date.parse(cancelled.slot_start),
          Date.parse(cancelled.work_until),
          cancelled.status,
          JSON.stringify(cancelled),
          appointment_id,
        );
        this.statements.deleteReservations.run(appointment_id);
        this.wrote();
        return cancelled;
      })
      .immediate();
  }

  takenSlots(dealer_id: string): ReadonlySet<number> {
    return new Set(this.statements.takenSlots.all(dealer_id).map((r) => r.slot_start_ms));
  }

  /** The bays confirmed bookings hold at a dealer (all but `except`). */
  busyBays(dealer_id: string, except?: string): Busy[] {
    return this.statements.busyBays
      .all(dealer_id)
      .filter((r) => r.appointment_id !== except)
      .map(({ start, end }) => ({ start, end }));
  }

  reservedUnits(): ReadonlyMap<string, number> {
    return new Map(
      this.statements.reservedUnits
        .all()
        .map((r) => [shelfKey(r.dealer_id, r.part_number), r.units]),
    );
  }

  issueInvoice(
    appointment_id: string,
    make: (next: (series: string) => number) => Invoice,
  ): Invoice {
    return this.db.transaction(() => this.issueIn(appointment_id, make)).immediate();
  }

  /** Issues inside the caller's transaction: counters per dealer and series (`dealer|series`). */
  private issueIn(
    appointment_id: string,
    make: (next: (series: string) => number) => Invoice,
  ): Invoice {
    const known = this.getInvoiceForAppointment(appointment_id);
    if (known) return known;
    const appointment = this.getAppointment(appointment_id);
    if (!appointment) {
      throw new DomainError('appointment_not_found', `No appointment "${appointment_id}"`);
    }
    const invoice = make(
      (series) => this.statements.nextInvoiceNumber.get(`${appointment.dealer_id}|${series}`)!.last,
    );
    this.statements.insertInvoice.run(appointment_id, invoice.invoice_id, JSON.stringify(invoice));
    this.wrote();
    return invoice;
  }

  getInvoiceForAppointment(appointment_id: string): Invoice | undefined {
    return this.read(Invoice, this.statements.invoice.get(appointment_id));
  }

  recordTransition(record: TransitionRecord): void {
    this.writeTransition(record);
    this.wrote();
  }

  /** The rows of one transition: the journal entry, the session's snapshot, and with a
   *  session's first entry its station's snapshot and the closed session's summary. */
  private writeRows(record: TransitionRecord): void {
    const { entry, format } = record;
    this.statements.appendJournal.run({
      ...entry,
      payload: entry.payload === null ? null : JSON.stringify(entry.payload),
    });
    this.statements.upsertSnapshot.run({
      session_id: entry.session_id,
      station_id: entry.station_id,
      state: entry.to,
      at: entry.at,
      snapshot: JSON.stringify(record.session),
      format,
    });
    if (record.station !== undefined) {
      this.statements.upsertStation.run({
        station_id: entry.station_id,
        session_id: entry.session_id,
        format,
        at: entry.at,
        snapshot: JSON.stringify(record.station),
      });
    }
    if (record.closed) {
      this.statements.insertHistory.run({
        session_id: record.closed.session_id,
        station_id: record.closed.station_id,
        ended_at: normalTime(record.closed.ended_at),
        outcome: record.closed.outcome,
        summary: JSON.stringify(record.closed),
      });
    }
  }

  liveStations(): StoredStation[] {
    return this.statements.liveStations.all().map((row) => ({
      station_id: row.station_id,
      session_id: row.session_id,
      format: row.format,
      station_json: row.station_json,
      session_json: row.session_json,
      started_at: row.started_at ?? row.updated_at,
      step_since: row.step_since ?? row.updated_at,
    }));
  }

  setAside(row: Pick<StoredStation, 'station_id' | 'session_id'>, reason: string): void {
    this.db.transaction(() => {
      this.statements.setAside.run({ ...row, reason, at: this.now().toISOString() });
      this.statements.deleteStation.run(row.station_id);
    })();
    this.wrote();
  }

  appendAudit(entry: Omit<AuditEntry, 'seq'>): AuditEntry {
    const { seq } = this.statements.appendAudit.get({
      ...entry,
      details: JSON.stringify(entry.details),
    })!;
    this.wrote();
    return { ...entry, seq };
  }

  audit(query: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: query.limit };
    if (query.station) {
      where.push('station_id = @station');
      params.station = query.station;
    }
    if (query.before) {
      where.push('seq < @before');
      params.before = query.before;
    }
    return this.db
      .prepare<Record<string, string | number>, AuditRow>(
        `SELECT * FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY seq DESC LIMIT @limit`,
      )
      .all(params)
      .map((row) => AuditEntry.parse({ ...row, details: JSON.parse(row.details) }));
  }

  sessionRecord(session_id: string): StoredSession | undefined {
    return this.statements.sessionRecord.get(session_id);
  }

  history(query: HistoryQuery): HistoryPage {
    const where: string[] = [];
    const params: Record<string, string | number> = { limit: query.limit + 1 };
    if (query.from) {
      where.push('ended_at >= @from');
      params.from = normalTime(query.from);
    }
    if (query.to) {
      where.push('ended_at < @to');
      params.to = normalTime(query.to);
    }
    if (query.station) {
      where.push('station_id = @station');
      params.station = query.station;
    }
    if (query.outcome) {
      where.push('outcome = @outcome');
      params.outcome = query.outcome;
    }
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    if (after) {
      where.push('(ended_at < @c_at OR (ended_at = @c_at AND session_id < @c_id))');
      params.c_at = after.ended_at;
      params.c_id = after.session_id;
    }
    const rows = this.db
      .prepare<Record<string, string | number>, { summary: string }>(
        `SELECT summary FROM session_history ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY ended_at DESC, session_id DESC LIMIT @limit`,
      )
      .all(params);
    const sessions = rows
      .slice(0, query.limit)
      .map((r) => SessionSummary.parse(JSON.parse(r.summary)));
    const last = sessions.at(-1);
    return {
      sessions,
      next_cursor: rows.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  journalOf(session_id: string): JournalEntry[] {
    return this.statements.journalOf.all(session_id).map((row) =>
      JournalEntry.parse({
        seq: row.seq,
        at: row.at,
        station_id: row.station_id,
        session_id: row.session_id,
        type: row.type,
        payload: row.payload === null ? null : JSON.parse(row.payload),
        source: row.source,
        request_id: row.request_id,
        correlation_id: row.correlation_id,
        from: row.from_state,
        to: row.to_state,
      }),
    );
  }

  /**
   * Deletes analysis-only reports (no session) stored before `cutoff`, with their estimates
   * unless an appointment was booked on one. Returns how many reports went.
   */
  pruneAnalysisOnly(cutoff: Date): number {
    const at = cutoff.getTime();
    return this.db.transaction(() => {
      this.db
        .prepare(
          `DELETE FROM estimates
           WHERE damage_id IN (SELECT damage_id FROM damage_reports WHERE session_id IS NULL AND stored_at < ?)
             AND estimate_id NOT IN (SELECT estimate_id FROM appointments)`,
        )
        .run(at);
      const gone = this.db
        .prepare(
          `DELETE FROM damage_reports
           WHERE session_id IS NULL AND stored_at < ?
             AND damage_id NOT IN (SELECT damage_id FROM estimates)`,
        )
        .run(at).changes;
      if (gone > 0) this.wrote();
      return gone;
    })();
  }

  status(): StoreStatus {
    let size_bytes = 0;
    if (this.path !== IN_MEMORY) {
      for (const file of [this.path, `${this.path}-wal`]) {
        try {
          size_bytes += statSync(file).size;
        } catch {
          // No WAL file yet.
        }
      }
    }
    return {
      kind: 'sqlite',
      path: this.path,
      schema_version: this.schemaVersion,
      writable: !this.db.readonly && this.db.open,
      size_bytes,
      last_write_at: this.lastWrite?.toISOString() ?? null,
      quarantined: this.statements.setAsideList.all(),
      checkpoint: this.checkpointStatus(),
    };
  }

  private checkpointStatus(): StoreStatus['checkpoint'] {
    if (this.path === IN_MEMORY) return null;
    if (!this.checkpointer || this.checkpointFailure) {
      return { by: 'sqlite', last_at: null, failure: this.checkpointFailure };
    }
    return { by: 'worker', last_at: this.checkpointer.last?.at ?? null, failure: null };
  }

  close(): void {
    void this.checkpointer?.stop();
    if (!this.db.open) return;
    // What is left in the WAL goes into the file now (the worker may still hold it: then the
    // next start replays the WAL, nothing is lost).
    if (this.checkpointer) this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
