/**
 * A session's journal as a replay script (`GET /api/sessions/{id}/script`): its inputs, at the
 * times they came, so that running the script drives a fresh session to the same result — the
 * same damage, estimate and totals, the same dealer, the slot at the same place in the list.
 *
 * - Only inputs are kept (kiosk, staff, API, rig, mod, replay); what the machine did itself (a
 *   timer, an invoked actor's answer) follows from them. A staff reset ends the session and is
 *   not part of it.
 * - The crash names its car (the damage report's model), so the script gives the same result on
 *   a station whose car is another one.
 * - A crash the rig held is journalled without its telemetry (its readings are the session's
 *   latest, in the snapshot): the script takes the telemetry the session analysed from there.
 * - A failed analysis replaced by staff's manual entry replays as that entry, reported: the
 *   failure itself cannot be replayed from the journal (the failing telemetry is not kept).
 * - A slot is named by its place in the list the session was offered, not by its time: a slot
 *   the recorded session booked for real is taken now, and the times move on with the days.
 */
import { z } from 'zod';
import type { JournalEntry } from '../../machines/envelope.js';
import { DamageReport, Locale, Slot } from '../../machines/schemas.js';
import { DomainError } from '../errors.js';
import { ReplayScript, Telemetry, type ReplayScriptInput, type ReplayStep } from './script.js';

/** What the export reads of the session's latest stored snapshot. */
export const ExportedContext = z.looseObject({
  station_id: z.string(),
  session_id: z.string(),
  telemetry: z.unknown(),
  damage: DamageReport.nullable().catch(null),
  slots: z.array(Slot).catch([]),
});
export type ExportedContext = z.infer<typeof ExportedContext>;

/** A session's stored snapshot (`getPersistedSnapshot()` as JSON) as the export reads it. */
export function exportedContextOf(snapshot_json: string): ExportedContext | null {
  try {
    const parsed = z.looseObject({ context: ExportedContext }).safeParse(JSON.parse(snapshot_json));
    return parsed.success ? parsed.data.context : null;
  } catch {
    return null;
  }
}

/** A script name made of a session id. */
export function scriptNameOf(session_id: string): string {
  const slug = `session-${session_id}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .slice(0, 64);
  return slug;
}

const DealerPayload = z.object({ dealer_id: z.string() });
const SlotPayload = z.object({ slot_start: z.string() });
const CrashPayload = z.object({
  telemetry: Telemetry,
  vehicle_model: z.string().nullable().optional(),
});
const LocalePayload = z.object({ locale: Locale });

/** A step before its time is put in (Omit over each kind of step). */
type StepWithoutTime = ReplayStep extends infer S
  ? S extends unknown
    ? Omit<S, 'at_ms'>
    : never
  : never;

export interface ExportArgs {
  session_id: string;
  station_id: string;
  journal: readonly JournalEntry[];
  /** The session's latest context (its snapshot), null when it cannot be read. */
  context: ExportedContext | null;
}

/** The journal's inputs as a one-station script. Throws script_invalid when it has none. */
export function scriptOfJournal({
  session_id,
  station_id,
  journal,
  context,
}: ExportArgs): ReplayScript {
  const inputs = journal.filter((e) => !e.type.startsWith('xstate.') && e.type !== 'STAFF_RESET');
  const t0 = inputs[0] ? Date.parse(inputs[0].at) : 0;
  const model = context?.damage?.vehicle_model;
  const pinned = model ? { vehicle_model: model } : {};
  const steps: ReplayStep[] = [];
  /** The place of a slot in the list the session was offered; 0 when it is not there. */
  const slotIndex = (slot_start: string) =>
    Math.max(
      0,
      (context?.slots ?? []).findIndex((s) => Date.parse(s.start) === Date.parse(slot_start)),
    );

  for (const entry of inputs) {
    const at_ms = Math.max(0, Math.round(Date.parse(entry.at) - t0));
    const push = (step: StepWithoutTime) => steps.push({ at_ms, ...step } as ReplayStep);
    switch (entry.type) {
      case 'CRASH_DETECTED':
        if (context?.telemetry !== undefined && context.telemetry !== null) {
          push({ action: 'crash', telemetry: context.telemetry, ...pinned });
        }
        break;
      case 'CRASH_REPORTED': {
        const payload = CrashPayload.safeParse(entry.payload);
        if (!payload.success) break;
        const vehicle_model = payload.data.vehicle_model ?? model;
        push({
          action: 'crash',
          report: true,
          telemetry: payload.data.telemetry,
          ...(vehicle_model ? { vehicle_model } : {}),
        });
        break;
      }
      case 'MANUAL_DAMAGE_ENTERED': {
        const payload = CrashPayload.safeParse(entry.payload);
        if (!payload.success) break;
        // It replaced a failed analysis: the crash that failed and its retries go.
        const crash = steps.findLastIndex((s) => s.action === 'crash');
        if (crash >= 0) steps.splice(crash);
        push({ action: 'crash', report: true, telemetry: payload.data.telemetry, ...pinned });
        break;
      }
      case 'REPAIR_REQUESTED':
        push({ action: 'repair' });
        break;
      case 'RETRY':
        push({ action: 'retry' });
        break;
      case 'CONTINUE':
        push({ action: 'continue' });
        break;
      case 'BACK':
        push({ action: 'back' });
        break;
      case 'CHANGE_DEALER':
        push({ action: 'change_dealer' });
        break;
      case 'NEXT_DRIVER':
        push({ action: 'next_driver' });
        break;
      case 'DEALER_CHOSEN': {
        const payload = DealerPayload.safeParse(entry.payload);
        if (payload.success) push({ action: 'choose_dealer', dealer_id: payload.data.dealer_id });
        break;
      }
      case 'SLOT_CHOSEN': {
        const payload = SlotPayload.safeParse(entry.payload);
        if (payload.success) {
          push({ action: 'choose_slot', index: slotIndex(payload.data.slot_start) });
        }
        break;
      }
      case 'BOOKING_REQUESTED': {
        const payload = DealerPayload.extend(SlotPayload.shape).safeParse(entry.payload);
        if (payload.success) {
          push({
            action: 'book',
            dealer_id: payload.data.dealer_id,
            index: slotIndex(payload.data.slot_start),
          });
        }
        break;
      }
      case 'SET_LOCALE': {
        const payload = LocalePayload.safeParse(entry.payload);
        if (payload.success) push({ action: 'set_locale', locale: payload.data.locale });
        break;
      }
    }
  }
  if (steps.length === 0) {
    throw new DomainError(
      'script_invalid',
      `Session ${session_id} has no inputs to replay (nothing happened in it yet)`,
    );
  }
  const started = inputs[0]!.at;
  const script: ReplayScriptInput = {
    name: scriptNameOf(session_id),
    title: `Session ${session_id} (station ${station_id})`,
    description:
      `Recorded from the journal of session ${session_id} on station ${station_id}, ` +
      `from ${started}: its inputs at the times they came.`,
    stations: 1,
    steps,
  };
  return ReplayScript.parse(script);
}
