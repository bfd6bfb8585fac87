/**
 * What the staff inspector works out to draw the statechart: which states are active for a
 * session's step, which transitions the journal's last entries took, and the SVG path of a
 * routed edge. Pure (no DOM), so test/ui/inspector-chart.test.ts checks it in Node.
 *
 * The layout itself comes from the server (`GET /api/staff/statechart`): ELK ran there.
 */
import type { StatechartGraph } from '../actors/statechart.js';
import type { StatechartLayout } from '../adapters/http/statechart-layout.js';
import type { JournalEntry } from '../machines/envelope.js';

/** A journal entry as far as the chart needs it. */
export type StepEntry = Pick<JournalEntry, 'type' | 'from' | 'to'>;

/** Whether `path` is `step` or one of its ancestors ("" is the root: always). */
export function isOnPath(path: string, step: string): boolean {
  return path === '' || step === path || step.startsWith(`${path}.`);
}

/** Ids of the states a step is in (the root included), outermost first. */
export function activeStateIds(graph: Pick<StatechartGraph, 'nodes'>, step: string): string[] {
  return graph.nodes.filter((n) => isOnPath(n.path, step)).map((n) => n.id);
}

/** The id of the deepest state of `step` the graph has (the one drawn lit). */
export function leafStateId(graph: Pick<StatechartGraph, 'nodes'>, step: string): string | null {
  let leaf: { id: string; depth: number } | null = null;
  for (const n of graph.nodes) {
    if (isOnPath(n.path, step) && (!leaf || n.depth > leaf.depth)) leaf = n;
  }
  return leaf?.id ?? null;
}

/** The id of the initial arrow of a compound state in the layout. */
export const initialEdgeId = (compoundId: string) => `${compoundId}#initial→`;

/**
 * The drawn edges (layout edge ids) one journal entry took: the transition whose event it is,
 * declared on its `from` state or an ancestor, leading to its `to` state or an ancestor; then
 * the initial arrows followed from that target down to `to`. None for an entry that did not
 * move (a language change) or that began the session.
 */
export function edgesTaken(layout: Pick<StatechartLayout, 'graph' | 'edges'>, entry: StepEntry) {
  const { from, to, type } = entry;
  if (from === null || from === to) return [];
  const byId = new Map(layout.graph.nodes.map((n) => [n.id, n]));
  const pathOf = (id: string) => byId.get(id)?.path ?? '\u0000';
  const taken: string[] = [];
  for (const edge of layout.graph.edges) {
    if (edge.internal || edge.event !== type || !isOnPath(pathOf(edge.source), from)) continue;
    edge.targets.forEach((target, i) => {
      if (!isOnPath(pathOf(target), to)) return;
      taken.push(`${edge.id}#${i}`);
      // Entered at `target`: every compound from there down to `to` went to its initial child.
      for (const n of layout.graph.nodes) {
        if (n.initial && isOnPath(n.path, to) && isOnPath(pathOf(target), n.path)) {
          if (isOnPath(pathOf(n.initial), to)) taken.push(initialEdgeId(n.id));
        }
      }
    });
  }
  const drawn = new Set(layout.edges.map((e) => e.id));
  return taken.filter((id) => drawn.has(id));
}

/**
 * The edges the last `count` moves of the journal took, newest first: `[edge ids of the
 * newest move, of the one before, …]`.
 */
export function recentMoves(
  layout: Pick<StatechartLayout, 'graph' | 'edges'>,
  journal: readonly StepEntry[],
  count = 3,
): string[][] {
  const moves: string[][] = [];
  for (let i = journal.length - 1; i >= 0 && moves.length < count; i--) {
    const taken = edgesTaken(layout, journal[i]!);
    if (taken.length > 0) moves.push(taken);
  }
  return moves;
}

/** An SVG path through `points` with its corners rounded (radius up to `r`). */
export function roundedPath(points: readonly { x: number; y: number }[], r = 8): string {
  if (points.length === 0) return '';
  const f = (n: number) => Math.round(n * 10) / 10;
  let d = `M${f(points[0]!.x)},${f(points[0]!.y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const prev = points[i - 1]!;
    const at = points[i]!;
    const next = points[i + 1]!;
    const inLen = Math.hypot(at.x - prev.x, at.y - prev.y);
    const outLen = Math.hypot(next.x - at.x, next.y - at.y);
    const k = Math.min(r, inLen / 2, outLen / 2);
    if (k < 0.5) {
      d += ` L${f(at.x)},${f(at.y)}`;
      continue;
    }
    const a = { x: at.x - ((at.x - prev.x) / inLen) * k, y: at.y - ((at.y - prev.y) / inLen) * k };
    const b = {
      x: at.x + ((next.x - at.x) / outLen) * k,
      y: at.y + ((next.y - at.y) / outLen) * k,
    };
    d += ` L${f(a.x)},${f(a.y)} Q${f(at.x)},${f(at.y)} ${f(b.x)},${f(b.y)}`;
  }
  const last = points[points.length - 1]!;
  return `${d} L${f(last.x)},${f(last.y)}`;
}
