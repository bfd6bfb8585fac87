/**
 * The staff session inspector's API (mounted at /api/staff, behind the staff gate):
 *  - `GET /statechart`: the attendee session's statechart, read from the machine and laid out
 *    by ELK on the server once (adapters/http/statechart-layout.ts);
 *  - `GET /sessions/{id}`: one session inspected: its view, its full context, where it is
 *    (step and state value), what it is waiting on (invoked actors in flight, pending `after`
 *    timers) and its station's simulator link. An ended session is what the store kept: its
 *    last view, nothing live. Its journal is `GET /api/sessions/{id}/journal`.
 */
import { createRoute } from '@hono/zod-openapi';
import type { AnyActorRef } from 'xstate';
import { z } from 'zod';
import type { Floor, SessionRef } from '../../actors/floor.js';
import { RigStatus, SessionView } from '../../actors/protocol.js';
import { stepOf } from '../../actors/session-view.js';
import { statechartOf, type StatechartGraph } from '../../actors/statechart.js';
import { Id, IsoDateTime } from '../../machines/schemas.js';
import { sessionMachine } from '../../machines/session.js';
import { ApiError } from './errors.js';
import {
  answer,
  apiRoutes,
  component,
  pathId,
  refusal,
  staffOnly,
  staffRefusal,
  unexpected,
} from './openapi.js';
import { sessionStatechartLayout, StatechartLayout } from './statechart-layout.js';

const ActorStatus = z.enum(['active', 'done', 'error', 'stopped']);

/** An actor the session invoked, as its snapshot's `children` hold it. */
export const InspectedChild = z.object({
  /** The invocation's id, e.g. "bookAppointment". */
  id: z.string(),
  /** The actor logic's name in the machine's setup. */
  src: z.string(),
  /** `active` while the work is in flight. */
  status: ActorStatus,
  /** The state that invoked it (dotted path, as `step`), when it is one the graph knows. */
  state: z.string().nullable(),
});
export type InspectedChild = z.infer<typeof InspectedChild>;

/** A delayed transition (`after`) scheduled and not yet fired. */
export const PendingTimer = z.object({
  /** XState's event type, e.g. "xstate.after.idle.session.Estimated.reviewingDamage". */
  event: z.string(),
  /** As the statechart reads it: "after idle". */
  label: z.string(),
  /** The state whose `after` it is (dotted path). */
  state: z.string().nullable(),
  delay_ms: z.number().nonnegative(),
  /** When it fires, by the wall clock it was scheduled on. */
  due_at: IsoDateTime,
});
export type PendingTimer = z.infer<typeof PendingTimer>;

export const SessionInspection = component(
  'SessionInspection',
  z.object({
    session: SessionView,
    /** True while the session is its station's live one; false once it ended (store only). */
    live: z.boolean(),
    station_id: Id,
    /** The station's session now: another id once the station has moved on. */
    station_session_id: Id.nullable(),
    /** Full state path, e.g. "DealerChosen.choosingSlot". */
    step: z.string(),
    /** XState's state value (live sessions), e.g. `{"DealerChosen": "choosingSlot"}`. */
    value: z.unknown(),
    /** The actor's status (live sessions); null once ended. */
    status: ActorStatus.nullable(),
    /** The machine's full context (live sessions); null once ended. */
    context: z.record(z.string(), z.unknown()).nullable(),
    /** Invoked actors (in flight while `active`); empty once ended. */
    children: z.array(InspectedChild),
    /** Delayed transitions waiting to fire; empty once ended. */
    timers: z.array(PendingTimer),
    /** The station's simulator link (live sessions of stations that have one). */
    link: RigStatus.nullable(),
  }),
  'One session seen from inside: its view, context, children and timers',
);
export type SessionInspection = z.infer<typeof SessionInspection>;

component('StatechartLayout', StatechartLayout, 'The session statechart, laid out for drawing');

let graph: StatechartGraph | undefined;
/** The session machine's graph (for naming timers and where children were invoked). */
const sessionGraph = () => (graph ??= statechartOf(sessionMachine));

