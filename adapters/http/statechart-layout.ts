/**
 * The session statechart laid out for drawing, on the server, once: the graph of
 * actors/statechart.ts (read from the machine itself) handed to ELK — the layout engine
 * Stately's own tools use — with its layered algorithm over the whole hierarchy
 * (`elk.hierarchyHandling: INCLUDE_CHILDREN`), so compound states hold their children and
 * transitions cross state borders. ELK places the edge labels too. What comes out is absolute
 * coordinates (nodes, edge routes, labels) the staff inspector draws as SVG as they are: the
 * screens' bundle carries no layout engine.
 *
 * ELK has no font: text is measured here with an estimate of the inspector's type (Inter /
 * system sans at the sizes below), generous so nothing clips.
 */
import ELKModule from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkLabel, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api.js';
import { z } from 'zod';
import { sessionMachine } from '../../machines/session.js';
import {
  statechartOf,
  StatechartGraph,
  TransitionKind,
  type StatechartEdge,
  type StatechartNode,
} from '../../actors/statechart.js';

/** Type sizes the inspector draws with (ui/staff-inspector.ts uses the same). */
export const TYPE = {
  /** A state's name. */
  title: 15,
  /** The lines under it: invoked actors, transitions that stay, entry actions. */
  line: 12,
  /** Transition labels. */
  label: 12,
} as const;

const TITLE_H = 30;
const LINE_H = 17;
const LABEL_LINE_H = 16;
const PAD_X = 12;
const INITIAL_SIZE = 14;
const MIN_STATE_W = 120;
/** The gear the inspector draws before an invoked actor's line. */
const ICON_W = Math.ceil(TYPE.line * 1.4);

const Point = z.object({ x: z.number(), y: z.number() });
const Box = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });

/** A line drawn inside a state under its name. */
export const StateLine = z.object({
  kind: z.enum(['invoke', 'internal', 'entry', 'exit']),
  text: z.string(),
});
export type StateLine = z.infer<typeof StateLine>;

export const LaidOutNode = Box.extend({
  /** A state's id, or "<compound id>#initial" for the dot that points at its initial child. */
  id: z.string(),
  kind: z.enum(['state', 'initial']),
  /** The state (for kind `state`), or the compound the initial dot belongs to. */
  state: z.string(),
  /** Where a compound's children start, measured from its top (its name and lines above). */
  header: z.number(),
  lines: z.array(StateLine),
});
export type LaidOutNode = z.infer<typeof LaidOutNode>;

export const LaidOutEdge = z.object({
  /** Unique: the transition's id and the target's place among its targets. */
  id: z.string(),
  /** The transition (StatechartEdge.id); null for an initial arrow. */
  transition: z.string().nullable(),
  kind: z.union([TransitionKind, z.literal('initial')]),
  source: z.string(),
  target: z.string(),
  /** The route: start, bend points, end, section after section. */
  points: z.array(Point),
  /** The label's box (lines: the event, then the guard in brackets); null without a label. */
  label: Box.extend({ lines: z.array(z.string()) }).nullable(),
});
export type LaidOutEdge = z.infer<typeof LaidOutEdge>;

export const StatechartLayout = z.object({
  graph: StatechartGraph,
  direction: z.enum(['DOWN', 'RIGHT']),
  width: z.number(),
  height: z.number(),
  /** Parents before children, so drawing in order puts children on top. */
  nodes: z.array(LaidOutNode),
  edges: z.array(LaidOutEdge),
  type: z.object({ title: z.number(), line: z.number(), label: z.number() }),
});
export type StatechartLayout = z.infer<typeof StatechartLayout>;

/** Rough advance widths (in em) of a sans-serif face, erring wide. */
function textWidth(text: string, size: number, bold = false): number {
  let em = 0;
  for (const ch of text) {
    if (/[A-Z0-9_]/.test(ch)) em += ch === 'I' ? 0.32 : ch === 'M' || ch === 'W' ? 0.86 : 0.68;
    else if (/[mw]/.test(ch)) em += 0.84;
    else if (/[ijlft]/.test(ch)) em += 0.32;
    else if (/[a-z]/.test(ch)) em += 0.56;
    else if (ch === ' ') em += 0.28;
    else if (ch.charCodeAt(0) > 0x7f) em += 1;
    else em += 0.4;
  }
  return Math.ceil(em * size * (bold ? 1.07 : 1));
}

