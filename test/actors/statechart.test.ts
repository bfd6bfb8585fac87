/**
 * The statechart graph is read from the machine itself: checked against sessionMachine's own
 * definition (its config, walked here independently), so a state or transition added there is
 * in the graph without anyone listing it; and against a machine with a state added.
 */
import { describe, expect, it } from 'vitest';
import { createMachine, type AnyStateMachine } from 'xstate';
import { statechartOf, StatechartGraph, type StatechartEdge } from '../../actors/statechart.js';
import { sessionMachine } from '../../machines/session.js';

interface StateConfig {
  type?: string;
  initial?: string;
  states?: Record<string, StateConfig>;
  after?: Record<string, unknown>;
  invoke?: { id?: string; src: unknown } | { id?: string; src: unknown }[];
}

/** Every state path the config defines, with its config, depth first. */
function configStates(config: StateConfig, path: string[] = []): [string, StateConfig][] {
  return Object.entries(config.states ?? {}).flatMap(([key, child]) => [
    [[...path, key].join('.'), child] as [string, StateConfig],
    ...configStates(child, [...path, key]),
  ]);
}

const graph = statechartOf(sessionMachine);
const nodeAt = (path: string) => graph.nodes.find((n) => n.path === path)!;
const idOf = (path: string) => nodeAt(path).id;
const edgesFrom = (path: string) => graph.edges.filter((e) => e.source === idOf(path));
const one = (edges: StatechartEdge[], label: string, guard: string | null = null) => {
  const found = edges.filter((e) => e.label === label && e.guard === guard);
  expect(found, `${label} [${guard}]`).toHaveLength(1);
  return found[0]!;
};

