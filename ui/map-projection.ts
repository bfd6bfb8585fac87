/**
 * The dealer map's geometry, pure: a frame around the points that must show (equirectangular
 * at the frame's middle latitude, so a km is as long across as up and down), and clipping of
 * areas and lines to the frame. No distances or plans are worked out here: the server sends
 * those; this only says where on the screen a place is.
 */

export interface LatLon {
  lat: number;
  lon: number;
}
export interface XY {
  x: number;
  y: number;
}
/** A rectangle on screen, in px. */
export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const KM_PER_DEGREE_LAT = 111.32;

/** The map's frame: where a lat/lon lands on screen, and how many px a km is. */
export interface Frame {
  pxPerKm: number;
  /** The area the map draws on (the rest of the screen is margins for pins and legend). */
  plot: Rect;
  project(point: LatLon): XY;
  /** The same for a GeoJSON-style [lon, lat] pair. */
  projectLonLat(point: readonly [number, number]): XY;
}

/**
 * A frame that shows every point of `points` inside `plot` at one scale on both axes, centred
 * on their middle, with `grow` times their span shown (1.2: a tenth more on each side, for
 * what lies around them). A single point (or points a few hundred metres apart) is shown at
 * `minSpanKm` across so the map still says where it is. With `prefer` (the venue), the frame
 * is centred as near it as it can be while every point still shows: the city around the
 * venue, not around the dealers' middle.
 */
export function frameFor(
  points: readonly LatLon[],
  plot: Rect,
  options: { minSpanKm?: number; grow?: number; prefer?: LatLon } = {},
): Frame {
  const minSpanKm = options.minSpanKm ?? 4;
  const grow = options.grow ?? 1;
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const midLat = lats.length ? (Math.min(...lats) + Math.max(...lats)) / 2 : 0;
  const midLon = lons.length ? (Math.min(...lons) + Math.max(...lons)) / 2 : 0;
  const kmPerDegreeLon = KM_PER_DEGREE_LAT * Math.cos((midLat * Math.PI) / 180);
  const spanXKm = Math.max(
    lons.length ? (Math.max(...lons) - Math.min(...lons)) * kmPerDegreeLon : 0,
    minSpanKm,
  );
  const spanYKm = Math.max(
    lats.length ? (Math.max(...lats) - Math.min(...lats)) * KM_PER_DEGREE_LAT : 0,
    minSpanKm,
  );
  const width = Math.max(plot.right - plot.left, 1);
  const height = Math.max(plot.bottom - plot.top, 1);
  const pxPerKm = Math.min(width / spanXKm, height / spanYKm) / grow;
  let centreLat = midLat;
  let centreLon = midLon;
  if (options.prefer && lats.length) {
    // How far from the centre a point may lie and still show with the margin `grow` leaves.
    const halfLat = height / 2 / pxPerKm / grow / KM_PER_DEGREE_LAT;
    const halfLon = width / 2 / pxPerKm / grow / kmPerDegreeLon;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    centreLat = clamp(options.prefer.lat, Math.max(...lats) - halfLat, Math.min(...lats) + halfLat);
    centreLon = clamp(options.prefer.lon, Math.max(...lons) - halfLon, Math.min(...lons) + halfLon);
  }
  const centreX = (plot.left + plot.right) / 2;
  const centreY = (plot.top + plot.bottom) / 2;
  const project = (point: LatLon): XY => ({
    x: centreX + (point.lon - centreLon) * kmPerDegreeLon * pxPerKm,
    y: centreY - (point.lat - centreLat) * KM_PER_DEGREE_LAT * pxPerKm,
  });
  return {
    pxPerKm,
    plot,
    project,
    projectLonLat: ([lon, lat]) => project({ lat, lon }),
  };
}

/** A round number of km for the scale bar: the longest that is at most `maxPx` long. */
export function scaleKm(pxPerKm: number, maxPx = 160): number {
  const steps = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  return steps.findLast((step) => step * pxPerKm <= maxPx) ?? steps[0]!;
}

/** Whether `p` lies inside `rect` (edges included). */
export function insideRect(p: XY, rect: Rect): boolean {
  return p.x >= rect.left && p.x <= rect.right && p.y >= rect.top && p.y <= rect.bottom;
}

/**
 * An area cut to `rect` (Sutherland–Hodgman, one edge of the rectangle at a time); empty when
 * nothing of it is inside. The cut follows the frame's edge, so a sea reaching past the frame
 * fills it up to the border.
 */
