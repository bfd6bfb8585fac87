/**
 * What the confirmation's invoice panel says of an invoice, as a consumer reads the documents:
 * in Brazil each document (NF-e for the parts, NFS-e for the services) with its number and
 * total, the grand total and the Lei 12.741 line of approximate taxes, never a "net amount" or
 * a sum of ICMS and ISS (a Brazilian consumer document shows neither); in Germany the net
 * total, the VAT per rate and the gross total of the Rechnung. Pure functions.
 *
 * The few sums here (VAT per rate over documents) add decimal strings as integer cents: exact,
 * and the kiosk bundle stays without decimal.js for one addition.
 */
import type { Invoice, Locale } from '../machines/schemas.js';
import { formatMoney, formatRate } from './format.js';
import { t, type MessageKey } from './i18n.js';

type FiscalDocument = Invoice['documents'][number];

const KIND_LABEL: Record<FiscalDocument['kind'], string> = {
  nfe: 'NF-e',
  nfse: 'NFS-e',
  rechnung: 'Rechnung',
};

/** What each Brazilian document bills, in the consumer's words; a Rechnung bills everything. */
const KIND_PURPOSE: Partial<Record<FiscalDocument['kind'], MessageKey>> = {
  nfe: 'invoice.doc.nfe',
  nfse: 'invoice.doc.nfse',
};

/**
 * A document as printed on its head: "NF-e 1/000.000.042 – peças" (series/number, as a DANFE
 * prints it), "NFS-e 00000042 – serviços", "Rechnung RE-2025-000042".
 */
export function documentLabel(doc: FiscalDocument, locale: Locale): string {
  const number = doc.kind === 'nfe' ? `${doc.series}/${doc.display_number}` : doc.display_number;
  const purpose = KIND_PURPOSE[doc.kind];
  return `${KIND_LABEL[doc.kind]} ${number}${purpose ? ` – ${t(locale, purpose)}` : ''}`;
}

/** Every line of every document: what the item count counts. */
export function invoiceLines(invoice: Invoice): FiscalDocument['lines'] {
  return invoice.documents.flatMap((doc) => doc.lines);
}

/**
 * The Lei 12.741/2012 line: "Valor aproximado dos tributos R$ 4.215,29 (26,68%) – Federal
 * R$ 2.054,15 | Estadual R$ 1.898,42 | Municipal R$ 262,72 – Fonte: IBPT"; null outside Brazil.
 */
export function approximateTaxesLine(invoice: Invoice, locale: Locale): string | null {
  const approx = invoice.approximate_taxes;
  if (!approx) return null;
  const money = (amount: string) => formatMoney(amount, invoice.currency, locale);
  return t(locale, 'invoice.approxTaxes', {
    total: money(approx.total),
    percent: formatRate(approx.percent, locale),
    federal: money(approx.federal),
    state: money(approx.state),
    municipal: money(approx.municipal),
    source: approx.source,
  });
}

/** One VAT rate of a net-priced invoice: the tax on the net total at that rate. */
export interface VatLine {
  rate: string;
  base: string;
  amount: string;
}

/**
 * The VAT added on top of net prices, per rate over all documents (a German Rechnung: "USt 19 %
 * on 4 275,70"); empty where taxes are contained in the prices (Brazil).
 */
export function vatLines(invoice: Invoice): VatLine[] {
  const byRate = new Map<string, { base: number; amount: number }>();
  for (const doc of invoice.documents) {
    if (doc.prices_include_tax) continue;
    for (const tax of doc.tax_lines) {
      if (tax.included) continue;
      // Cents as integers, so adding decimal strings loses nothing.
      const entry = byRate.get(tax.rate) ?? { base: 0, amount: 0 };
      entry.base += cents(tax.base);
      entry.amount += cents(tax.amount);
      byRate.set(tax.rate, entry);
    }
  }
  return [...byRate].map(([rate, { base, amount }]) => ({
    rate,
    base: fromCents(base),
    amount: fromCents(amount),
  }));
}

/** The net total of a net-priced invoice: Σ of its documents' net totals. */
export function netTotal(invoice: Invoice): string {
  return fromCents(invoice.documents.reduce((sum, doc) => sum + cents(doc.net_total), 0));
}

/** Whether the invoice's prices are net, with VAT added on top (Germany). */
export function isNetPriced(invoice: Invoice): boolean {
  return invoice.documents.some((doc) => !doc.prices_include_tax);
}

function cents(amount: string): number {
  const [whole = '0', fraction = '00'] = amount.replace('-', '').split('.');
  const value = Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
  return amount.startsWith('-') ? -value : value;
}

function fromCents(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
