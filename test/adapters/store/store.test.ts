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
import { SlotTakenError, type RecordStore } from '../../../actors/ports.js';
import { MemoryStore } from '../../../adapters/store/memory-store.js';
import { IN_MEMORY, SCHEMA_VERSION, SqliteStore } from '../../../adapters/store/sqlite-store.js';
import type { Appointment, DamageReport } from '../../../machines/schemas.js';

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

const appointment = (id: string, slot_start: string, dealer_id = 'vw-sp-001'): Appointment => ({
  appointment_id: `apt-${id}`,
  request_id: id,
  estimate_id: 'est-1',
  dealer_id,
  session_id: null,
  slot_start,
  slot_end: '2026-12-02T13:00:00.000Z',
  status: 'confirmed',
  created_at: '2026-12-01T10:00:00.000Z',
});

/** Issues a minimal invoice numbered `N<seq>` for an appointment. */
const issue = (s: RecordStore, appointment_id: string, issuer: string) =>
  s.issueInvoice(appointment_id, issuer, (seq) => ({
    invoice_id: `inv-${appointment_id}`,
    invoice_number: `N${seq}`,
    appointment_id,
    estimate_id: 'est-1',
    issued_at: '2026-12-01T10:00:00.000Z',
    currency: 'BRL',
    seller: { name: 'VW', tax_id: '00', address: 'SP' },
    buyer: { name: 'Attendee' },
    lines: [],
    prices_include_tax: true,
    net_total: '0.00',
    tax: '0.00',
    tax_lines: [],
    approximate_taxes: null,
    grand_total: '0.00',
    illustrative: true,
  }));

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
    s.book(appointment('r1', start));
    expect(s.book({ ...appointment('r1', start), created_at: '2026-12-01T11:00:00.000Z' })).toEqual(
      appointment('r1', start),
    );
    expect(() => s.book(appointment('r2', start))).toThrow(SlotTakenError);
    expect(s.getAppointment('apt-r2')).toBeUndefined();
    // The same start at another dealer is free.
    s.book(appointment('r3', start, 'vw-sp-002'));
    expect([...s.takenSlots('vw-sp-001')]).toEqual([Date.parse(start)]);
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

  it('burns no number when making the invoice fails', () => {
    const s = store();
    expect(() =>
      s.issueInvoice('a1', 'vw-sp-001', () => {
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
    first.book(appointment('r1', '2026-12-02T12:00:00.000Z'));
    expect(issue(first, 'a1', 'vw-sp-001').invoice_number).toBe('N1');
    first.close();

    const second = new SqliteStore({ path });
    open.push(second);
    expect(second.getDamage('dmg-1')).toEqual(report('dmg-1'));
    expect(second.getAppointment('apt-r1')?.slot_start).toBe('2026-12-02T12:00:00.000Z');
    expect(() => second.book(appointment('r2', '2026-12-02T12:00:00.000Z'))).toThrow(
      SlotTakenError,
    );
    expect(second.getInvoiceForAppointment('a1')?.invoice_number).toBe('N1');
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