export function clipPolygon(points: readonly XY[], rect: Rect): XY[] {
  type Edge = { inside: (p: XY) => boolean; cross: (a: XY, b: XY) => XY };
  const atX = (a: XY, b: XY, x: number): XY => ({
    x,
    y: a.y + ((b.y - a.y) * (x - a.x)) / (b.x - a.x),
  });
  const atY = (a: XY, b: XY, y: number): XY => ({
    x: a.x + ((b.x - a.x) * (y - a.y)) / (b.y - a.y),
    y,
  });
  const edges: Edge[] = [
    { inside: (p) => p.x >= rect.left, cross: (a, b) => atX(a, b, rect.left) },
    { inside: (p) => p.x <= rect.right, cross: (a, b) => atX(a, b, rect.right) },
    { inside: (p) => p.y >= rect.top, cross: (a, b) => atY(a, b, rect.top) },
    { inside: (p) => p.y <= rect.bottom, cross: (a, b) => atY(a, b, rect.bottom) },
  ];
  let output: XY[] = [...points];
  for (const edge of edges) {
    const input = output;
    output = [];
    input.forEach((current, i) => {
      const previous = input[(i + input.length - 1) % input.length]!;
      if (edge.inside(current)) {
        if (!edge.inside(previous)) output.push(edge.cross(previous, current));
        output.push(current);
      } else if (edge.inside(previous)) {
        output.push(edge.cross(previous, current));
      }
    });
    if (output.length === 0) return [];
  }
  return output.length >= 3 ? output : [];
}

/**
 * A line cut to `rect` (Liang–Barsky per segment): the pieces that lie inside, each at least
 * two points long. A line that leaves the frame and comes back gives two pieces.
 */
export function clipPolyline(points: readonly XY[], rect: Rect): XY[][] {
  const pieces: XY[][] = [];
  let current: XY[] = [];
  const close = () => {
    if (current.length >= 2) pieces.push(current);
    current = [];
  };
  for (let i = 1; i < points.length; i++) {
    const cut = clipSegment(points[i - 1]!, points[i]!, rect);
    if (!cut) {
      close();
      continue;
    }
    const [a, b] = cut;
    const last = current.at(-1);
    if (!last || last.x !== a.x || last.y !== a.y) {
      close();
      current.push(a);
    }
    current.push(b);
    // The segment left the frame: whatever comes next starts a new piece.
    if (b !== points[i]) close();
  }
  close();
  return pieces;
}

/** The part of segment a→b inside `rect`, or null. Returns `b` itself when b is inside. */
function clipSegment(a: XY, b: XY, rect: Rect): [XY, XY] | null {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  const checks: [number, number][] = [
    [-dx, a.x - rect.left],
    [dx, rect.right - a.x],
    [-dy, a.y - rect.top],
    [dy, rect.bottom - a.y],
  ];
  for (const [p, q] of checks) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const r = q / p;
    if (p < 0) {
      if (r > t1) return null;
      if (r > t0) t0 = r;
    } else {
      if (r < t0) return null;
      if (r < t1) t1 = r;
    }
  }
  const start = t0 === 0 ? a : { x: a.x + t0 * dx, y: a.y + t0 * dy };
  const end = t1 === 1 ? b : { x: a.x + t1 * dx, y: a.y + t1 * dy };
  return [start, end];
}

