/**
 * Realistic invoices for the rendering tests: a crash estimated with the real catalog, booked at
 * a dealer from data/dealers.json (Brazil: NF-e + NFS-e) or at a fictional German Autohaus
 * (one Rechnung), numbered as the store would number them.
 */
import { readFileSync } from 'node:fs';
import { loadCatalog } from '../../../actors/catalog/load.js';
import { estimateRepair } from '../../../actors/estimate/estimate.js';
import { buildInvoice, buyerOf, sellerOf } from '../../../actors/invoice.js';
import {
  Dealer,
  type Appointment,
  type ComponentDamage,
  type Contact,
  type Invoice,
  type InvoiceParty,
} from '../../../machines/schemas.js';

const catalog = loadCatalog();
const ISSUED_AT = new Date('2026-03-02T13:05:00.000Z');

const dealers = (
  JSON.parse(readFileSync(new URL('../../../data/dealers.json', import.meta.url), 'utf8')) as {
    dealers: unknown[];
  }
).dealers.map((d) => Dealer.parse(d));

/** A dealer of data/dealers.json by id. */
export function dealer(dealer_id: string): Dealer {
  const found = dealers.find((d) => d.dealer_id === dealer_id);
  if (!found) throw new Error(`no dealer ${dealer_id} in data/dealers.json`);
  return found;
}

/** A fictional German seller (Köln) for the Rechnung. */
export const GERMAN_SELLER: InvoiceParty = {
  name: 'Autohaus Am Ring GmbH',
  tax_id: 'DE123456789',
  tax_id_label: 'USt-IdNr.',
  address_lines: ['Hohenzollernring 10', '50672 Köln'],
};

export const GERMAN_BUYER: InvoiceParty = {
  name: 'Erika Mustermann',
  tax_id: null,
  tax_id_label: 'USt-IdNr.',
  address_lines: ['Heidestraße 17', '51147 Köln'],
};

type Hit = [component: string, level: number];

/** A front-end crash: enough parts, labour, paint and a sublet to fill both Brazilian documents. */
export const FRONT_CRASH: Hit[] = [
  ['front_bumper', 0.8],
  ['hood', 0.6],
  ['grille', 0.7],
  ['left_fender', 0.4],
  ['windscreen', 0.5],
];

/** Nearly every panel and light: more lines than fit one A4 page. */
export const BIG_CRASH: Hit[] = [
  ...FRONT_CRASH,
  ...[
    'front_bumper_beam',
    'front_panel',
    'right_fender',
    'left_headlight',
    'right_headlight',
    'left_fog_light',
    'right_fog_light',
    'radiator',
    'condenser',
    'left_front_door',
    'right_front_door',
    'left_rear_door',
    'right_rear_door',
    'left_mirror',
    'right_mirror',
    'left_quarter_panel',
    'right_quarter_panel',
    'rear_bumper',
    'tailgate',
    'left_tail_light',
    'right_tail_light',
    'roof',
  ].map((c): Hit => [c, 0.9]),
];

function appointment(dealer_id: string, contact: Contact | null): Appointment {
  return {
    appointment_id: `apt-${dealer_id}`,
    request_id: 'req-1',
    estimate_id: 'est-1',
    dealer_id,
    session_id: 'sess-1',
    slot_start: '2026-03-04T11:00:00.000Z',
    slot_end: '2026-03-04T11:30:00.000Z',
    work_until: '2026-03-05T18:00:00.000Z',
    status: 'confirmed',
    parts_plan: {
      dealer_id,
      estimate_id: 'est-1',
      currency: 'BRL',
      planned_at: ISSUED_AT.toISOString(),
      lines: [],
      shipments: [],
      transfer_cost: '0.00',
      ready_date: ISSUED_AT.toISOString(),
    },
    contact,
    created_at: ISSUED_AT.toISOString(),
    updated_at: ISSUED_AT.toISOString(),
  };
}

function estimateOf(hits: Hit[], vehicle_id: string, market_id: string) {
  const vehicle = catalog.vehicles.get(vehicle_id)!;
  const market = catalog.markets.get(market_id)!;
  const components: ComponentDamage[] = hits.map(([component_name, damage_level]) => ({
    component_name,
    damage_level,
    damage_type: 'impact',
    location: [0, 0, 0],
    sources: [],
    confidence: 1,
  }));
  return estimateRepair({
    damage: {
      damage_id: 'dmg-1',
      vehicle_model: vehicle_id,
      session_id: 'sess-1',
      crash_timestamp: '2026-03-02T12:59:00.000Z',
      components,
      severity_score: 0.6,
      unmapped_parts: [],
      source_shape: 'manual',
    },
    vehicle,
    market,
    components: catalog.components,
    estimate_id: 'est-1',
    now: ISSUED_AT,
  });
}

/** Numbers per series, as the store's counters would hand them out. */
function counter(start: number) {
  const next = new Map<string, number>();
  return (series: string) => {
    const n = next.get(series) ?? start;
    next.set(series, n + 1);
    return n;
  };
}

/** A Brazilian invoice (NF-e + NFS-e) from a T-Cross crash at a São Paulo dealer. */
export function brazilianInvoice(
  opts: { buyer_name?: string; hits?: Hit[]; dealer_id?: string } = {},
): Invoice {
  const found = dealer(opts.dealer_id ?? 'vw-sp-001');
  const apt = appointment(found.dealer_id, {
    name: opts.buyer_name ?? 'Mariana Souza',
    email: 'mariana.souza@example.com',
    demo: true,
  });
  return buildInvoice({
    invoice_id: 'inv-br-1',
    issued_at: ISSUED_AT,
    appointment: apt,
    estimate: {
      ...estimateOf(opts.hits ?? FRONT_CRASH, 'tcross', 'BR-SP'),
      dealer_id: found.dealer_id,
    },
    seller: sellerOf(found),
    buyer: buyerOf(apt, false),
    next: counter(42),
    approximate_shares: catalog.markets.get('BR-SP')!.approximate_taxes,
  });
}

/** A German Rechnung from a Golf crash at the Autohaus Am Ring in Köln. */
export function germanInvoice(opts: { hits?: Hit[] } = {}): Invoice {
  return buildInvoice({
    invoice_id: 'inv-de-1',
    issued_at: ISSUED_AT,
    appointment: appointment('de-koeln-001', null),
    estimate: estimateOf(opts.hits ?? FRONT_CRASH, 'golf', 'DE'),
    seller: GERMAN_SELLER,
    buyer: GERMAN_BUYER,
    next: counter(137),
  });
}
