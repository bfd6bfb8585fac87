/**
 * The record stores behind the RecordStore interface: the same contract for the in-memory one and
 * the SQLite one (idempotent writes, one confirmed appointment per slot, a gap-free invoice
 * sequence per issuer), and what only SQLite does: records that outlive the process, a versioned
 * schema, pruning of old analysis-only reports.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  shelfKey,
  SlotTakenError,
  StockChangedError,
  type BookingHold,
  type RecordStore,
} from '../../../actors/ports.js';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import { IN_MEMORY, SCHEMA_VERSION, SqliteStore } from '../../../adapters/store/sqlite-store.js';
import type { Appointment, DamageReport, Invoice } from '../../../machines/schemas.js';

const dirs: string[] = [];
const open: RecordStore[] = [];
afterEach(() => {
  for (const store of open.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'store-'));
  dirs.push(dir);
  return join(dir, 'state', 'test.sqlite');
}

const report = (damage_id: string, session_id: string | null = 's-1'): DamageReport => ({
  damage_id,
  vehicle_model: 'tcross',
  session_id,
  crash_timestamp: '2026-12-01T10:00:00.000Z',
  components: [],
  severity_score: 0.4,
  unmapped_parts: [],
  source_shape: 'manual',
});

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** A one-hour drop-off at `slot_start` whose repair holds a bay for `work_hours`. */
const appointment = (
  id: string,
  slot_start: string,
  dealer_id = 'vw-sp-001',
  work_hours = 1,
): Appointment => ({
  appointment_id: `apt-${id}`,
  request_id: id,
  estimate_id: 'est-1',
  dealer_id,
  session_id: null,
  slot_start,
  slot_end: iso(Date.parse(slot_start) + HOUR),
  work_until: iso(Date.parse(slot_start) + work_hours * HOUR),
  status: 'confirmed',
  parts_plan: {
    dealer_id,
    estimate_id: 'est-1',
    currency: 'BRL',
    planned_at: '2026-12-01T10:00:00.000Z',
    lines: [],
    shipments: [],
    transfer_cost: '0.00',
    ready_date: '2026-12-01T10:00:00.000Z',
  },
  contact: null,
  created_at: '2026-12-01T10:00:00.000Z',
  updated_at: '2026-12-01T10:00:00.000Z',
});

/** Shelves: two units of P1 and one of P2 at vw-sp-001, nothing elsewhere. */
const shelves = (dealer_id: string, part_number: string) =>
  dealer_id === 'vw-sp-001' ? (({ P1: 2, P2: 1 } as Record<string, number>)[part_number] ?? 0) : 0;

/** What a booking holds: no parts, plenty of bays. */
const NOTHING: BookingHold = { reservations: [], on_hand: shelves, bays: 10 };

const holding = (reservations: BookingHold['reservations'], bays = 10): BookingHold => ({
  reservations,
  on_hand: shelves,
  bays,
});

/** A minimal invoice numbered `N<n>`, its number drawn from the dealer's series "1". */
const minimalInvoice = (appointment_id: string, dealer_id: string, n: number): Invoice => ({
  invoice_id: `inv-${appointment_id}`,
  invoice_number: `N${n}`,
  appointment_id,
  estimate_id: 'est-1',
  dealer_id,
  market: 'BR-SP',
  issued_at: '2026-12-01T10:00:00.000Z',
  currency: 'BRL',
  rehearsal: false,
  documents: [
    {
      kind: 'nfse',
      title: 'NFS-e',
      series: '1',
      number: n,
      display_number: String(n),
      issued_at: '2026-12-01T10:00:00.000Z',
      supplied_on: '2026-12-07',
      seller: { name: 'VW', tax_id: '00', tax_id_label: 'CNPJ', address_lines: ['SP'] },
      buyer: { name: 'Attendee', tax_id: null, tax_id_label: 'CPF', address_lines: [] },
      lines: [],
      currency: 'BRL',
      prices_include_tax: true,
      net_total: '0.00',
      tax_total: '0.00',
      grand_total: '0.00',
      tax_lines: [],
      approximate_taxes: null,
      service_code: null,
      access_key: null,
      notices: ['Simulação'],
    },
  ],
  grand_total: '0.00',
  approximate_taxes: null,
  illustrative: true,
});

