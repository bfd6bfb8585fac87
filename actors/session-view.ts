/** Turns a session snapshot into the SessionView screens render. */
import type { SnapshotFrom } from 'xstate';
import type { SessionContext, SessionEvent, sessionMachine } from '../machines/session.js';
import { TopLevelState, type RigStatus, type SessionView } from './protocol.js';

/** Events a kiosk may send, each with a representative payload to ask the session whether it
 *  would take it now. */
function probes(context: SessionContext): SessionEvent[] {
  const dealer = context.dealers[0];
  const slot = context.slots[0];
  return [
    { type: 'REPAIR_REQUESTED', request_id: 'probe' },
    { type: 'CONTINUE' },
    { type: 'BACK' },
    { type: 'RETRY' },
    { type: 'CHANGE_DEALER' },
    { type: 'NEXT_DRIVER' },
    ...(dealer ? [{ type: 'DEALER_CHOSEN' as const, dealer_id: dealer.dealer_id }] : []),
    ...(slot
      ? [{ type: 'SLOT_CHOSEN' as const, request_id: 'probe', slot_start: slot.start }]
      : []),
  ];
}

/** Dotted path of the deepest active state, e.g. "Estimated.choosingDealer.ready". */
export function stepOf(value: unknown): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value as Record<string, unknown>)[0]!;
  return `${key}.${stepOf(child)}`;
}

export interface ViewArgs {
  station_name: string;
  vehicle_name: string;
  snapshot: SnapshotFrom<typeof sessionMachine>;
  rig: RigStatus | null;
  started_at: string;
  updated_at: string;
}

export function toSessionView({
  station_name,
  vehicle_name,
  snapshot,
  rig,
  started_at,
  updated_at,
}: ViewArgs): SessionView {
  const { context } = snapshot;
  const step = stepOf(snapshot.value);
  const state = TopLevelState.parse(step.split('.')[0]);
  const can: string[] = [];
  for (const probe of probes(context)) if (snapshot.can(probe)) can.push(probe.type);
  if (state === 'Waiting') can.push('SIMULATE_CRASH');
  can.push('SET_LOCALE', 'STAFF_RESET');
  return {
    station_id: context.station_id,
    station_name,
    session_id: context.session_id,
    state,
    step,
    can,
    vehicle_model: context.damage?.vehicle_model ?? context.vehicle_model,
    vehicle_name,
    market: context.market,
    locale: context.locale,
    damage_id: context.damage?.damage_id ?? null,
    estimate_id: context.estimate?.estimate_id ?? null,
    dealer_id: context.dealer?.dealer_id ?? null,
    appointment_id: context.appointment?.appointment_id ?? null,
    has_telemetry: context.telemetry !== null,
    live_damage: context.live_damage,
    damage: context.damage,
    estimate: context.estimate,
    dealers: context.dealers,
    dealer: context.dealer,
    dealer_estimate: context.dealer_estimate,
    parts_plan: context.parts_plan,
    venue: context.location,
    slots: context.slots,
    appointment: context.appointment,
    invoice: context.invoice,
    error: context.error,
    rig,
    started_at,
    updated_at,
  };
}
