/**
 * The fiscal documents against the estimate they come from, in both markets: the documents add
 * up to the estimate's grand total to the cent; in Brazil the parts (and small parts) are on the
 * NF-e with the ICMS they contain, the services on the NFS-e with ISS, each with its share of the
 * Lei 12.741 taxes; in Germany one Rechnung, VAT on the net total per rate.
 */
import { Decimal } from 'decimal.js';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCatalog } from '../../actors/catalog/load.js';
import { readDataFile } from '../../actors/catalog/read-data-file.js';
import { DEFAULT_DATA_DIR } from '../../actors/damage/mapping.js';
import { estimateRepair } from '../../actors/estimate/estimate.js';
import { accessKey, buildInvoice, buyerOf, sellerOf, seriesOf } from '../../actors/invoice.js';
import {
  Dealer,
  type FiscalDocument,
  Invoice,
  type Appointment,
  type DamageReport,
  type RepairEstimate,
} from '../../machines/schemas.js';

const catalog = loadCatalog();
const { dealers } = readDataFile(
  join(DEFAULT_DATA_DIR, 'dealers.json'),
  z.object({ dealers: z.array(Dealer) }),
);
const NOW = new Date('2026-12-07T13:00:00.000Z');

/** A front crash: bumper, grille, a headlight, the hood, the radiator, the fender scratched. */
const damage: DamageReport = {
  damage_id: 'dmg-inv',
  vehicle_model: 'tcross',
  session_id: null,
  crash_timestamp: NOW.toISOString(),
  components: [
    ['front_bumper', 0.8, 'impact'],
    ['grille', 0.6, 'impact'],
    ['headlight_left', 0.9, 'destroyed'],
    ['hood', 0.35, 'impact'],
    ['radiator', 0.5, 'impact'],
    ['fender_front_left', 0.2, 'scratch'],
  ].map(([component_name, damage_level, damage_type]) => ({
    component_name: component_name as string,
    damage_level: damage_level as number,
    damage_type: damage_type as 'impact' | 'scratch' | 'destroyed',
    location: [0, 1, 0] as [number, number, number],
    sources: [],
    confidence: 1,
  })),
  severity_score: 0.6,
  unmapped_parts: [],
  source_shape: 'normalized',
};

function estimateIn(market: string): RepairEstimate {
  return estimateRepair({
    damage,
    vehicle: catalog.vehicles.get('tcross')!,
    market: catalog.markets.get(market)!,
    components: catalog.components,
    estimate_id: `est-inv-${market}`,
    now: NOW,
  });
}

const appointment = (
  dealer_id: string,
  status: Appointment['status'] = 'confirmed',
): Appointment => ({
  appointment_id: 'apt-inv',
  request_id: 'inv',
  estimate_id: 'est-inv',
  dealer_id,
  session_id: null,
  slot_start: '2026-12-09T08:00:00-03:00',
  slot_end: '2026-12-09T09:00:00-03:00',
  work_until: '2026-12-10T12:00:00-03:00',
  status,
  parts_plan: {
    dealer_id,
    estimate_id: 'est-inv',
    currency: 'BRL',
    planned_at: '2026-12-07T10:00:00-03:00',
    lines: [],
    shipments: [],
    transfer_cost: '0.00',
    ready_date: '2026-12-07T10:00:00-03:00',
  },
  contact: { name: 'Ana Souza', email: 'ana@example.com', demo: true },
  created_at: NOW.toISOString(),
  updated_at: NOW.toISOString(),
});

/** A counter per series, as the store keeps them. */
function counters() {
  const last = new Map<string, number>();
  return (series: string) => {
    const n = (last.get(series) ?? 0) + 1;
    last.set(series, n);
    return n;
  };
}

const d = (v: Decimal.Value) => new Decimal(v);
const total = (values: readonly Decimal.Value[]) =>
  values.reduce<Decimal>((s, v) => s.plus(v), d(0));
const doc = (invoice: Invoice, kind: FiscalDocument['kind']) =>
  invoice.documents.find((x) => x.kind === kind)!;

function brazilian(market: string, dealer_id: string) {
  const estimate = estimateIn(market);
  const dealer = dealers.find((x) => x.dealer_id === dealer_id)!;
  const invoice = buildInvoice({
    invoice_id: 'inv-inv',
    issued_at: NOW,
    appointment: appointment(dealer_id),
    estimate,
    seller: sellerOf(dealer),
    buyer: buyerOf(appointment(dealer_id), false),
    next: counters(),
    approximate_shares: catalog.markets.get(market)!.approximate_taxes,
  });
  return { estimate, invoice: Invoice.parse(invoice) };
}

