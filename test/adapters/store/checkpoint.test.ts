/**
 * WAL checkpoints run in a worker thread, off the server's commits: the worker folds the log into
 * the file on its interval, the log stays bounded under steady writes (SQLite's own checkpoint
 * is the bound), and what was written is all there when the file is opened again.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { SqliteStore } from '../../../adapters/store/sqlite-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const entry = (i: number) => ({
  at: new Date(Date.UTC(2026, 11, 1, 12, 0, 0, i)).toISOString(),
  station_id: '1',
  session_id: `s-${i % 20}`,
  type: 'CONTINUE',
  payload: {},
  source: 'kiosk',
  request_id: null,
  correlation_id: null,
  from: 'Waiting.driving',
  to: `Step.${i}`,
});

it('folds the WAL into the file from a worker thread, and loses nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
  dirs.push(dir);
  const path = join(dir, 'test.sqlite');
  const store = new SqliteStore({ path, checkpoint_ms: 20 });
  // A snapshot the size of a session's in Estimated (about 12 KB).
  const session = { context: { padding: 'x'.repeat(12_000) } };
  for (let i = 0; i < 100; i++) store.recordTransition({ entry: entry(i), session, format: 1 });
  const before = statSync(path).size;
  await expect
    .poll(() => store.status().checkpoint?.last_at ?? null, { timeout: 10_000 })
    .not.toBeNull();
  await expect.poll(() => statSync(path).size, { timeout: 10_000 }).toBeGreaterThan(before);
  expect(store.status().checkpoint).toMatchObject({ by: 'worker', failure: null });
  store.close();

  const db = new Database(path, { readonly: true });
  expect(db.prepare('SELECT count(*) AS n FROM journal').get()).toEqual({ n: 100 });
  db.close();
});

it('keeps the WAL bounded under steady writes (a passive checkpoint alone cannot restart it)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
  dirs.push(dir);
  const path = join(dir, 'test.sqlite');
  const store = new SqliteStore({ path, checkpoint_ms: 5 });
  const session = { context: { padding: 'x'.repeat(12_000) } };
  // About 30 MB written back to back.
  for (let i = 0; i < 2_500; i++) store.recordTransition({ entry: entry(i), session, format: 1 });
  // Unbounded it would hold all of it (over 30 MB); bounded, a few MB (slack for a busy machine).
  expect(statSync(`${path}-wal`).size).toBeLessThan(20_000_000);
  store.close();
});

it('leaves checkpoints to SQLite when asked to, and in memory there are none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'checkpoint-'));
  dirs.push(dir);
  const inline = new SqliteStore({ path: join(dir, 'a.sqlite'), checkpoint_ms: 0 });
  expect(inline.status().checkpoint).toEqual({ by: 'sqlite', last_at: null, failure: null });
  inline.close();
  const memory = new SqliteStore({ path: ':memory:' });
  expect(memory.status().checkpoint).toBeNull();
  memory.close();
});
