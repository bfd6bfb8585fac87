/**
 * A machine's statechart as a graph, read from the machine definition itself at run time: its
 * state nodes (nested, with their initial child, final states, invoked actors, entry and exit
 * actions) and its transitions (event, targets, guard, actions), with XState's own events named
 * as a person reads them: a delayed transition as "after idle", an invoked actor's answer as
 * "done: bookAppointment" / "error: bookAppointment", an eventless one as "always".
 *
 * Nothing here is written by hand per machine: add a state or a transition to
 * machines/session.ts and it is in the graph (and so in the staff inspector's drawing).
 * Pure: no I/O, the same machine gives the same graph.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { z } from 'zod';

export const StateKind = z.enum(['atomic', 'compound', 'parallel', 'final', 'history']);
export type StateKind = z.infer<typeof StateKind>;

export const InvokedActor = z.object({
  /** The invocation's id: its done/error events and the snapshot's `children` use it. */
  id: z.string(),
  /** The actor logic's name in the machine's setup (`inline` for logic given in place). */
  src: z.string(),
});
export type InvokedActor = z.infer<typeof InvokedActor>;

export const StatechartNode = z.object({
  /** XState's id, e.g. "session.DealerChosen.booking". */
  id: z.string(),
  /** The state's own name, e.g. "booking" (the machine's id for the root). */
  key: z.string(),
  /** Dotted path below the root, as a SessionView's `step` names it ("" for the root). */
  path: z.string(),
  /** The parent state's id; null for the root. */
  parent: z.string().nullable(),
  /** 0 for the root, 1 for the top-level states, … */
  depth: z.number().int().nonnegative(),
  type: StateKind,
  /** The child entered first (compound states); null otherwise. */
  initial: z.string().nullable(),
  /** Child state ids, in definition order. */
  children: z.array(z.string()),
  /** Actors invoked while in this state. */
  invokes: z.array(InvokedActor),
  entry: z.array(z.string()),
  exit: z.array(z.string()),
  description: z.string().nullable(),
});
export type StatechartNode = z.infer<typeof StatechartNode>;

export const TransitionKind = z.enum([
  /** An event sent to the machine. */
  'event',
  /** A delayed transition (`after`). */
  'after',
  /** An invoked actor finished (`onDone`). */
  'done',
  /** An invoked actor failed (`onError`). */
  'error',
  /** A compound state reached its final child (`onDone` of a state). */
  'state-done',
  /** An eventless transition (`always`). */
  'always',
]);
export type TransitionKind = z.infer<typeof TransitionKind>;

export const StatechartEdge = z.object({
  /** Unique in the graph: source, event and the transition's place among that event's. */
  id: z.string(),
  /** The state that declares the transition. */
  source: z.string(),
  /** Target state ids; empty for a transition that only runs actions (drawn inside its state). */
  targets: z.array(z.string()),
  /** The event type as XState names it, e.g. "xstate.after.idle.session.Crashed.failed". */
  event: z.string(),
  kind: TransitionKind,
  /** How the transition reads: "CONTINUE", "after idle", "done: bookAppointment", "always". */
  label: z.string(),
  /** The guard's name, when the transition has one. */
  guard: z.string().nullable(),
  /** The delay's name or "N ms" (kind `after`). */
  delay: z.string().nullable(),
  /** The invocation the event comes from (kinds `done` and `error`). */
  actor: z.string().nullable(),
  actions: z.array(z.string()),
  /** True when it takes no target: it runs its actions and stays. */
  internal: z.boolean(),
  reenter: z.boolean(),
});
export type StatechartEdge = z.infer<typeof StatechartEdge>;

export const StatechartGraph = z.object({
  /** The machine's id, e.g. "session". */
  machine: z.string(),
  /** The root state's id. */
  root: z.string(),
  /** Every state node, depth first in definition order (a parent before its children). */
  nodes: z.array(StatechartNode),
  /** Every transition, in the order of the states that declare them. */
  edges: z.array(StatechartEdge),
});
export type StatechartGraph = z.infer<typeof StatechartGraph>;

/** What XState keeps of an action or guard: a name, a `{type}` object or a function. */
function nameOf(item: unknown): string {
  if (typeof item === 'string') return item;
  if (typeof item === 'function') {
    const type = (item as { type?: unknown }).type;
    if (typeof type === 'string') return type.replace(/^xstate\./, '');
    return item.name || 'inline';
  }
  if (item && typeof item === 'object') {
    const type = (item as { type?: unknown }).type;
    if (typeof type === 'string') return type.replace(/^xstate\./, '');
  }
  return 'inline';
}

const namesOf = (items: readonly unknown[] | undefined): string[] => (items ?? []).map(nameOf);

/**
 * A state's entry or exit actions without the ones XState adds for its `after` transitions (the
 * delayed event raised on entry, cancelled on exit): those are drawn as the transitions.
 */
