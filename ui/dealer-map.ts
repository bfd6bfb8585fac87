import {
  LitElement,
  css,
  html,
  nothing,
  svg,
  unsafeCSS,
  type PropertyValues,
  type SVGTemplateResult,
} from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DealerHit, Locale, PartsPlan, PlanShipment } from '../machines/schemas.js';
import { t } from './i18n.js';
import { MapRegionController } from './map-region-controller.js';
import {
  clipPolygon,
  clipPolyline,
  frameFor,
  insideRect,
  labelAnchor,
  overlaps,
  pathOf,
  scaleKm,
  spreadApart,
  areaLabelPoint,
  type Frame,
  type LatLon,
  type Rect,
  type XY,
} from './map-projection.js';
import { ResizeController } from './resize-controller.js';
import { theme } from './theme.js';
import type { MapRegion } from './wire.js';

/** The band under the map for the legend and the scale bar, so they never sit on a pin. */
const LEGEND = 56;
/**
 * The least the map shows across (km): enough of the city around the venue to know where one
 * is (the reservoirs, the rivers, the highways, the next towns), even when every dealer is a
 * few km away. Dealers farther out widen it.
 */
const MIN_SPAN_KM = 26;
/** The same on the slot screen, where the map is narrower and the parts' routes must read. */
const MIN_SPAN_KM_PLAN = 14;
/** A pin's round head, for keeping pins apart: its centre above the tip, and its radius. */
const PIN_HEAD = { above: 36, r: 25, rSelected: 32 };
/** Room around the framed points: pins stand 60 px above their point. */
const PAD = { top: 76, side: 48, bottom: 28 };
const PLACE_FONT = 21;
const WATER_FONT = 19;
const ROAD_FONT = 16;
const COLOURS = {
  land: '#f3f5f8',
  water: '#b9d5f3',
  waterText: '#2a5f9e',
  river: '#8dbbea',
  road: '#a9b3c4',
  pin: '#001e50',
  selected: '#0040c5',
  venue: '#c2185b',
  courier: '#e06c00',
  centre: '#6a3fb5',
};

/** A label's box on screen, roughly: text width estimated from its length. */
function labelBox(at: XY, text: string, size: number, anchor: 'start' | 'middle' = 'middle'): Rect {
  const width = text.length * size * 0.56 + 8;
  const left = anchor === 'middle' ? at.x - width / 2 : at.x - 4;
  return { left, right: left + width, top: at.y - size * 0.8, bottom: at.y + size * 0.35 };
}

/** Points along a gentle arc from `a` to `b` (bowed to the left of travel), for a route line. */
function arc(a: XY, b: XY, bow = 0.18, steps = 24): XY[] {
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const control = { x: mid.x - (b.y - a.y) * bow, y: mid.y + (b.x - a.x) * bow };
  return Array.from({ length: steps + 1 }, (_, i) => {
    const s = i / steps;
    return {
      x: (1 - s) ** 2 * a.x + 2 * (1 - s) * s * control.x + s ** 2 * b.x,
      y: (1 - s) ** 2 * a.y + 2 * (1 - s) * s * control.y + s ** 2 * b.y,
    };
  });
}

/**
 * The dealer map, drawn in SVG at the element's own size (no tiles): the region's sea, bays,
 * lakes, rivers and highways around the venue (fetched once per venue from `/api/map`, a plain
 * background where there is none), the venue as "you are here", the dealers as pins numbered
 * as in the list (the chosen one highlighted) and, with a parts plan, the routes the parts
 * travel to the chosen dealer: by courier from other dealers, from the VW parts centre
 * (dashed, from the frame's edge when it lies outside). A km scale bar and "approximate map".
 */
