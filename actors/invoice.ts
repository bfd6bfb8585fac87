/**
 * The invoice for a booked repair, built from its estimate. Pure: the number and issue time are
 * given by the caller (the invoicing adapter owns the sequence). Brazil shows prices with tax
 * included and the Lei 12.741 approximate-tax line; Germany shows net lines and VAT (§14 UStG).
 */
import { Decimal } from 'decimal.js';
import type { Appointment, Dealer, Invoice, RepairEstimate } from '../machines/schemas.js';

const money = (d: Decimal.Value) =>
  new Decimal(d).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

export interface InvoiceArgs {
  invoice_id: string;
  invoice_number: string;
  issued_at: Date;
  appointment: Appointment;
  estimate: RepairEstimate;
  dealer: Dealer;
  /** Issued for a rehearsal booking (a replay): marked so on the document. */
  rehearsal?: boolean;
}

/** What a rehearsal's invoice says, where the buyer's name stands (every screen shows it). */
export const REHEARSAL_MARK = 'ENSAIO/REHEARSAL';

export function buildInvoice({
  invoice_id,
  invoice_number,
  issued_at,
  appointment,
  estimate,
  dealer,
  rehearsal = false,
}: InvoiceArgs): Invoice {
  const lines: Invoice['lines'] = [];
  for (const p of estimate.parts) {
    lines.push({
      line_no: lines.length + 1,
      description: p.part_name,
      part_number: p.part_number,
      quantity: p.quantity,
      unit_price: p.unit_price,
      amount: money(new Decimal(p.unit_price).times(p.quantity)),
      kind: 'part',
    });
  }
  for (const l of estimate.labor) {
    lines.push({
      line_no: lines.length + 1,
      description: `labor:${l.category}`,
      part_number: null,
      quantity: l.hours,
      unit_price: l.rate,
      amount: l.amount,
      kind: 'labor',
    });
  }
  for (const [name, amount] of Object.entries(estimate.other_totals)) {
    lines.push({
      line_no: lines.length + 1,
      description: name,
      part_number: null,
      quantity: 1,
      unit_price: amount,
      amount,
      kind: 'other',
    });
  }
  const linesTotal = lines.reduce((sum, l) => sum.plus(l.amount), new Decimal(0));
  return {
    invoice_id,
    invoice_number,
    appointment_id: appointment.appointment_id,
    estimate_id: estimate.estimate_id,
    issued_at: issued_at.toISOString(),
    currency: estimate.currency,
    seller: {
      name: dealer.name,
      tax_id: dealer.cnpj,
      address: `${dealer.street}, ${dealer.city} - ${dealer.state}, ${dealer.cep}`,
    },
    buyer: {
      name: rehearsal
        ? `${REHEARSAL_MARK} — Participante do evento VW`
        : 'Participante do evento VW',
    },
    lines,
    prices_include_tax: estimate.prices_include_tax,
    net_total: money(estimate.prices_include_tax ? linesTotal.minus(estimate.tax) : linesTotal),
    tax: estimate.tax,
    tax_lines: estimate.tax_lines,
    approximate_taxes: estimate.approximate_taxes,
    grand_total: money(estimate.prices_include_tax ? linesTotal : linesTotal.plus(estimate.tax)),
    illustrative: true,
  };
}
