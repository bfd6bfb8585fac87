/**
 * The session history: one summary per finished, abandoned or reset session, written when its
 * station begins the next one (in the same transaction as that session's first journal entry),
 * for `GET /api/sessions` and, later, the analytics of crash patterns and parts demand.
 */
import { z } from 'zod';
import type { JournalEntry } from '../machines/envelope.js';
import { Id, IsoDateTime, Money, type DealerHit } from '../machines/schemas.js';
import type { SessionContext } from '../machines/session.js';
import { TopLevelState } from './protocol.js';

/** How a session ended: booked and shown, walked away from (the idle timer), or reset by staff. */
export const SessionOutcome = z.enum(['completed', 'abandoned', 'reset']);
export type SessionOutcome = z.infer<typeof SessionOutcome>;

export const SessionSummary = z.object({
  session_id: Id,
  station_id: Id,
  started_at: IsoDateTime,
  ended_at: IsoDateTime,
  outcome: SessionOutcome,
  /** Driven by a scripted replay, not an attendee. */
  rehearsal: z.boolean(),
  vehicle_model: Id,
  /** The deepest state it was in when it ended, e.g. "Estimated.reviewingDamage". */
  last_step: z.string(),
  /** Overall damage severity 0..1; null when it never got a damage report. */
  severity: z.number().min(0).max(1).nullable(),
  components: z.array(z.string()),
  estimate: z
    .object({
      estimate_id: Id,
      currency: z.enum(['BRL', 'EUR']),
      parts_total: Money,
      labor_total: Money,
      tax: Money,
      grand_total: Money,
      total_loss: z.boolean(),
    })
    .nullable(),
  dealer: z.object({ dealer_id: Id, name: z.string() }).nullable(),
  appointment: z
    .object({ appointment_id: Id, slot_start: IsoDateTime, invoice_id: Id.nullable() })
    .nullable(),
  /** Milliseconds spent in each top-level state (absent: never entered). */
  time_in_state_ms: z.partialRecord(TopLevelState, z.number().int().nonnegative()),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/** Sources that mean a session was driven by a rehearsal script. */
const REHEARSAL_SOURCES = new Set(['replay']);

const dealerOf = (dealer: DealerHit | null) =>
  dealer ? { dealer_id: dealer.dealer_id, name: dealer.name } : null;

/**
 * Summarises a session from its last context and journal. `ended` is the session's own end
 * (null when staff reset it mid-way); `ended_at` is when its station moved on.
 */
export function summarize(args: {
  context: SessionContext;
  last_step: string;
  journal: readonly Pick<JournalEntry, 'at' | 'to' | 'source'>[];
  started_at: string;
  ended_at: string;
}): SessionSummary {
  const { context, journal, started_at, ended_at } = args;
  const time_in_state_ms: Partial<Record<TopLevelState, number>> = {};
  // Each entry's state lasts until the next entry; the last one until the station moved on.
  for (let i = 0; i < journal.length; i++) {
    const entry = journal[i]!;
    const until = Date.parse(journal[i + 1]?.at ?? ended_at);
    const state = TopLevelState.safeParse(entry.to.split('.')[0]);
    if (!state.success) continue;
    const spent = Math.max(0, until - Date.parse(entry.at));
    time_in_state_ms[state.data] = (time_in_state_ms[state.data] ?? 0) + spent;
  }
  const { damage, appointment, invoice } = context;
  // The price the chosen dealer charges once there is one (what is invoiced), else the venue's.
  const estimate = context.dealer_estimate ?? context.estimate;
  return {
    session_id: context.session_id,
    station_id: context.station_id,
    started_at,
    ended_at,
    outcome: context.ended ?? 'reset',
    rehearsal: journal.some((e) => e.source !== null && REHEARSAL_SOURCES.has(e.source)),
    vehicle_model: damage?.vehicle_model ?? context.vehicle_model,
    last_step: args.last_step,
    severity: damage?.severity_score ?? null,
    components: damage?.components.map((c) => c.component_name) ?? [],
    estimate: estimate
      ? {
          estimate_id: estimate.estimate_id,
          currency: estimate.currency,
          parts_total: estimate.parts_total,
          labor_total: estimate.labor_total,
          tax: estimate.tax,
          grand_total: estimate.grand_total,
          total_loss: estimate.total_loss.is_total_loss,
        }
      : null,
    dealer: dealerOf(context.dealer),
    appointment: appointment
      ? {
          appointment_id: appointment.appointment_id,
          slot_start: appointment.slot_start,
          invoice_id: invoice?.invoice_id ?? null,
        }
      : null,
    time_in_state_ms,
  };
}

/** What `GET /api/sessions` filters by. */
export const HistoryQuery = z.object({
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  station: Id.optional(),
  outcome: SessionOutcome.optional(),
  limit: z.number().int().min(1).max(1000),
  /** Opaque: the `next_cursor` of the page before. */
  cursor: z.string().max(512).optional(),
});
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export interface HistoryPage {
  sessions: SessionSummary[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** The paging cursor: the last row's end time and id (rows are ordered by both, newest first). */
export function encodeCursor(row: Pick<SessionSummary, 'ended_at' | 'session_id'>): string {
  return Buffer.from(JSON.stringify([row.ended_at, row.session_id])).toString('base64url');
}

export function decodeCursor(cursor: string): { ended_at: string; session_id: string } | null {
  try {
    const parsed = z
      .tuple([IsoDateTime, Id])
      .safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? { ended_at: parsed.data[0], session_id: parsed.data[1] } : null;
  } catch {
    return null;
  }
}