/** An SVG path through `points` (closed with Z for an area). */
export function pathOf(points: readonly XY[], closed: boolean): string {
  const d = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`);
  return `${d.join(' ')}${closed ? ' Z' : ''}`;
}

/** Whether two rectangles overlap. */
export function overlaps(a: Rect, b: Rect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
}

/**
 * Where a label sits along a line: the middle of the piece's longest segment, with the
 * segment's angle turned so the text never reads upside down.
 */
export function labelAnchor(piece: readonly XY[]): { at: XY; angle: number; length: number } {
  let best = { at: piece[0]!, angle: 0, length: 0 };
  for (let i = 1; i < piece.length; i++) {
    const a = piece[i - 1]!;
    const b = piece[i]!;
    const length = Math.hypot(b.x - a.x, b.y - a.y);
    if (length <= best.length) continue;
    let angle = (Math.atan2(b.y - a.y, b.x - a.x) * 180) / Math.PI;
    if (angle > 90) angle -= 180;
    if (angle < -90) angle += 180;
    best = { at: { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 }, angle, length };
  }
  return best;
}

/** A disc on screen that other discs must keep clear of. */
export interface Disc extends XY {
  r: number;
}

/**
 * Discs nudged apart until none overlaps another or a `fixed` one (the venue), each moved as
 * little as it takes and kept inside `bounds`; the result keeps the input's order. Discs on the
 * very same spot fan out around it (a golden-angle turn per disc), so pins of dealers in one
 * street stay apart and each keeps its number.
 */
export function spreadApart(
  discs: readonly Disc[],
  options: { fixed?: readonly Disc[]; bounds?: Rect; gap?: number; iterations?: number } = {},
): XY[] {
  const gap = options.gap ?? 4;
  const fixed = options.fixed ?? [];
  const at = discs.map((d) => ({ x: d.x, y: d.y }));
  const apart = (index: number, dx: number, dy: number) => {
    const d = Math.hypot(dx, dy);
    if (d > 1e-6) return { ux: dx / d, uy: dy / d, d };
    const turn = index * 2.39996;
    return { ux: Math.cos(turn), uy: Math.sin(turn), d: 0 };
  };
  for (let round = 0; round < (options.iterations ?? 60); round++) {
    let moved = false;
    for (let i = 0; i < at.length; i++) {
      for (let j = i + 1; j < at.length; j++) {
        const need = discs[i]!.r + discs[j]!.r + gap;
        const { ux, uy, d } = apart(j, at[j]!.x - at[i]!.x, at[j]!.y - at[i]!.y);
        if (d >= need - 0.01) continue;
        const push = (need - d) / 2;
        at[i]!.x -= ux * push;
        at[i]!.y -= uy * push;
        at[j]!.x += ux * push;
        at[j]!.y += uy * push;
        moved = true;
      }
      for (const f of fixed) {
        const need = discs[i]!.r + f.r + gap;
        const { ux, uy, d } = apart(i, at[i]!.x - f.x, at[i]!.y - f.y);
        if (d >= need - 0.01) continue;
        at[i]!.x += ux * (need - d);
        at[i]!.y += uy * (need - d);
        moved = true;
      }
    }
    if (options.bounds) {
      const b = options.bounds;
      at.forEach((p, i) => {
        const r = discs[i]!.r;
        p.x = Math.min(Math.max(p.x, b.left + r), b.right - r);
        p.y = Math.min(Math.max(p.y, b.top + r), b.bottom - r);
      });
    }
    if (!moved) break;
  }
  return at;
}

/** Whether `p` lies inside the polygon `points` (even–odd rule). */
export function insidePolygon(p: XY, points: readonly XY[]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i]!;
    const b = points[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x)
      inside = !inside;
  }
  return inside;
}

/** Distance from `p` to segment a–b. */
function toSegment(p: XY, a: XY, b: XY): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = dx * dx + dy * dy;
  const s =
    length === 0 ? 0 : Math.min(1, Math.max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length));
  return Math.hypot(p.x - (a.x + s * dx), p.y - (a.y + s * dy));
}

/**
 * Where an area's name goes: the point inside it farthest from its shore, found on a grid
 * (`steps` × `steps` over its bounding box), with that distance (`room`, px); null when the
 * area has no inside point on the grid. Only the shore inside `within` counts: an edge that
 * is the frame's border (a sea cut to the frame) does not crowd a label.
 */
export function areaLabelPoint(
  points: readonly XY[],
  within?: Rect,
  steps = 24,
): { at: XY; room: number } | null {
  if (points.length < 3) return null;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const box = {
    left: Math.min(...xs),
    right: Math.max(...xs),
    top: Math.min(...ys),
    bottom: Math.max(...ys),
  };
  const onBorder = (a: XY, b: XY) =>
    within !== undefined &&
    ((a.x === b.x && (a.x <= within.left + 0.5 || a.x >= within.right - 0.5)) ||
      (a.y === b.y && (a.y <= within.top + 0.5 || a.y >= within.bottom - 0.5)));
  let best: { at: XY; room: number } | null = null;
  for (let i = 1; i < steps; i++) {
    for (let j = 1; j < steps; j++) {
      const p = {
        x: box.left + ((box.right - box.left) * i) / steps,
        y: box.top + ((box.bottom - box.top) * j) / steps,
      };
      if (!insidePolygon(p, points) || (within && !insideRect(p, within))) continue;
      let room = Infinity;
      for (let k = 0; k < points.length; k++) {
        const a = points[k]!;
        const b = points[(k + 1) % points.length]!;
        if (!onBorder(a, b)) room = Math.min(room, toSegment(p, a, b));
      }
      if (within) {
        // The frame's edge still bounds where the text can go, at half weight.
        const edge = Math.min(
          p.x - within.left,
          within.right - p.x,
          p.y - within.top,
          within.bottom - p.y,
        );
        room = Math.min(room, edge * 2);
      }
      if (!best || room > best.room) best = { at: p, room };
    }
  }
  return best;
}