describe('statechartOf(sessionMachine)', () => {
  const config = sessionMachine.config as unknown as StateConfig;
  const defined = configStates(config);

  it('is described by its schema', () => {
    expect(StatechartGraph.parse(graph)).toEqual(graph);
    expect(graph.machine).toBe('session');
    expect(graph.root).toBe('session');
  });

  it('has every state of the machine, and no other, nested as defined', () => {
    expect(graph.nodes.map((n) => n.path).sort()).toEqual(['', ...defined.map(([p]) => p)].sort());
    for (const [path, state] of defined) {
      const node = nodeAt(path);
      const parentPath = path.split('.').slice(0, -1).join('.');
      expect(node.parent, path).toBe(idOf(parentPath));
      expect(node.depth, path).toBe(path.split('.').length);
      expect(node.key, path).toBe(path.split('.').at(-1));
      expect(node.children, path).toEqual(
        Object.keys(state.states ?? {}).map((k) => idOf(`${path}.${k}`)),
      );
      expect(node.initial, path).toBe(state.initial ? idOf(`${path}.${state.initial}`) : null);
      expect(node.type, path).toBe(
        state.type ?? (Object.keys(state.states ?? {}).length > 0 ? 'compound' : 'atomic'),
      );
    }
    expect(nodeAt('').children).toEqual(
      ['Waiting', 'Crashed', 'Estimated', 'DealerChosen', 'Booked'].map((k) => `session.${k}`),
    );
    expect(nodeAt('').initial).toBe('session.Waiting');
    expect(nodeAt('Booked.closed').type).toBe('final');
    expect(nodeAt('Booked.closed').entry).toContain('endCompleted');
    expect(nodeAt('Estimated.choosingDealer.loading').parent).toBe(
      'session.Estimated.choosingDealer',
    );
  });

  it('lists the actors each state invokes, with their src', () => {
    for (const [path, state] of defined) {
      const invokes = state.invoke === undefined ? [] : [state.invoke].flat();
      expect(
        nodeAt(path).invokes.map((i) => i.src),
        path,
      ).toEqual(invokes.map((i) => i.src));
    }
    expect(nodeAt('DealerChosen.bookingConflict').invokes).toEqual([
      { id: 'refreshSlots', src: 'checkDealer' },
    ]);
    expect(nodeAt('DealerChosen.booking').invokes).toEqual([
      { id: 'bookAppointment', src: 'bookAppointment' },
    ]);
  });

  it('shows every delayed transition as "after <delay>" on the state that waits', () => {
    for (const [path, state] of defined) {
      const delays = Object.keys(state.after ?? {});
      const after = edgesFrom(path).filter((e) => e.kind === 'after');
      expect(after.map((e) => e.label).sort(), path).toEqual(delays.map((d) => `after ${d}`));
    }
    // The attendee walked away: the session ends itself where it is (its station starts anew).
    const idle = one(edgesFrom('Estimated.reviewingDamage'), 'after idle');
    expect(idle).toMatchObject({
      delay: 'idle',
      internal: true,
      targets: [],
      actions: expect.arrayContaining(['endAbandoned']),
    });
    expect(idle.event).toBe('xstate.after.idle.session.Estimated.reviewingDamage');
    expect(one(edgesFrom('Booked.confirmationShown'), 'after confirmation')).toMatchObject({
      targets: ['session.Booked.closed'],
      internal: false,
    });
    // XState's own entry/exit actions behind the timers are not listed as the state's.
    expect(nodeAt('Estimated.reviewingDamage').entry).toEqual([]);
    expect(nodeAt('Estimated.reviewingDamage').exit).toEqual([]);
  });

  it('shows invoked actors answering as "done: <id>" / "error: <id>", guards and all', () => {
    const booking = edgesFrom('DealerChosen.booking');
    expect(one(booking, 'done: bookAppointment')).toMatchObject({
      kind: 'done',
      actor: 'bookAppointment',
      targets: ['session.Booked'],
    });
    expect(one(booking, 'error: bookAppointment', 'isSlotTaken').targets).toEqual([
      'session.DealerChosen.bookingConflict',
    ]);
    expect(one(booking, 'error: bookAppointment').targets).toEqual([
      'session.DealerChosen.bookingFailed',
    ]);
    const checking = edgesFrom('DealerChosen.checkingDealer');
    expect(one(checking, 'done: checkDealer', 'hasPendingBooking').targets).toEqual([
      'session.DealerChosen.booking',
    ]);
    expect(one(checking, 'done: checkDealer').targets).toEqual([
      'session.DealerChosen.choosingSlot',
    ]);
    // The refresh after a conflict keeps the state: drawn inside it.
    expect(one(edgesFrom('DealerChosen.bookingConflict'), 'done: refreshSlots')).toMatchObject({
      internal: true,
      actions: expect.arrayContaining(['recordDealerCheck']),
    });
    // Every invocation's answers are there, on the state that invoked it.
    for (const node of graph.nodes) {
      for (const { id } of node.invokes) {
        const labels = graph.edges.filter((e) => e.source === node.id).map((e) => e.label);
        expect(labels, `${node.path} ${id}`).toContain(`done: ${id}`);
        expect(labels, `${node.path} ${id}`).toContain(`error: ${id}`);
      }
    }
  });

  it('keeps events, their guards, targets and actions as defined', () => {
    const failed = edgesFrom('Crashed.failed');
    expect(one(failed, 'RETRY', 'hasDamage')).toMatchObject({
      kind: 'event',
      targets: ['session.Crashed.estimating'],
      actions: expect.arrayContaining(['clearError']),
    });
    expect(one(failed, 'RETRY').targets).toEqual(['session.Crashed.analysing']);
    expect(one(edgesFrom('DealerChosen'), 'CHANGE_DEALER').targets).toEqual([
      'session.Estimated.choosingDealer',
    ]);
    expect(one(edgesFrom(''), 'SET_LOCALE')).toMatchObject({ internal: true });
    expect(
      one(
        edgesFrom('Estimated.choosingDealer.ready'),
        'BOOKING_REQUESTED',
        'isOfferedDealerBooking',
      ).actions,
    ).toEqual(expect.arrayContaining(['recordDealerChoice', 'recordSlotChoice']));
    // Every target is a state of the graph; ids are unique.
    const ids = new Set(graph.nodes.map((n) => n.id));
    for (const edge of graph.edges) for (const t of edge.targets) expect(ids).toContain(t);
    expect(new Set(graph.edges.map((e) => e.id)).size).toBe(graph.edges.length);
  });

  it('follows the machine: a state added to the definition is in the graph', () => {
    const base = sessionMachine.config as unknown as { states: Record<string, unknown> };
    const extended: AnyStateMachine = createMachine({
      ...(sessionMachine.config as object),
      states: {
        ...base.states,
        Paused: {
          initial: 'held',
          states: { held: { after: { 5000: '#session.Waiting' } } },
          always: { guard: 'isOver', target: 'Waiting' },
          on: { RESUME: 'Waiting' },
        },
      },
    } as Parameters<typeof createMachine>[0]);
    const g = statechartOf(extended);
    expect(g.nodes.map((n) => n.path)).toEqual(
      expect.arrayContaining(['Paused', 'Paused.held', 'Waiting.driving']),
    );
    expect(g.nodes.find((n) => n.path === 'Paused')).toMatchObject({
      type: 'compound',
      initial: 'session.Paused.held',
    });
    const fromPaused = g.edges.filter((e) => e.source.startsWith('session.Paused'));
    expect(fromPaused.map((e) => [e.label, e.guard, e.targets])).toEqual(
      expect.arrayContaining([
        ['RESUME', null, ['session.Waiting']],
        ['always', 'isOver', ['session.Waiting']],
        ['after 5000 ms', null, ['session.Waiting']],
      ]),
    );
    expect(g.nodes.length).toBe(graph.nodes.length + 2);
  });
});