let slotHour = 0;
/** Issues the invoice of appointment `apt-<id>` at `dealer_id` (booked first if it is not). */
const issue = (s: RecordStore, id: string, dealer_id: string) => {
  const appointment_id = `apt-${id}`;
  if (!s.getAppointment(appointment_id)) {
    const start = iso(Date.parse('2026-12-07T11:00:00.000Z') + (slotHour++ % 500) * HOUR);
    s.book(appointment(id, start, dealer_id), NOTHING);
  }
  return s.issueInvoice(appointment_id, (next) =>
    minimalInvoice(appointment_id, dealer_id, next('1')),
  );
};

const kinds: [string, () => RecordStore][] = [
  ['memory', () => new MemoryStore()],
  ['sqlite', () => new SqliteStore({ path: IN_MEMORY })],
];

describe.each(kinds)('%s store', (_kind, make) => {
  const store = () => {
    const s = make();
    open.push(s);
    return s;
  };

  it('stores a report once: a repeat returns the first', () => {
    const s = store();
    s.saveDamage(report('dmg-1'));
    const again = s.saveDamage({ ...report('dmg-1'), severity_score: 0.9 });
    expect(again.severity_score).toBe(0.4);
    expect(s.getDamage('dmg-1')?.severity_score).toBe(0.4);
    expect(s.getDamage('dmg-2')).toBeUndefined();
  });

  it('books a slot once; another request for it is refused; a repeat returns the first', () => {
    const s = store();
    const start = '2026-12-02T12:00:00.000Z';
    s.book(appointment('r1', start), NOTHING);
    expect(
      s.book({ ...appointment('r1', start), created_at: '2026-12-01T11:00:00.000Z' }, NOTHING),
    ).toEqual(appointment('r1', start));
    expect(() => s.book(appointment('r2', start), NOTHING)).toThrow(SlotTakenError);
    expect(s.getAppointment('apt-r2')).toBeUndefined();
    // The same start at another dealer is free.
    s.book(appointment('r3', start, 'vw-sp-002'), NOTHING);
    expect([...s.takenSlots('vw-sp-001')]).toEqual([Date.parse(start)]);
  });

  it('holds a bay until the repair is done: with every bay busy, the slot is refused', () => {
    const s = store();
    const monday8 = Date.parse('2026-12-07T11:00:00.000Z');
    // Two bays; a 10-hour repair from 08:00 and a 3-hour one from 09:00.
    s.book(appointment('long', iso(monday8), 'vw-sp-001', 10), holding([], 2));
    s.book(appointment('short', iso(monday8 + HOUR), 'vw-sp-001', 3), holding([], 2));
    // 10:00 and 11:00 need a third bay; 12:00 is free again (the short one is done).
    expect(() => s.book(appointment('x', iso(monday8 + 2 * HOUR)), holding([], 2))).toThrow(
      expect.objectContaining({ reason: 'no_bay' }),
    );
    expect(() => s.book(appointment('y', iso(monday8 + 3 * HOUR)), holding([], 2))).toThrow(
      SlotTakenError,
    );
    expect(s.book(appointment('z', iso(monday8 + 4 * HOUR)), holding([], 2)).status).toBe(
      'confirmed',
    );
    expect(s.busyBays('vw-sp-001')).toHaveLength(3);
  });

  it('reserves parts, never below zero, and a cancel puts them back and frees the slot', () => {
    const s = store();
    const start = (h: number) => iso(Date.parse('2026-12-07T11:00:00.000Z') + h * HOUR);
    const P1 = { dealer_id: 'vw-sp-001', part_number: 'P1', quantity: 1 };
    const P2 = { dealer_id: 'vw-sp-001', part_number: 'P2', quantity: 1 };
    s.book(appointment('a', start(0)), holding([P1, P2]));
    expect(s.reservedUnits().get(shelfKey('vw-sp-001', 'P1'))).toBe(1);
    // P2 had one unit and it is reserved: a second booking needing it is refused, and holds nothing.
    expect(() => s.book(appointment('b', start(1)), holding([P1, P2]))).toThrow(StockChangedError);
    expect(s.getAppointment('apt-b')).toBeUndefined();
    expect(s.reservedUnits().get(shelfKey('vw-sp-001', 'P1'))).toBe(1);
    s.book(appointment('c', start(2)), holding([P1]));
    expect(s.reservedUnits().get(shelfKey('vw-sp-001', 'P1'))).toBe(2);

    const cancelled = s.cancel('apt-a', '2026-12-01T12:00:00.000Z');
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      updated_at: '2026-12-01T12:00:00.000Z',
    });
    expect(s.cancel('apt-a', '2026-12-01T13:00:00.000Z')).toEqual(cancelled);
    expect(s.reservedUnits().get(shelfKey('vw-sp-001', 'P2'))).toBeUndefined();
    expect(s.takenSlots('vw-sp-001').has(Date.parse(start(0)))).toBe(false);
    // Its slot and its P2 are free for the next booking.
    expect(s.book(appointment('d', start(0)), holding([P2])).status).toBe('confirmed');
  });

  it('moves an appointment to a free slot, refusing a held one and a cancelled appointment', () => {
    const s = store();
    const start = (h: number) => iso(Date.parse('2026-12-07T11:00:00.000Z') + h * HOUR);
    s.book(appointment('a', start(0)), NOTHING);
    s.book(appointment('b', start(1)), NOTHING);
    const next = (h: number) => ({
      slot_start: start(h),
      slot_end: start(h + 1),
      work_until: start(h + 1),
      updated_at: '2026-12-01T12:00:00.000Z',
    });
    expect(() => s.reschedule('apt-a', next(1), 10)).toThrow(SlotTakenError);
    const moved = s.reschedule('apt-a', next(3), 10);
    expect(moved.slot_start).toBe(start(3));
    expect([...s.takenSlots('vw-sp-001')].sort()).toEqual(
      [Date.parse(start(1)), Date.parse(start(3))].sort(),
    );
    // Its old slot is free.
    s.book(appointment('c', start(0)), NOTHING);
    s.cancel('apt-b', '2026-12-01T12:00:00.000Z');
    expect(() => s.reschedule('apt-b', next(5), 10)).toThrow(
      expect.objectContaining({ code: 'appointment_cancelled' }),
    );
    expect(() => s.reschedule('apt-nope', next(5), 10)).toThrow(
      expect.objectContaining({ code: 'appointment_not_found' }),
    );
  });

  it('holds nothing for a rehearsal', () => {
    const s = store();
    const start = '2026-12-07T11:00:00.000Z';
    const P2 = { dealer_id: 'vw-sp-001', part_number: 'P2', quantity: 1 };
    s.book({ ...appointment('rehearsal', start), status: 'rehearsal' }, holding([P2], 1));
    expect(s.takenSlots('vw-sp-001').size).toBe(0);
    expect(s.reservedUnits().size).toBe(0);
    expect(s.book(appointment('real', start), holding([P2], 1)).status).toBe('confirmed');
  });

  it('numbers invoices per issuer in sequence', () => {
    const s = store();
    expect(['a1', 'a2', 'a3'].map((id) => issue(s, id, 'vw-sp-001').invoice_number)).toEqual([
      'N1',
      'N2',
      'N3',
    ]);
    expect(issue(s, 'b1', 'vw-sp-002').invoice_number).toBe('N1');
    // The same appointment again: the invoice it has, no new number.
    expect(issue(s, 'a2', 'vw-sp-001').invoice_number).toBe('N2');
    expect(issue(s, 'a4', 'vw-sp-001').invoice_number).toBe('N4');
  });

  it("issues a booking's invoice in the booking's transaction: a failure leaves neither", () => {
    const s = store();
    const start = '2026-12-07T14:00:00.000Z';
    expect(() =>
      s.book(appointment('f1', start), NOTHING, () => {
        throw new Error('no estimate');
      }),
    ).toThrow('no estimate');
    expect(s.getAppointment('apt-f1')).toBeUndefined();
    expect(s.takenSlots('vw-sp-001').size).toBe(0);
    s.book(appointment('f2', start), NOTHING, (next) =>
      minimalInvoice('apt-f2', 'vw-sp-001', next('1')),
    );
    expect(s.getInvoiceForAppointment('apt-f2')?.invoice_number).toBe('N1');
    // A slot that is taken draws no number either.
    expect(() =>
      s.book(appointment('f3', start), NOTHING, (next) =>
        minimalInvoice('apt-f3', 'vw-sp-001', next('1')),
      ),
    ).toThrow(SlotTakenError);
    expect(issue(s, 'f4', 'vw-sp-001').invoice_number).toBe('N2');
  });

  it('burns no number when making the invoice fails', () => {
    const s = store();
    s.book(appointment('a1', '2026-12-07T20:00:00.000Z'), NOTHING);
    expect(() =>
      s.issueInvoice('apt-a1', () => {
        throw new Error('no estimate');
      }),
    ).toThrow('no estimate');
    expect(issue(s, 'a1', 'vw-sp-001').invoice_number).toBe('N1');
  });
});