function ownActions(node: AnyStateNode, actions: readonly unknown[]): unknown[] {
  const timers = new Set((node.after as readonly { eventType: string }[]).map((a) => a.eventType));
  return actions.filter((action) => {
    const a = action as { type?: unknown; id?: unknown; sendId?: unknown };
    if (a.type === 'xstate.raise' && typeof a.id === 'string') return !timers.has(a.id);
    if (a.type === 'xstate.cancel' && typeof a.sendId === 'string') return !timers.has(a.sendId);
    return true;
  });
}

const DONE_ACTOR = 'xstate.done.actor.';
const ERROR_ACTOR = 'xstate.error.actor.';
const DONE_STATE = 'xstate.done.state.';

interface TransitionLike {
  eventType: string;
  target?: readonly AnyStateNode[] | undefined;
  guard?: unknown;
  actions?: readonly unknown[];
  reenter?: boolean;
}

/** Reads what an event type means on `node`: an `after` delay, an invoked actor's answer, … */
function classify(
  node: AnyStateNode,
  eventType: string,
): Pick<StatechartEdge, 'kind' | 'label' | 'delay' | 'actor'> {
  const delayed = (node.after as readonly { eventType: string; delay: unknown }[]).find(
    (a) => a.eventType === eventType,
  );
  if (delayed) {
    const delay = typeof delayed.delay === 'number' ? `${delayed.delay} ms` : nameOf(delayed.delay);
    return { kind: 'after', label: `after ${delay}`, delay, actor: null };
  }
  const invokes = node.invoke as readonly { id: string }[];
  for (const [prefix, kind] of [
    [DONE_ACTOR, 'done'],
    [ERROR_ACTOR, 'error'],
  ] as const) {
    if (!eventType.startsWith(prefix)) continue;
    const actor = eventType.slice(prefix.length);
    if (invokes.some((i) => i.id === actor)) {
      return { kind, label: `${kind}: ${actor}`, delay: null, actor };
    }
  }
  if (eventType.startsWith(DONE_STATE)) {
    return { kind: 'state-done', label: 'done', delay: null, actor: null };
  }
  if (eventType === '') return { kind: 'always', label: 'always', delay: null, actor: null };
  return { kind: 'event', label: eventType, delay: null, actor: null };
}

function edgesOf(node: AnyStateNode): StatechartEdge[] {
  const edges: StatechartEdge[] = [];
  const add = (eventType: string, list: readonly TransitionLike[]) => {
    list.forEach((t, i) => {
      const targets = (t.target ?? []).map((n) => n.id);
      edges.push({
        id: `${node.id}|${eventType || 'always'}|${i}`,
        source: node.id,
        targets,
        event: eventType,
        ...classify(node, eventType),
        guard: t.guard === undefined ? null : nameOf(t.guard),
        actions: namesOf(t.actions),
        internal: targets.length === 0,
        reenter: t.reenter ?? false,
      });
    });
  };
  const transitions = node.transitions as ReadonlyMap<string, readonly TransitionLike[]>;
  for (const [eventType, list] of transitions) add(eventType, list);
  const always = (node.always ?? []) as readonly TransitionLike[];
  if (always.length > 0) add('', always);
  return edges;
}

/**
 * The statechart of `machine` (or of one state node and everything below it): every state,
 * nested as defined, and every transition, derived from the definition as XState holds it.
 */
export function statechartOf(machine: AnyStateMachine | AnyStateNode): StatechartGraph {
  const root: AnyStateNode = 'root' in machine ? machine.root : machine;
  const nodes: StatechartNode[] = [];
  const edges: StatechartEdge[] = [];
  const visit = (node: AnyStateNode, parent: string | null, depth: number) => {
    const children = Object.values(node.states as Record<string, AnyStateNode>);
    const initial = (node.initial?.target ?? [])[0] as AnyStateNode | undefined;
    nodes.push({
      id: node.id,
      key: node.key,
      path: (node.path as string[]).join('.'),
      parent,
      depth,
      type: StateKind.parse(node.type),
      initial: children.length > 0 && initial ? initial.id : null,
      children: children.map((c) => c.id),
      invokes: (node.invoke as readonly { id: string; src: unknown }[]).map((i) => ({
        id: i.id,
        src: typeof i.src === 'string' ? i.src : 'inline',
      })),
      entry: namesOf(ownActions(node, node.entry as readonly unknown[])),
      exit: namesOf(ownActions(node, node.exit as readonly unknown[])),
      description: typeof node.description === 'string' ? node.description : null,
    });
    edges.push(...edgesOf(node));
    for (const child of children) visit(child, node.id, depth + 1);
  };
  visit(root, null, 0);
  return { machine: root.machine.id, root: root.id, nodes, edges };
}
