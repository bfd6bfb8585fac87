/**
 * Taxes per market: the parts and services bases, one line per tax, the grand total (tax added
 * only where prices are net) and Brazil's Lei 12.741 approximate taxes.
 */
import { Decimal } from 'decimal.js';
import type { RepairEstimate } from '../../machines/schemas.js';
import type { Market, MarketTax, TaxBase } from '../catalog/schemas.js';
import { money, roundMoney } from './money.js';

export type TaxLine = RepairEstimate['tax_lines'][number];
export type ApproximateTaxes = NonNullable<RepairEstimate['approximate_taxes']>;
export type TaxBases = Record<TaxBase, Decimal>;

/**
 * parts = parts + small parts; services = labour + paint materials + A/C refrigerant + ADAS +
 * alignment (chosen: the refrigerant is consumed by the A/C service, like paint materials).
 */
export function taxBases(amounts: {
  parts: Decimal;
  smallParts: Decimal;
  labour: Decimal;
  paintMaterials: Decimal;
  refrigerant?: Decimal;
  adas: Decimal;
  alignment: Decimal;
}): TaxBases {
  return {
    parts: amounts.parts.plus(amounts.smallParts),
    services: amounts.labour
      .plus(amounts.paintMaterials)
      .plus(amounts.refrigerant ?? 0)
      .plus(amounts.adas)
      .plus(amounts.alignment),
  };
}

/** One line per tax: rate % of the sum of its bases, rounded half-up to the cent. */
export function taxLines(
  taxes: readonly MarketTax[],
  bases: TaxBases,
  included: boolean,
): TaxLine[] {
  return taxes.map((t) => {
    const base = t.applies_to.reduce((sum, b) => sum.plus(bases[b]), new Decimal(0));
    return {
      name: t.name,
      rate: new Decimal(t.rate).toFixed(2),
      base: money(base),
      amount: money(base.times(t.rate).dividedBy(100)),
      included,
    };
  });
}

/** The sum of the tax lines' amounts. */
export function taxTotal(lines: readonly TaxLine[]): Decimal {
  return lines.reduce((sum, t) => sum.plus(t.amount), new Decimal(0));
}

/** Net plus tax where prices are net; the net itself where tax is included in the prices. */
export function grandTotal(net: Decimal, tax: Decimal, pricesIncludeTax: boolean): Decimal {
  return pricesIncludeTax ? net : net.plus(tax);
}

/** Federal, state and municipal shares of both bases, each rounded, and the total's % of the grand total. */
export function approximateTaxes(
  shares: NonNullable<Market['approximate_taxes']>,
  bases: TaxBases,
  grand: Decimal,
): ApproximateTaxes {
  const level = (k: 'federal' | 'state' | 'municipal'): Decimal =>
    roundMoney(
      bases.parts
        .times(shares.parts[k])
        .plus(bases.services.times(shares.services[k]))
        .dividedBy(100),
    );
  const federal = level('federal');
  const state = level('state');
  const municipal = level('municipal');
  const total = federal.plus(state).plus(municipal);
  return {
    total: money(total),
    percent: grand.isZero()
      ? '0.00'
      : total.dividedBy(grand).times(100).toFixed(2, Decimal.ROUND_HALF_UP),
    federal: money(federal),
    state: money(state),
    municipal: money(municipal),
    source: shares.source,
  };
}