/** "BOOKING_REQUESTED [isChosenDealerBooking] / recordSlotChoice": a transition that stays. */
function internalLine(edge: StatechartEdge): string {
  const guard = edge.guard ? ` [${edge.guard}]` : '';
  const actions = edge.actions.length > 0 ? ` / ${edge.actions.join(', ')}` : '';
  return `${edge.label}${guard}${actions}`;
}

function linesOf(node: StatechartNode, edges: StatechartEdge[]): StateLine[] {
  return [
    ...node.entry.map((a) => ({ kind: 'entry' as const, text: `entry / ${a}` })),
    ...node.invokes.map((i) => ({
      kind: 'invoke' as const,
      text: i.src === i.id ? `invoke ${i.src}` : `invoke ${i.src} (${i.id})`,
    })),
    ...edges
      .filter((e) => e.source === node.id && e.internal)
      .map((e) => ({ kind: 'internal' as const, text: internalLine(e) })),
    ...node.exit.map((a) => ({ kind: 'exit' as const, text: `exit / ${a}` })),
  ];
}

function headerOf(node: StatechartNode, lines: StateLine[]): number {
  return TITLE_H + lines.length * LINE_H + (lines.length > 0 ? 6 : 0) + (node.depth === 0 ? 4 : 0);
}

function labelLines(edge: StatechartEdge): string[] {
  return edge.guard ? [edge.label, `[${edge.guard}]`] : [edge.label];
}

/** The deepest state holding both (an edge lives there in ELK's graph). */
function commonAncestor(byId: Map<string, StatechartNode>, a: string, b: string): string {
  const chain = (id: string) => {
    const out: string[] = [];
    for (let n = byId.get(id); n; n = n.parent ? byId.get(n.parent) : undefined) out.unshift(n.id);
    return out;
  };
  const ca = chain(a);
  const cb = chain(b);
  let common = ca[0]!;
  for (let i = 0; i < Math.min(ca.length, cb.length) && ca[i] === cb[i]; i++) common = ca[i]!;
  // An edge from a compound into its own child lives in that compound; ELK wants the
  // container to hold both ends, so it is the compound's parent when one end is the other.
  if (common === a || common === b) return byId.get(common)?.parent ?? common;
  return common;
}

const LAYOUT: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '34',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeNode': '16',
  'elk.spacing.edgeEdge': '12',
  'elk.spacing.edgeLabel': '4',
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  // The transitions as defined go forward (depth-first cycle breaking follows the model's
  // order), and straight segments keep the chart narrow enough to read at full size beside the
  // journal. (Model-order crossing minimisation crashes elkjs 0.12.1 on nested graphs.)
  'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
  'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.json.shapeCoords': 'ROOT',
  'elk.json.edgeCoords': 'ROOT',
};

/**
 * Lays `graph` out with ELK; resolves with absolute coordinates for everything drawn.
 * `options` override ELK's options of the whole layout (see LAYOUT).
 */