describe('Brazilian documents: NF-e for the parts, NFS-e for the services', () => {
  it.each([
    ['BR-SP', 'vw-sp-001', ['ICMS'], 18],
    ['BR-RJ', 'vw-rj-002', ['ICMS', 'FECP'], 22],
  ] as const)(
    '%s: totals to the cent, taxes contained, approximate taxes split',
    (market, dealer_id, names, icms) => {
      const { estimate, invoice } = brazilian(market, dealer_id);
      const nfe = doc(invoice, 'nfe');
      const nfse = doc(invoice, 'nfse');
      // Everything on the two documents, nothing twice: their totals are the estimate's.
      expect(d(nfe.grand_total).plus(nfse.grand_total).toFixed(2)).toBe(estimate.grand_total);
      expect(invoice.grand_total).toBe(estimate.grand_total);
      // The NF-e: the parts at their prices, plus the small parts: the estimate's parts tax base.
      const smallParts = estimate.other_totals.small_parts ?? '0.00';
      expect(nfe.grand_total).toBe(d(estimate.parts_total).plus(smallParts).toFixed(2));
      expect(nfe.lines.filter((l) => l.kind === 'part')).toHaveLength(estimate.parts.length);
      // ICMS (and FECP) contained: rate × total, each rounded half up.
      expect(nfe.tax_lines.map((t) => t.name)).toEqual(names);
      expect(total(nfe.tax_lines.map((t) => t.amount)).toNumber()).toBeCloseTo(
        d(nfe.grand_total).times(icms).dividedBy(100).toNumber(),
        1,
      );
      for (const t of nfe.tax_lines)
        expect(t.amount).toBe(
          d(nfe.grand_total)
            .times(t.rate)
            .dividedBy(100)
            .toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
            .toFixed(2),
        );
      expect(nfe.net_total).toBe(d(nfe.grand_total).minus(nfe.tax_total).toFixed(2));
      // The NFS-e: labour per category (hours to the hundredth) and the other services; ISS 5 %.
      expect(nfse.service_code).toBe('14.01 / 140101');
      expect(nfse.tax_lines).toEqual([
        expect.objectContaining({
          name: 'ISS',
          amount: d(nfse.grand_total)
            .times(5)
            .dividedBy(100)
            .toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
            .toFixed(2),
        }),
      ]);
      for (const l of nfse.lines.filter((x) => x.unit === 'H'))
        expect(Number.isInteger(Math.round(l.quantity * 100 * 1e6) / 1e6)).toBe(true);
      // Lei 12.741: the two documents' shares add up to the estimate's line.
      const a = estimate.approximate_taxes!;
      for (const level of ['federal', 'state', 'municipal'] as const)
        expect(
          d(nfe.approximate_taxes![level]).plus(nfse.approximate_taxes![level]).toFixed(2),
        ).toBe(a[level]);
      expect(nfe.approximate_taxes!.source).toBe('IBPT');
      // State taxes are on the parts, municipal on the services.
      expect(nfe.approximate_taxes!.municipal).toBe('0.00');
      expect(nfse.approximate_taxes!.state).toBe('0.00');
      // Lines numbered from 1, none of zero amount, and the simulation said plainly.
      for (const document of invoice.documents) {
        expect(document.lines.map((l) => l.line_no)).toEqual(document.lines.map((_, i) => i + 1));
        expect(document.lines.every((l) => !d(l.amount).isZero())).toBe(true);
        expect(document.notices[0]).toMatch(/SEM VALOR FISCAL/);
        expect(document.seller).toMatchObject({ tax_id_label: 'CNPJ' });
        expect(document.buyer.name).toBe('Ana Souza');
        expect(document.supplied_on).toBe('2026-12-09');
      }
      expect(invoice.invoice_number).toBe('NF-e 1/000.000.001');
      expect(nfse.display_number).toBe('00000001');
    },
  );

  it('gives the NF-e a 44-digit access key whose mod-11 check digit holds', () => {
    const { invoice } = brazilian('BR-SP', 'vw-sp-001');
    const key = doc(invoice, 'nfe').access_key!;
    expect(key).toMatch(/^35\d{42}$/);
    // Weights 2..9 from the right over the first 43 digits.
    let weight = 2;
    let sum = 0;
    for (let i = 42; i >= 0; i--) {
      sum += Number(key[i]) * weight;
      weight = weight === 9 ? 2 : weight + 1;
    }
    const r = sum % 11;
    expect(Number(key[43])).toBe(r < 2 ? 0 : 11 - r);
    expect(
      accessKey({
        uf: 'RJ',
        issued_at: NOW,
        cnpj: '12.ABC.345/01DE-35',
        series: '1',
        number: 7,
        code: 1,
      }),
    ).toMatch(/^33\d{42}$/);
  });

  it('numbers a rehearsal in series of its own and marks it', () => {
    const estimate = estimateIn('BR-SP');
    const dealer = dealers[0]!;
    const invoice = buildInvoice({
      invoice_id: 'inv-r',
      issued_at: NOW,
      appointment: appointment(dealer.dealer_id, 'rehearsal'),
      estimate,
      seller: sellerOf(dealer),
      buyer: buyerOf(appointment(dealer.dealer_id, 'rehearsal'), true),
      next: counters(),
      rehearsal: true,
    });
    expect(invoice.documents.map((x) => x.series)).toEqual([
      seriesOf('nfe', true),
      seriesOf('nfse', true),
    ]);
    expect(invoice.documents[0]!.buyer.name).toContain('ENSAIO/REHEARSAL');
  });
});