/** Invoked actors of a live session, each with the state that invoked it. */
function childrenOf(ref: SessionRef): InspectedChild[] {
  const snapshot = ref.getSnapshot();
  const step = stepOf(snapshot.value);
  const active = (path: string) => step === path || step.startsWith(`${path}.`);
  const children = snapshot.children as Record<string, AnyActorRef | undefined>;
  return Object.entries(children).flatMap(([id, child]) => {
    if (!child) return [];
    const src = typeof child.src === 'string' ? child.src : 'inline';
    const state =
      sessionGraph().nodes.find((n) => active(n.path) && n.invokes.some((i) => i.id === id))
        ?.path ?? null;
    const status = ActorStatus.catch('active').parse(
      (child.getSnapshot() as { status?: unknown }).status,
    );
    return [{ id, src, status, state }];
  });
}

/** The session's pending `after` timers, from its actor system's scheduler. */
function timersOf(ref: SessionRef): PendingTimer[] {
  const scheduled = ref.system.getSnapshot()._scheduledEvents;
  const edges = sessionGraph().edges;
  const nodes = new Map(sessionGraph().nodes.map((n) => [n.id, n]));
  return Object.values(scheduled)
    .filter((e) => e.source === ref && e.event.type.startsWith('xstate.after.'))
    .map((e) => {
      const edge = edges.find((x) => x.event === e.event.type);
      return {
        event: e.event.type,
        label: edge?.label ?? e.event.type,
        state: edge ? (nodes.get(edge.source)?.path ?? null) : null,
        delay_ms: e.delay,
        due_at: new Date(e.startedAt + e.delay).toISOString(),
      };
    })
    .sort((a, b) => a.due_at.localeCompare(b.due_at));
}

/** Everything the inspector shows of one session; undefined when no session has this id. */
export function inspect(floor: Floor, session_id: string): SessionInspection | undefined {
  const station_id = floor.stationOfSession(session_id);
  const ref = station_id === undefined ? undefined : floor.session(station_id);
  const snapshot = ref?.getSnapshot();
  if (station_id !== undefined && ref && snapshot?.context.session_id === session_id) {
    const session = floor.view(station_id)!;
    return {
      session,
      live: true,
      station_id,
      station_session_id: session.session_id,
      step: stepOf(snapshot.value),
      value: snapshot.value,
      status: snapshot.status,
      context: { ...snapshot.context },
      children: childrenOf(ref),
      timers: timersOf(ref),
      link: floor.rigStatus(station_id),
    };
  }
  const view = floor.sessionView(session_id);
  if (!view) return undefined;
  return {
    session: view,
    live: false,
    station_id: view.station_id,
    station_session_id: floor.view(view.station_id)?.session_id ?? null,
    step: view.step,
    value: null,
    status: null,
    context: null,
    children: [],
    timers: [],
    link: null,
  };
}

/** The inspector's sub-app: mount at /api/staff behind the staff gate. */
export function inspectorRoutes(floor: Floor) {
  return apiRoutes()
    .openapi(
      createRoute({
        method: 'get',
        path: '/statechart',
        operationId: 'getSessionStatechart',
        tags: ['Staff'],
        summary: "The session statechart, read from the machine and laid out (ELK's layered)",
        description:
          'Every state (nested), initial state, final state, invoked actor and transition of ' +
          'the attendee session machine, with absolute coordinates for its boxes, routes and ' +
          'labels. Computed once per server run.',
        ...staffOnly,
        responses: {
          200: answer(StatechartLayout, 'The graph and its layout'),
          ...staffRefusal,
          ...unexpected,
        },
      }),
      async (c) => c.json(await sessionStatechartLayout(), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/sessions/{id}',
        operationId: 'inspectSession',
        tags: ['Staff'],
        summary: 'A session seen from inside: context, children, timers, link',
        description:
          'A live session with its full context, its invoked actors and pending timers and its ' +
          "station's simulator link; an ended one as the store kept it (no context, no " +
          'children). Its journal is `GET /api/sessions/{id}/journal`.',
        ...staffOnly,
        request: { params: z.object({ id: pathId('Session id') }) },
        responses: {
          200: answer(SessionInspection, 'The session as it is now'),
          404: refusal(['session_not_found']),
          ...staffRefusal,
          ...unexpected,
        },
      }),
      (c) => {
        const id = c.req.param('id');
        const found = inspect(floor, id);
        if (!found) throw new ApiError('session_not_found', `No session "${id}"`);
        return c.json(found, 200);
      },
    );
}