export async function layOut(
  graph: StatechartGraph,
  direction: 'DOWN' | 'RIGHT' = 'DOWN',
  options: LayoutOptions = {},
): Promise<StatechartLayout> {
  const shared: LayoutOptions = { ...LAYOUT, 'elk.direction': direction, ...options };
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const lines = new Map(graph.nodes.map((n) => [n.id, linesOf(n, graph.edges)]));
  const elkNodes = new Map<string, ElkNode>();
  const meta = new Map<string, Pick<LaidOutNode, 'kind' | 'state' | 'header' | 'lines'>>();

  for (const node of graph.nodes) {
    const own = lines.get(node.id)!;
    const header = headerOf(node, own);
    const textW = Math.max(
      textWidth(node.key, TYPE.title, true),
      ...own.map((l) => textWidth(l.text, TYPE.line) + (l.kind === 'invoke' ? ICON_W : 0)),
    );
    const elk: ElkNode =
      node.children.length > 0
        ? {
            id: node.id,
            children: [],
            edges: [],
            layoutOptions: {
              // Each compound is laid out with its own options: the same for all.
              ...shared,
              'elk.padding': `[top=${header + 8},left=16,bottom=16,right=16]`,
              'elk.nodeSize.constraints': 'MINIMUM_SIZE',
              'elk.nodeSize.minimum': `(${textW + 2 * PAD_X + 8}, ${header + 40})`,
            },
          }
        : {
            id: node.id,
            width: Math.max(MIN_STATE_W, textW + 2 * PAD_X),
            height: header + (own.length > 0 ? 2 : 6),
          };
    elkNodes.set(node.id, elk);
    meta.set(node.id, { kind: 'state', state: node.id, header, lines: own });
    if (node.parent) elkNodes.get(node.parent)!.children!.push(elk);
    if (node.initial) {
      const id = `${node.id}#initial`;
      const dot: ElkNode = { id, width: INITIAL_SIZE, height: INITIAL_SIZE };
      elk.children!.unshift(dot);
      elkNodes.set(id, dot);
      meta.set(id, { kind: 'initial', state: node.id, header: 0, lines: [] });
    }
  }

  const routed: Omit<LaidOutEdge, 'points' | 'label'>[] = [];
  const edgeLines = new Map<string, string[]>();
  const addEdge = (container: string, edge: ElkExtendedEdge) => {
    elkNodes.get(container)!.edges!.push(edge);
  };
  for (const node of graph.nodes) {
    if (!node.initial) continue;
    const id = `${node.id}#initial→`;
    addEdge(node.id, { id, sources: [`${node.id}#initial`], targets: [node.initial] });
    routed.push({
      id,
      transition: null,
      kind: 'initial',
      source: `${node.id}#initial`,
      target: node.initial,
    });
  }
  for (const edge of graph.edges) {
    if (edge.internal) continue;
    edge.targets.forEach((target, i) => {
      const id = `${edge.id}#${i}`;
      const text = labelLines(edge);
      const label: ElkLabel = {
        id: `${id}:label`,
        text: text.join('\n'),
        width: Math.max(...text.map((t) => textWidth(t, TYPE.label))) + 8,
        height: text.length * LABEL_LINE_H + 2,
      };
      edgeLines.set(id, text);
      addEdge(commonAncestor(byId, edge.source, target), {
        id,
        sources: [edge.source],
        targets: [target],
        labels: [label],
      });
      routed.push({ id, transition: edge.id, kind: edge.kind, source: edge.source, target });
    });
  }

  const root = elkNodes.get(graph.root)!;
  const elk = new ELKModule.default();
  const top: ElkNode = { id: '#graph', children: [root], edges: [], layoutOptions: shared };
  const laid: ElkNode = await elk.layout(top);

  const nodes: LaidOutNode[] = [];
  const edgeById = new Map<string, ElkExtendedEdge>();
  const walk = (n: ElkNode) => {
    const m = meta.get(n.id);
    if (m) {
      nodes.push({
        id: n.id,
        x: n.x ?? 0,
        y: n.y ?? 0,
        width: n.width ?? 0,
        height: n.height ?? 0,
        ...m,
      });
    }
    for (const e of n.edges ?? []) edgeById.set(e.id, e);
    for (const c of n.children ?? []) walk(c);
  };
  walk(laid);

  const edges: LaidOutEdge[] = routed.map((r) => {
    const e = edgeById.get(r.id);
    const points = (e?.sections ?? []).flatMap((s) => [
      s.startPoint,
      ...(s.bendPoints ?? []),
      s.endPoint,
    ]);
    const l = e?.labels?.[0];
    return {
      ...r,
      points: points.map(({ x, y }) => ({ x, y })),
      label:
        l && edgeLines.has(r.id)
          ? {
              x: l.x ?? 0,
              y: l.y ?? 0,
              width: l.width ?? 0,
              height: l.height ?? 0,
              lines: edgeLines.get(r.id)!,
            }
          : null,
    };
  });

  return {
    graph,
    direction,
    width: laid.width ?? 0,
    height: laid.height ?? 0,
    nodes,
    edges,
    type: { ...TYPE },
  };
}

let cached: Promise<StatechartLayout> | undefined;

/** The attendee session's statechart, laid out on the first ask and kept for the process. */
export function sessionStatechartLayout(): Promise<StatechartLayout> {
  cached ??= layOut(statechartOf(sessionMachine)).catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