describe('a German Rechnung (§14 UStG)', () => {
  it('carries every field, nets per rate, VAT on the net total, gross = the estimate', () => {
    const estimate = estimateIn('DE');
    const seller = {
      name: 'Autohaus Am Ring GmbH',
      tax_id: 'DE123456789',
      tax_id_label: 'USt-IdNr.',
      address_lines: ['Hohenzollernring 10', '50672 Köln'],
    };
    const buyer = {
      name: 'Anna Schmidt',
      tax_id: null,
      tax_id_label: '',
      address_lines: ['Ehrenstraße 5', '50672 Köln'],
    };
    const invoice = Invoice.parse(
      buildInvoice({
        invoice_id: 'inv-de',
        issued_at: NOW,
        appointment: appointment('vw-sp-001'),
        estimate,
        seller,
        buyer,
        next: counters(),
      }),
    );
    expect(invoice.documents).toHaveLength(1);
    const re = invoice.documents[0]!;
    expect(re).toMatchObject({
      kind: 'rechnung',
      series: 'RE',
      number: 1,
      display_number: 'RE-2026-000001',
      seller,
      buyer,
      issued_at: NOW.toISOString(),
      supplied_on: '2026-12-09',
      prices_include_tax: false,
    });
    const net = total(re.lines.map((l) => l.amount));
    expect(re.net_total).toBe(net.toFixed(2));
    // One rate, 19 %: VAT on the net total, rounded half up; gross = net + VAT = the estimate.
    expect(re.tax_lines).toEqual([
      {
        name: 'USt',
        rate: '19.00',
        base: net.toFixed(2),
        amount: net.times(0.19).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
        included: false,
      },
    ]);
    expect(re.grand_total).toBe(d(re.net_total).plus(re.tax_total).toFixed(2));
    expect(re.grand_total).toBe(estimate.grand_total);
    expect(re.lines.every((l) => l.tax_rate === '19.00')).toBe(true);
    expect(re.lines.some((l) => l.unit === 'H')).toBe(true);
    expect(re.notices[0]).toMatch(/KEINE RECHNUNG/);
  });
});

describe('every component damaged at once', () => {
  it.each(['BR-SP', 'BR-RJ', 'DE'])(
    '%s: the documents add up to the estimate, every other total on one of them',
    (market) => {
      for (const vehicle of catalog.vehicles.values()) {
        const all: DamageReport = {
          ...damage,
          vehicle_model: vehicle.id,
          components: vehicle.assemblies.flatMap((a) =>
            a.components.map((c, i) => ({
              component_name: c.component,
              damage_level: 0.3 + ((i * 37) % 60) / 100,
              damage_type: (['impact', 'scratch', 'destroyed'] as const)[i % 3]!,
              location: [0, 0, 0] as [number, number, number],
              sources: [],
              confidence: 1,
            })),
          ),
        };
        const estimate = estimateRepair({
          damage: all,
          vehicle,
          market: catalog.markets.get(market)!,
          components: catalog.components,
          estimate_id: `est-all-${market}`,
          now: NOW,
        });
        const dealer = dealers[0]!;
        const invoice = buildInvoice({
          invoice_id: 'inv-all',
          issued_at: NOW,
          appointment: appointment(dealer.dealer_id),
          estimate,
          seller: sellerOf(dealer),
          buyer: buyerOf(appointment(dealer.dealer_id), false),
          next: counters(),
          approximate_shares: catalog.markets.get(market)!.approximate_taxes,
        });
        expect(invoice.grand_total, `${vehicle.id} ${market}`).toBe(estimate.grand_total);
        const billed = total(invoice.documents.flatMap((x) => x.lines.map((l) => l.amount)));
        const untaxed = total(invoice.documents.map((x) => x.net_total));
        expect(
          estimate.prices_include_tax ? billed.toFixed(2) : untaxed.toFixed(2),
          `${vehicle.id} ${market}`,
        ).toBe(
          d(estimate.parts_total)
            .plus(estimate.labor_total)
            .plus(total(Object.values(estimate.other_totals)))
            .toFixed(2),
        );
        // No other total is left without a name of its own on the documents.
        for (const line of invoice.documents.flatMap((x) => x.lines))
          expect(line.description).not.toMatch(/^[a-z]+_[a-z_]+$/);
      }
    },
  );
});
