import { LitElement, css, html, svg } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { ComponentDamage, Locale } from '../machines/schemas.js';
import { componentName } from './component-names.js';
import { t } from './i18n.js';
import { severityBand, severityColour } from './severity.js';
import { theme } from './theme.js';

/** A marker placed on the diagram, in SVG units (1 unit = 1 cm; y grows towards the rear). */
interface Marker {
  number: number;
  cx: number;
  cy: number;
  r: number;
  colour: string;
  title: string;
}

const NUDGE_STEP = 34;
/** Offsets tried in turn, in NUDGE_STEP units: (sideways, inwards). */
const NUDGES: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 1],
  [-1, 0],
  [1, 0],
  [-1, 1],
  [1, 1],
  [0, 2],
  [-1, 2],
  [1, 2],
  [-2, 0],
  [2, 0],
  [-2, 1],
  [2, 1],
  [0, 3],
];

/**
 * Places one marker per component at its `location` (x right+, y front+, metres from the
 * car's centre), seen from above with the front at the top. Markers that would hide one
 * another are nudged sideways so every number stays readable.
 */
export function placeMarkers(components: readonly ComponentDamage[], locale: Locale): Marker[] {
  const placed: Marker[] = [];
  components.forEach((component, index) => {
    const [x, y] = component.location;
    const r = 16 + 18 * component.damage_level;
    const home = { cx: x * 100, cy: -y * 100 };
    // Nudge towards the car's centre first (parts behind the bumper sit behind it), then sideways.
    const inward = home.cy < 0 ? 1 : -1;
    let { cx, cy } = home;
    for (const [dx, dy] of NUDGES) {
      cx = home.cx + dx * NUDGE_STEP;
      cy = home.cy + dy * inward * NUDGE_STEP;
      if (!placed.some((m) => Math.hypot(m.cx - cx, m.cy - cy) < (m.r + r) * 0.85)) break;
    }
    placed.push({
      number: index + 1,
      cx,
      cy,
      r,
      colour: severityColour(severityBand(component.damage_level, component.damage_type)),
      title: componentName(component.component_name, locale),
    });
  });
  return placed;
}

/**
 * A top-down outline of the car (drawn here, ~4.2 m × 1.8 m) with each damaged component
 * marked by a numbered circle sized and coloured by its severity.
 */
@customElement('car-diagram')
export class CarDiagram extends LitElement {
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
      .label {
        font-size: 22px;
        font-weight: 700;
        fill: var(--muted);
        letter-spacing: 0.1em;
      }
      .marker-number {
        font-size: 24px;
        font-weight: 800;
        fill: #fff;
        paint-order: stroke;
        stroke: rgba(0, 0, 0, 0.45);
        stroke-width: 3px;
      }
    `,
  ];

  /** Damaged components, in the order the list beside the diagram numbers them. */
  @property({ attribute: false }) components: ComponentDamage[] = [];
  /** Language of the labels. */
  @property() locale: Locale = 'pt-BR';

  override render() {
    const markers = placeMarkers(this.components, this.locale);
    return html`<svg
      viewBox="-170 -275 340 540"
      role="img"
      aria-label=${t(this.locale, 'damage.components')}
    >
      ${this._renderCar()}
      ${markers.map(
        (m) => svg`<g class="marker">
          <title>${m.number}. ${m.title}</title>
          <circle cx=${m.cx} cy=${m.cy} r=${m.r} fill=${m.colour} fill-opacity="0.8" stroke=${m.colour} stroke-width="4" />
          <text class="marker-number" x=${m.cx} y=${m.cy} text-anchor="middle" dominant-baseline="central">${m.number}</text>
        </g>`,
      )}
      <text class="label" x="0" y="-250" text-anchor="middle">
        ${t(this.locale, 'damage.front')} ▲
      </text>
      <text class="label" x="0" y="258" text-anchor="middle">${t(this.locale, 'damage.rear')}</text>
      <text class="label" x="-150" y="0" text-anchor="middle">
        ${t(this.locale, 'damage.left')}
      </text>
      <text class="label" x="150" y="0" text-anchor="middle">
        ${t(this.locale, 'damage.right')}
      </text>
    </svg>`;
  }

  /** The car seen from above; 1 unit = 1 cm, front (y = +2.1 m) at the top. */
  private _renderCar() {
    return svg`<g class="car">
      <!-- wheels, peeking out from under the body -->
      ${[-1, 1].flatMap((side) =>
        [-130, 130].map(
          (cy) =>
            svg`<rect x=${side * 86 - 12} y=${cy - 34} width="24" height="68" rx="8" fill="#24324a" />`,
        ),
      )}
      <!-- body: slightly tapered nose and tail -->
      <path
        d="M -70 -210 Q 0 -218 70 -210 Q 90 -205 91 -170 L 92 170 Q 91 205 72 209 Q 0 215 -72 209 Q -91 205 -92 170 L -91 -170 Q -90 -205 -70 -210 Z"
        fill="#f4f7fc" stroke="#001e50" stroke-width="5" stroke-linejoin="round" />
      <!-- mirrors -->
      <path d="M -90 -86 L -108 -82 L -108 -70 L -90 -70 Z" fill="#f4f7fc" stroke="#001e50" stroke-width="4" />
      <path d="M 90 -86 L 108 -82 L 108 -70 L 90 -70 Z" fill="#f4f7fc" stroke="#001e50" stroke-width="4" />
      <!-- hood crease lines -->
      <path d="M -50 -200 Q -56 -150 -66 -100 M 50 -200 Q 56 -150 66 -100" fill="none" stroke="#9fb0cc" stroke-width="3" />
      <!-- windscreen, roof, rear window -->
      <path d="M -68 -96 Q 0 -110 68 -96 L 62 -52 Q 0 -60 -62 -52 Z" fill="#9fc0ea" stroke="#001e50" stroke-width="4" />
      <rect x="-64" y="-50" width="128" height="190" rx="16" fill="#e3e9f4" stroke="#001e50" stroke-width="4" />
      <path d="M -62 142 Q 0 150 62 142 L 58 178 Q 0 186 -58 178 Z" fill="#9fc0ea" stroke="#001e50" stroke-width="4" />
      <!-- door lines -->
      <path d="M -91 -30 L -66 -30 M 91 -30 L 66 -30 M -91 55 L -66 55 M 91 55 L 66 55" stroke="#9fb0cc" stroke-width="3" />
      <!-- headlights and tail lights -->
      <path d="M -82 -196 L -44 -206 L -46 -192 L -84 -184 Z" fill="#fff6c8" stroke="#001e50" stroke-width="3" />
      <path d="M 82 -196 L 44 -206 L 46 -192 L 84 -184 Z" fill="#fff6c8" stroke="#001e50" stroke-width="3" />
      <path d="M -86 196 L -50 204 L -50 194 L -88 186 Z" fill="#e05050" stroke="#001e50" stroke-width="3" />
      <path d="M 86 196 L 50 204 L 50 194 L 88 186 Z" fill="#e05050" stroke="#001e50" stroke-width="3" />
    </g>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'car-diagram': CarDiagram;
  }
}