describe('the SQLite store', () => {
  it('keeps its records in the file: a new process finds them, and the sequence goes on', () => {
    const path = tempDb();
    const first = new SqliteStore({ path });
    first.saveDamage(report('dmg-1'));
    first.book(appointment('r1', '2026-12-02T12:00:00.000Z'), NOTHING);
    expect(issue(first, 'a1', 'vw-sp-001').invoice_number).toBe('N1');
    first.close();

    const second = new SqliteStore({ path });
    open.push(second);
    expect(second.getDamage('dmg-1')).toEqual(report('dmg-1'));
    expect(second.getAppointment('apt-r1')?.slot_start).toBe('2026-12-02T12:00:00.000Z');
    expect(() => second.book(appointment('r2', '2026-12-02T12:00:00.000Z'), NOTHING)).toThrow(
      SlotTakenError,
    );
    expect(second.getInvoiceForAppointment('apt-a1')?.invoice_number).toBe('N1');
    expect(issue(second, 'a2', 'vw-sp-001').invoice_number).toBe('N2');
    expect(second.status()).toMatchObject({
      kind: 'sqlite',
      path,
      schema_version: SCHEMA_VERSION,
      writable: true,
    });
    expect(second.status().size_bytes).toBeGreaterThan(0);
  });

  it('runs in WAL mode with a versioned schema, and refuses a file from a newer build', () => {
    const path = tempDb();
    new SqliteStore({ path }).close();
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new SqliteStore({ path })).toThrow(/schema version 99 is newer/);
  });

  it('migrates appointments booked before the dealer network: they hold their slot and no parts', () => {
    const path = tempDb();
    // A file as schema version 4 left it, with one appointment in the old shape.
    new SqliteStore({ path }).close();
    const raw = new Database(path);
    raw.exec(`DROP TABLE reservations; DROP INDEX appointments_dealer;
      ALTER TABLE appointments DROP COLUMN work_until_ms; DROP TABLE invoices_before_documents;`);
    // And its invoice in the shape before fiscal documents.
    raw
      .prepare('INSERT INTO invoices (appointment_id, invoice_id, body) VALUES (?, ?, ?)')
      .run('apt-old', 'inv-old', JSON.stringify({ invoice_number: 'VW-SP-001-2026-000001' }));
    const old = {
      appointment_id: 'apt-old',
      request_id: 'old',
      estimate_id: 'est-1',
      dealer_id: 'vw-sp-001',
      session_id: null,
      slot_start: '2026-12-02T12:00:00.000Z',
      slot_end: '2026-12-02T13:00:00.000Z',
      status: 'confirmed',
      created_at: '2026-12-01T10:00:00.000Z',
    };
    raw
      .prepare(
        'INSERT INTO appointments (appointment_id, request_id, estimate_id, dealer_id, slot_start_ms, status, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        'apt-old',
        'old',
        'est-1',
        'vw-sp-001',
        Date.parse(old.slot_start),
        'confirmed',
        JSON.stringify(old),
      );
    raw.pragma('user_version = 4');
    raw.close();

    const s = new SqliteStore({ path });
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    expect(s.getAppointment('apt-old')).toMatchObject({
      work_until: '2026-12-02T13:00:00.000Z',
      updated_at: '2026-12-01T10:00:00.000Z',
      contact: null,
      parts_plan: { lines: [], transfer_cost: '0.00' },
    });
    expect(s.busyBays('vw-sp-001')).toEqual([
      { start: Date.parse(old.slot_start), end: Date.parse(old.slot_end) },
    ]);
    expect(() => s.book(appointment('new', old.slot_start), NOTHING)).toThrow(SlotTakenError);
    // The old invoice is kept aside, not read as a document (its appointment gets new ones).
    expect(s.getInvoiceForAppointment('apt-old')).toBeUndefined();
    s.close();
    const check = new Database(path);
    expect(check.prepare('SELECT invoice_id FROM invoices_before_documents').all()).toEqual([
      { invoice_id: 'inv-old' },
    ]);
    check.close();
  });

  it('prunes analysis-only reports older than the cutoff, keeping session reports', () => {
    let now = new Date('2026-10-01T00:00:00.000Z');
    const s = new SqliteStore({ path: IN_MEMORY, now: () => now });
    open.push(s);
    s.saveDamage(report('dmg-old', null));
    s.saveDamage(report('dmg-session', 's-1'));
    now = new Date('2026-12-01T00:00:00.000Z');
    s.saveDamage(report('dmg-new', null));
    expect(s.pruneAnalysisOnly(new Date('2026-11-01T00:00:00.000Z'))).toBe(1);
    expect(s.getDamage('dmg-old')).toBeUndefined();
    expect(s.getDamage('dmg-session')).toBeDefined();
    expect(s.getDamage('dmg-new')).toBeDefined();
  });
});
