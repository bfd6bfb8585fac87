/** Shared helpers for the HTTP tests: a fresh runtime + app per test, JSON requests, error checks. */
import { Decimal } from 'decimal.js';
import { expect } from 'vitest';
import { z } from 'zod';
import { readConfig } from '../../../adapters/config.js';
import { createApp } from '../../../adapters/http/app.js';
import { createRuntime, type Runtime } from '../../../adapters/runtime.js';
import type { RepairEstimate } from '../../../machines/schemas.js';

/** Every error answer: `{error:{code, message, details?}}`. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string().min(1),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The staff token the test apps are built with, and the header that carries it. */
export const TEST_STAFF_TOKEN = 'test-staff-token-0123456789';
export const STAFF_ACCESS = { token: TEST_STAFF_TOKEN, generated: false } as const;
export const STAFF = { Authorization: `Bearer ${TEST_STAFF_TOKEN}` } as const;

/** A staff POST with a JSON body. */
export function staffPost(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return post(body, { ...STAFF, ...headers });
}

export interface TestApp {
  runtime: Runtime;
  app: ReturnType<typeof createApp>;
}

/** A runtime with 3 stations (1 T-Cross, 2 Golf, 3 T-Cross) and its app; stop with `stopAll`. */
export function buildApp(
  live: TestApp[],
  options: Parameters<typeof createRuntime>[1] = {},
): TestApp {
  const runtime = createRuntime(readConfig({ STATE_DIR: ':memory:', STATIONS: '3' }), options);
  const app = createApp({
    floor: runtime.floor,
    venue: runtime.venue,
    maps: runtime.maps,
    outbox: runtime.outbox,
    samples: runtime.samples.map(({ id, vehicle_model, title_pt, title_en }) => ({
      id,
      vehicle_model,
      title_pt,
      title_en,
    })),
    staff: STAFF_ACCESS,
    replays: runtime.replays,
  });
  const built = { runtime, app };
  live.push(built);
  return built;
}

export function stopAll(live: TestApp[]): void {
  for (const { runtime } of live.splice(0)) runtime.floor.stop();
}

/** A POST with a JSON body (a string is sent as it is, for malformed bodies). */
export function post(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Asserts a JSON error answer with this status and code; returns the error. */
export async function expectError(
  res: Response,
  status: number,
  code: string,
): Promise<ErrorBody['error']> {
  const text = await res.text();
  expect(res.headers.get('content-type') ?? '').toContain('application/json');
  const body = ErrorBody.parse(JSON.parse(text));
  expect({ status: res.status, code: body.error.code }, text).toEqual({ status, code });
  return body.error;
}

/** Field paths named in a validation error's details. */
export function detailPaths(error: ErrorBody['error']): string[] {
  return z
    .array(z.object({ path: z.string() }))
    .parse(error.details)
    .map((d) => d.path);
}

const sum = (values: Decimal[]) => values.reduce((a, b) => a.plus(b), new Decimal(0));

/** The seed's two invariants of a RepairEstimate, in exact decimals. */
export function expectEstimateInvariants(e: RepairEstimate): void {
  const parts = sum(e.parts.map((p) => new Decimal(p.unit_price).times(p.quantity)));
  expect(e.parts_total, `${e.estimate_id} parts_total`).toBe(parts.toFixed(2));
  const others = sum(Object.values(e.other_totals).map((v) => new Decimal(v)));
  const grand = new Decimal(e.parts_total)
    .plus(e.labor_total)
    .plus(others)
    .plus(e.prices_include_tax ? 0 : e.tax);
  expect(e.grand_total, `${e.estimate_id} grand_total`).toBe(grand.toFixed(2));
}

/** Local (-03:00) wall-clock parts of a slot time such as "2026-11-26T08:00:00-03:00". */
export function localParts(iso: string): { date: string; minutes: number; weekday: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):\d{2}(?:\.\d+)?-03:00$/.exec(iso);
  if (!m) throw new Error(`not a -03:00 local time: ${iso}`);
  const [, y, mo, d, h, mi] = m.map(Number) as [number, number, number, number, number, number];
  return {
    date: iso.slice(0, 10),
    minutes: h * 60 + mi,
    weekday: new Date(Date.UTC(y, mo - 1, d)).getUTCDay(),
  };
}
