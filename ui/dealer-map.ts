import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { DealerHit, Locale } from '../machines/schemas.js';
import { t } from './i18n.js';
import { theme } from './theme.js';

const WIDTH = 800;
const HEIGHT = 560;
/** A band under the plot for the scale bar, so it never sits on a pin or a label. */
const BAND = 48;
const MARGIN = 70;
const KM_PER_DEGREE_LAT = 111.32;

/** Projects dealers to SVG points: equirectangular around their centre, same km scale on both axes. */
export function projectDealers(dealers: readonly Pick<DealerHit, 'lat' | 'lon'>[]) {
  if (dealers.length === 0) return { points: [], pxPerKm: 1 };
  const lats = dealers.map((d) => d.lat);
  const lons = dealers.map((d) => d.lon);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const midLon = (Math.min(...lons) + Math.max(...lons)) / 2;
  const kmPerDegreeLon = KM_PER_DEGREE_LAT * Math.cos((midLat * Math.PI) / 180);
  const km = dealers.map((d) => ({
    x: (d.lon - midLon) * kmPerDegreeLon,
    y: (d.lat - midLat) * KM_PER_DEGREE_LAT,
  }));
  const spanX = Math.max(...km.map((p) => Math.abs(p.x)), 0.5);
  const spanY = Math.max(...km.map((p) => Math.abs(p.y)), 0.5);
  const pxPerKm = Math.min((WIDTH / 2 - MARGIN) / spanX, (HEIGHT / 2 - MARGIN) / spanY);
  return {
    points: km.map((p) => ({ x: WIDTH / 2 + p.x * pxPerKm, y: HEIGHT / 2 - p.y * pxPerKm })),
    pxPerKm,
  };
}

/** A round number of km for the scale bar, about a fifth of the map wide. */
function scaleKm(pxPerKm: number): number {
  const target = WIDTH / 5 / pxPerKm;
  const steps = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500];
  return steps.find((step) => step >= target) ?? 1000;
}

/** The most common city among the dealers: labelling it on every pin would only add noise. */
function usualCity(dealers: readonly DealerHit[]): string | null {
  const counts = new Map<string, number>();
  for (const d of dealers) counts.set(d.city, (counts.get(d.city) ?? 0) + 1);
  let best: string | null = null;
  for (const [city, n] of counts) if (best === null || n > counts.get(best)!) best = city;
  return best;
}

/**
 * A schematic map: dealers plotted where they are relative to one another (from lat/lon,
 * no tiles, no streets), numbered as in the list, with a km scale bar.
 */
@customElement('dealer-map')
export class DealerMap extends LitElement {
  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      svg {
        display: block;
        width: 100%;
        height: 100%;
      }
      .pin-label {
        font-size: 26px;
        font-weight: 800;
        fill: #fff;
      }
      .city {
        font-size: 20px;
        font-weight: 600;
        fill: var(--muted);
      }
      .scale {
        font-size: 18px;
        fill: var(--muted);
      }
    `,
  ];

  /** Dealers in list order (nearest first); their numbers match the list. */
  @property({ attribute: false }) dealers: DealerHit[] = [];
  /** Dealer to highlight, if any. */
  @property({ attribute: 'selected-id' }) selectedId: string | null = null;
  /** Language of the labels. */
  @property() locale: Locale = 'pt-BR';

  override render() {
    const { points, pxPerKm } = projectDealers(this.dealers);
    const km = scaleKm(pxPerKm);
    const usual = usualCity(this.dealers);
    return html`<svg
      viewBox="0 0 ${WIDTH} ${HEIGHT + BAND}"
      role="img"
      aria-label=${t(this.locale, 'dealer.map')}
    >
      <defs>
        <pattern id="grid" width="40" height="40" patternUnits="userSpaceOnUse">
          <path d="M 40 0 L 0 0 0 40" fill="none" stroke="#dfe6f2" stroke-width="1.5" />
        </pattern>
      </defs>
      <rect width=${WIDTH} height=${HEIGHT} rx="16" fill="#f4f7fc" />
      <rect width=${WIDTH} height=${HEIGHT} rx="16" fill="url(#grid)" />
      ${this.dealers.map((dealer, index) => {
        const p = points[index]!;
        // A city label only for a city other than the usual one, and only where it does not
        // run into another pin (pins stand 52 px above their point, labels sit 24 px below).
        const labelled =
          dealer.city !== usual &&
          !points.some(
            (q, other) =>
              other !== index && Math.abs(q.x - p.x) < 130 && q.y - 56 < p.y + 34 && q.y > p.y - 40,
          );
        const selected =
          dealer.dealer_id === this.selectedId || (this.selectedId === null && index === 0);
        const fill = selected ? '#0040c5' : '#001e50';
        return svg`<g>
          <title>${dealer.name}</title>
          <path d="M ${p.x} ${p.y} l -18 -30 a 22 22 0 1 1 36 0 z" fill=${fill} stroke="#fff" stroke-width="3"
            transform=${selected ? `scale(1.25) translate(${-p.x * 0.2} ${-p.y * 0.2})` : ''} />
          <text class="pin-label" x=${p.x} y=${p.y - 42} text-anchor="middle" dominant-baseline="central">${index + 1}</text>
          ${labelled ? svg`<text class="city" x=${Math.min(WIDTH - 130, Math.max(130, p.x))} y=${p.y + 24} text-anchor="middle">${dealer.city}</text>` : ''}
        </g>`;
      })}
      <g transform="translate(${WIDTH - 20 - km * pxPerKm} ${HEIGHT + BAND - 12})">
        <rect width=${km * pxPerKm} height="8" fill="#001e50" />
        <text class="scale" x=${(km * pxPerKm) / 2} y="-10" text-anchor="middle">${km} km</text>
      </g>
    </svg>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dealer-map': DealerMap;
  }
}