@customElement('dealer-map')
export class DealerMap extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
        position: relative;
        min-height: 240px;
      }
      svg {
        position: absolute;
        inset: 0;
        display: block;
        width: 100%;
        height: 100%;
      }
      text {
        font-family: 'Inter', system-ui, sans-serif;
      }
      .halo {
        paint-order: stroke;
        stroke: #fff;
        stroke-width: 5px;
        stroke-linejoin: round;
      }
      .place {
        font-size: ${PLACE_FONT}px;
        font-weight: 700;
        fill: #5b6678;
      }
      .water {
        font-size: ${WATER_FONT}px;
        font-weight: 600;
        font-style: italic;
        fill: ${unsafeCSS(COLOURS.waterText)};
        paint-order: stroke;
        stroke: ${unsafeCSS(COLOURS.water)};
        stroke-width: 4px;
        stroke-linejoin: round;
      }
      .river {
        font-size: ${ROAD_FONT}px;
        font-weight: 600;
        font-style: italic;
        fill: ${unsafeCSS(COLOURS.waterText)};
      }
      .road {
        font-size: ${ROAD_FONT}px;
        font-weight: 600;
        fill: #6b778c;
      }
      .pin-label {
        font-size: 24px;
        font-weight: 800;
        fill: #fff;
      }
      .pin-label.big {
        font-size: 28px;
      }
      .tag {
        font-size: 19px;
        font-weight: 700;
      }
      .legend {
        font-size: 19px;
        font-weight: 600;
        fill: var(--muted);
      }
      .approx {
        font-size: 18px;
        font-weight: 700;
        fill: var(--muted);
      }
    `,
  ];

  /** Dealers in list order (nearest first); their numbers match the list. */
  @property({ attribute: false }) dealers: DealerHit[] = [];
  /** The chosen dealer, highlighted; routes end there. */
  @property({ attribute: 'selected-id' }) selectedId: string | null = null;
  /** Where the station stands ("you are here"); the base map is the region around it. */
  @property({ attribute: false }) venue: LatLon | null = null;
  /** The chosen dealer's parts plan: its shipments are drawn as routes. */
  @property({ attribute: false }) plan: PartsPlan | null = null;
  /** Frame only the venue, the chosen dealer and the dealers sending parts (the slot screen). */
  @property({ type: Boolean, attribute: 'frame-plan' }) framePlan = false;
  /** Language of the labels. */
  @property() locale: Locale = 'pt-BR';

  private readonly _size = new ResizeController(this);
  private readonly _region = new MapRegionController(this);

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('venue') && this.venue) this._region.want(this.venue);
  }

  override render() {
    const width = this._size.width;
    const height = this._size.height;
    const label = t(this.locale, 'map.label');
    if (width === 0 || height === 0) return html`<svg role="img" aria-label=${label}></svg>`;
    const mapHeight = height - LEGEND;
    const view: Rect = { left: 0, top: 0, right: width, bottom: mapHeight };
    const frame = frameFor(
      this._framed(),
      { left: PAD.side, top: PAD.top, right: width - PAD.side, bottom: mapHeight - PAD.bottom },
      {
        minSpanKm: this.framePlan ? MIN_SPAN_KM_PLAN : MIN_SPAN_KM,
        grow: 1.15,
        ...(this.venue ? { prefer: this.venue } : {}),
      },
    );
    const region = this._region.region;
    const selected = this._selected();
    const shipments = selected && this.plan ? this.plan.shipments : [];
    const senders = new Set(
      shipments.flatMap((s) => (s.source.kind === 'dealer' ? [s.source.dealer_id] : [])),
    );
    // The "approximate map" pill in the top-left corner is kept clear of labels.
    const taken: Rect[] = [{ left: 0, top: 0, right: 230, bottom: 60 }];
    const venueAt = this.venue ? frame.project(this.venue) : null;
    const pins = this._pins(frame, view, senders, taken, venueAt);
    const venue = venueAt ? this._venue(venueAt, view, taken) : nothing;
    // Routes run between the pins as drawn (a nudged pin's route starts where its pin stands).
    const routes = selected
      ? shipments.map((s) =>
          this._route(
            s,
            frame,
            view,
            pins.tips.get(selected.dealer_id) ?? frame.project(selected),
            taken,
            s.source.kind === 'dealer' ? pins.tips.get(s.source.dealer_id) : undefined,
          ),
        )
      : [];
    const km = scaleKm(frame.pxPerKm, Math.min(200, width / 3.2));
    const kmPx = km * frame.pxPerKm;
    const hasCourier = shipments.some((s) => s.source.kind === 'dealer');
    const hasCentre = shipments.some((s) => s.source.kind === 'parts_centre');
    return html`<svg
      viewBox="0 0 ${width} ${height}"
      role="img"
      aria-label=${label}
      data-map=${this._region.status}
      data-region=${region?.id ?? ''}
    >
      <defs>
        <clipPath id="frame"><rect width=${width} height=${mapHeight} rx="16" /></clipPath>
        <pattern id="grid" width="40" height="40" patternUnits="userSpaceOnUse">
          <path d="M 40 0 L 0 0 0 40" fill="none" stroke="#dfe6f2" stroke-width="1.5" />
        </pattern>
        ${(['courier', 'centre'] as const).map(
          (kind) =>
            svg`<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="5"
              markerHeight="5" orient="auto-start-reverse">
              <path d="M0 0 L10 5 L0 10 z" fill=${COLOURS[kind]} />
            </marker>`,
        )}
      </defs>
      <g clip-path="url(#frame)">
        <rect width=${width} height=${mapHeight} fill=${COLOURS.land} />
        ${region ? this._base(region, frame, view, taken) : svg`<rect width=${width} height=${mapHeight} fill="url(#grid)" />`}
        ${routes.map((r) => r.line)} ${pins.drawn} ${venue} ${routes.map((r) => r.tag)}
      </g>
      ${region ? this._approximate(view) : nothing}
      <g transform="translate(0 ${mapHeight + 14})">
        ${this._legend(hasCourier, hasCentre)}
        <g transform="translate(${width - 8 - kmPx} 0)">
          <rect y="22" width=${kmPx} height="8" rx="2" fill=${COLOURS.pin} />
          <text class="legend" x=${kmPx / 2} y="14" text-anchor="middle">${km} km</text>
        </g>
      </g>
    </svg>`;
  }

  /** The points the frame must show. */
  private _framed(): LatLon[] {
    const points: LatLon[] = this.venue ? [this.venue] : [];
    const selected = this._selected();
    if (this.framePlan && selected) {
      points.push(selected);
      for (const s of this.plan?.shipments ?? []) {
        if (s.source.kind === 'dealer') {
          points.push(s.from_position);
          continue;
        }
        // The parts centre may be far off: show the first ~10 km of its route, enough to see
        // where it comes in from.
        const dLat = s.from_position.lat - selected.lat;
        const dLon = s.from_position.lon - selected.lon;
        const part = Math.min(1, 0.09 / Math.max(Math.hypot(dLat, dLon), 1e-9));
        points.push({ lat: selected.lat + dLat * part, lon: selected.lon + dLon * part });
      }
    } else {
      points.push(...this.dealers);
    }
    return points;
  }

  private _selected(): DealerHit | null {
    return this.dealers.find((d) => d.dealer_id === this.selectedId) ?? null;
  }

  /** Sea, water, land, rivers, highways and town labels, cut to the frame. */
  private _base(region: MapRegion, frame: Frame, view: Rect, taken: Rect[]) {
    const pad: Rect = {
      left: view.left - 8,
      top: view.top - 8,
      right: view.right + 8,
      bottom: view.bottom + 8,
    };
    const areas: SVGTemplateResult[] = [];
    const lines: SVGTemplateResult[] = [];
    const labels: SVGTemplateResult[] = [];
    const order = { sea: 0, water: 1, land: 2, river: 3, highway: 4, place: 5 } as const;
    const features = [...region.features].sort((a, b) => order[a.kind] - order[b.kind]);
    const roadLabels: { text: string; river: boolean; at: XY; angle: number; length: number }[] =
      [];
    const waterAreas: { name: string; area: XY[] }[] = [];
    for (const feature of features) {
      const points = feature.points.map((p) => frame.projectLonLat(p));
      if (feature.kind === 'sea' || feature.kind === 'water' || feature.kind === 'land') {
        const area = clipPolygon(points, pad);
        if (area.length === 0) continue;
        const fill = feature.kind === 'land' ? COLOURS.land : COLOURS.water;
        areas.push(
          svg`<path d=${pathOf(area, true)} fill=${fill}><title>${feature.name}</title></path>`,
        );
        if (feature.kind !== 'land') waterAreas.push({ name: feature.name, area });
      } else if (feature.kind === 'river' || feature.kind === 'highway') {
        const road = feature.kind === 'highway';
        for (const piece of clipPolyline(points, pad)) {
          const d = pathOf(piece, false);
          lines.push(
            road
              ? svg`<path d=${d} fill="none" stroke="#fff" stroke-width="7" stroke-linejoin="round" stroke-linecap="round" />
                  <path d=${d} fill="none" stroke=${COLOURS.road} stroke-width="3.5" stroke-linejoin="round" stroke-linecap="round" />`
              : svg`<path d=${d} fill="none" stroke=${COLOURS.river} stroke-width="3" stroke-linejoin="round" stroke-linecap="round" />`,
          );
          roadLabels.push({ text: feature.name, river: !road, ...labelAnchor(piece) });
        }
      } else {
        const place = points[0]!;
        if (!insideRect(place, view)) continue;
        // On the town's point, else just below or above it (a dealer's pin often stands there).
        const spot = [0, 30, -30, 56]
          .map((dy) => ({ x: place.x, y: place.y + dy }))
          .map((at) => ({ at, box: labelBox(at, feature.name, PLACE_FONT) }))
          .find(
            ({ box }) =>
              box.left >= 4 &&
              box.right <= view.right - 4 &&
              box.top >= 4 &&
              box.bottom <= view.bottom - 4 &&
              !taken.some((r) => overlaps(r, box)),
          );
        if (!spot) continue;
        taken.push(spot.box);
        labels.push(
          svg`<text class="place halo" x=${spot.at.x} y=${spot.at.y} text-anchor="middle">${feature.name}</text>`,
        );
      }
    }
    // The reservoirs', bays' and sea's names where there is water enough around them: with
    // the town names they are what makes the place recognisable at a glance.
    const inner: Rect = {
      left: view.left + 6,
      top: view.top + 6,
      right: view.right - 6,
      bottom: view.bottom - 6,
    };
    for (const { name, area } of waterAreas) {
      const spot = areaLabelPoint(area, inner);
      if (!spot || spot.room < 14) continue;
      const at = { x: spot.at.x, y: spot.at.y + WATER_FONT * 0.35 };
      const box = labelBox(at, name, WATER_FONT);
      if (box.left < 4 || box.right > view.right - 4 || taken.some((r) => overlaps(r, box)))
        continue;
      taken.push(box);
      labels.push(svg`<text class="water" x=${at.x} y=${at.y} text-anchor="middle">${name}</text>`);
    }
    // River and highway names last, on their longest stretch, only where they cover nothing.
    roadLabels.sort((a, b) => b.length - a.length);
    const named = new Set<string>();
    for (const road of roadLabels) {
      const textLength = road.text.length * ROAD_FONT * 0.56;
      if (named.has(road.text) || road.length < textLength + 24 || !insideRect(road.at, view))
        continue;
      const half = textLength / 2 + 4;
      const box = {
        left: road.at.x - half,
        right: road.at.x + half,
        top: road.at.y - half * Math.abs(Math.sin((road.angle * Math.PI) / 180)) - 12,
        bottom: road.at.y + half * Math.abs(Math.sin((road.angle * Math.PI) / 180)) + 6,
      };
      if (taken.some((r) => overlaps(r, box))) continue;
      taken.push(box);
      named.add(road.text);
      labels.push(
        svg`<text class=${road.river ? 'river halo' : 'road halo'} x=${road.at.x} y=${road.at.y - 6} text-anchor="middle"
          transform="rotate(${road.angle.toFixed(1)} ${road.at.x} ${road.at.y})">${road.text}</text>`,
      );
    }
    return svg`${areas}${lines}${labels}`;
  }

  /**
   * The dealers as numbered pins; when framing the plan the ones not involved are faded. Pins
   * that would cover each other or the venue are nudged apart, each with a thin line back to
   * the dealer's real place, so every number stays readable.
   */
  private _pins(
    frame: Frame,
    view: Rect,
    senders: ReadonlySet<string>,
    taken: Rect[],
    venue: XY | null,
  ) {
    const entries = this.dealers.map((dealer, index) => ({
      dealer,
      index,
      at: frame.project(dealer),
      selected: dealer.dealer_id === this.selectedId || (this.selectedId === null && index === 0),
    }));
    // The chosen pin last, so it is drawn over its neighbours.
    entries.sort((a, b) => Number(a.selected) - Number(b.selected));
    const visible = entries.filter(({ at }) => insideRect(at, view));
    const heads = spreadApart(
      visible.map(({ at, selected }) => ({
        x: at.x,
        y: at.y - PIN_HEAD.above,
        r: selected ? PIN_HEAD.rSelected : PIN_HEAD.r,
      })),
      {
        // The venue's dot, and the "approximate map" pill in the top-left corner.
        fixed: [
          ...(venue && insideRect(venue, view) ? [{ ...venue, r: 20 }] : []),
          { x: 40, y: 31, r: 20 },
          { x: 110, y: 31, r: 20 },
          { x: 180, y: 31, r: 20 },
        ],
        bounds: {
          left: view.left + 4,
          top: view.top + 34,
          right: view.right - 4,
          bottom: view.bottom - 40,
        },
      },
    );
    const placed = visible.map((entry, i) => ({
      ...entry,
      tip: { x: heads[i]!.x, y: heads[i]!.y + PIN_HEAD.above },
    }));
    for (const { tip, selected } of placed) {
      const r = selected ? 28 : 23;
      taken.push({ left: tip.x - r, right: tip.x + r, top: tip.y - 2.6 * r, bottom: tip.y + 4 });
    }
    const leaders = placed.map(({ at, tip }) =>
      Math.hypot(tip.x - at.x, tip.y - at.y) > 3
        ? svg`<g data-leader><path d="M${at.x.toFixed(1)} ${at.y.toFixed(1)} L${tip.x.toFixed(1)} ${tip.y.toFixed(1)}"
            stroke=${COLOURS.pin} stroke-width="2" opacity="0.7" />
            <circle cx=${at.x} cy=${at.y} r="4.5" fill=${COLOURS.pin} stroke="#fff" stroke-width="2" /></g>`
        : nothing,
    );
    const pins = placed.map(({ dealer, index, tip, selected }) => {
      const faded =
        this.framePlan && !selected && !senders.has(dealer.dealer_id) ? 'opacity:0.45' : '';
      const scale = selected ? 1.25 : 1;
      return svg`<g data-pin=${dealer.dealer_id} style=${faded}
          transform="translate(${tip.x.toFixed(1)} ${tip.y.toFixed(1)}) scale(${scale})">
        <title>${dealer.name}</title>
        ${selected ? svg`<circle cx="0" cy="-42" r="30" fill=${COLOURS.selected} opacity="0.18" />` : nothing}
        <path d="M 0 0 l -18 -30 a 22 22 0 1 1 36 0 z" fill=${selected ? COLOURS.selected : COLOURS.pin}
          stroke="#fff" stroke-width="3" />
        <text class="pin-label" x="0" y="-42" text-anchor="middle" dominant-baseline="central">${index + 1}</text>
      </g>`;
    });
    const tips = new Map(placed.map(({ dealer, tip }) => [dealer.dealer_id, tip]));
    return { drawn: svg`${leaders}${pins}`, tips };
  }

  /** "You are here": a ringed dot with its words in a dark tag beside it. */
  private _venue(at: XY, view: Rect, taken: Rect[]) {
    if (!insideRect(at, view)) return nothing;
    const text = t(this.locale, 'map.you');
    const tagWidth = text.length * 19 * 0.58 + 28;
    // Beside the dot, on the first side that covers no pin and stays on screen.
    const sides: XY[] = [
      { x: at.x + 22, y: at.y },
      { x: at.x - 22 - tagWidth, y: at.y },
      { x: at.x - tagWidth / 2, y: at.y + 40 },
      { x: at.x - tagWidth / 2, y: at.y - 40 },
    ];
    const boxOf = (c: XY): Rect => ({
      left: c.x,
      right: c.x + tagWidth,
      top: c.y - 18,
      bottom: c.y + 18,
    });
    const onScreen = (r: Rect) =>
      r.left >= view.left + 8 &&
      r.right <= view.right - 8 &&
      r.top >= view.top + 4 &&
      r.bottom <= view.bottom - 4;
    const spot =
      sides.find((c) => onScreen(boxOf(c)) && !taken.some((r) => overlaps(r, boxOf(c)))) ??
      sides.find((c) => onScreen(boxOf(c))) ??
      sides[0]!;
    taken.push(
      { left: at.x - 18, right: at.x + 18, top: at.y - 18, bottom: at.y + 18 },
      boxOf(spot),
    );
    return svg`<g data-venue>
      <circle cx=${at.x} cy=${at.y} r="26" fill=${COLOURS.venue} opacity="0.18" />
      <circle cx=${at.x} cy=${at.y} r="12" fill=${COLOURS.venue} stroke="#fff" stroke-width="4" />
      <rect x=${spot.x} y=${spot.y - 17} width=${tagWidth} height="34" rx="17" fill=${COLOURS.venue} />
      <text class="tag" x=${spot.x + tagWidth / 2} y=${spot.y + 1} text-anchor="middle" dominant-baseline="central" fill="#fff">${text}</text>
    </g>`;
  }

  /** One shipment's route to the chosen dealer, and a tag naming where it starts. */
  private _route(
    shipment: PlanShipment,
    frame: Frame,
    view: Rect,
    to: XY,
    taken: Rect[],
    fromPin?: XY,
  ) {
    const centre = shipment.source.kind === 'parts_centre';
    const from = fromPin ?? frame.project(shipment.from_position);
    const colour = centre ? COLOURS.centre : COLOURS.courier;
    // The line stops short of the chosen pin's tip, so the arrowhead shows beside it.
    const path = arc(from, to, centre ? 0.08 : 0.18).filter(
      (p, i) => i === 0 || Math.hypot(p.x - to.x, p.y - to.y) > 30,
    );
    const pieces = clipPolyline(path, view);
    const line = pieces.map(
      (
        piece,
        i,
      ) => svg`<path data-route=${shipment.source.kind} d=${pathOf(piece, false)} fill="none"
        stroke=${colour} stroke-width="5" stroke-linecap="round" stroke-dasharray=${centre ? '14 9' : 'none'}
        marker-end=${i === pieces.length - 1 ? `url(#arrow-${centre ? 'centre' : 'courier'})` : 'none'} />`,
    );
    const start = pieces[0]?.[0];
    if (!start) return { line, tag: nothing };
    const text = centre
      ? t(this.locale, 'map.partsCentre')
      : (shipment.from_district ?? shipment.from_name);
    // The tag sits under where the route starts (under the sender's pin), kept on screen.
    const tagWidth = text.length * 19 * 0.58 + 24;
    // Under where the route starts, else beside it, else above the sender's pin; on screen.
    const candidates: XY[] = [
      { x: start.x - tagWidth / 2, y: start.y + 12 },
      { x: start.x + 16, y: start.y - 15 },
      { x: start.x - tagWidth - 16, y: start.y - 15 },
      { x: start.x - tagWidth / 2, y: start.y - 104 },
    ];
    for (const c of candidates) {
      const x = Math.min(Math.max(c.x, 8), view.right - tagWidth - 8);
      const y = Math.min(Math.max(c.y, 56), view.bottom - 40);
      const box = { left: x, right: x + tagWidth, top: y, bottom: y + 30 };
      if (taken.some((r) => overlaps(r, box))) continue;
      taken.push(box);
      const tag = svg`<g><rect x=${x} y=${y} width=${tagWidth} height="30" rx="8" fill="#fff" stroke=${colour} stroke-width="2.5" />
          <text class="tag" x=${x + tagWidth / 2} y=${y + 16} text-anchor="middle" dominant-baseline="central" fill=${colour}>${text}</text></g>`;
      return { line, tag };
    }
    return { line, tag: nothing };
  }

  /** "Approximate map" in the top-left corner. */
  private _approximate(view: Rect) {
    const text = t(this.locale, 'map.approximate');
    const w = text.length * 18 * 0.58 + 28;
    return svg`<g data-approximate transform="translate(${view.left + 14} ${view.top + 14})">
      <rect width=${w} height="34" rx="17" fill="#fff" opacity="0.92" stroke="#d3dbea" />
      <text class="approx" x=${w / 2} y="18" text-anchor="middle" dominant-baseline="central">${text}</text>
    </g>`;
  }

  /** You are here, and the route kinds drawn. */
  private _legend(courier: boolean, centre: boolean) {
    const items: SVGTemplateResult[] = [];
    let x = 8;
    const add = (mark: SVGTemplateResult, text: string) => {
      items.push(svg`<g transform="translate(${x} 0)">${mark}
        <text class="legend" x="40" y="26">${text}</text></g>`);
      x += 40 + text.length * 19 * 0.56 + 28;
    };
    add(
      svg`<circle cx="14" cy="20" r="9" fill=${COLOURS.venue} stroke="#fff" stroke-width="3" />`,
      t(this.locale, 'map.you'),
    );
    if (courier)
      add(
        svg`<path d="M0 20 H30" stroke=${COLOURS.courier} stroke-width="5" stroke-linecap="round" />`,
        t(this.locale, 'map.courier'),
      );
    if (centre)
      add(
        svg`<path d="M0 20 H30" stroke=${COLOURS.centre} stroke-width="5" stroke-dasharray="10 6" />`,
        t(this.locale, 'map.partsCentre'),
      );
    return items;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dealer-map': DealerMap;
  }
}
