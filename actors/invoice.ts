/**
 * The fiscal documents of a booked repair, built from its estimate as the chosen dealer priced
 * it. Pure: the numbers, the issue time and the parties are given by the caller (the store owns
 * the gap-free sequences, inside the booking's transaction).
 *
 * - Brazil: the parts on an NF-e (printed as a DANFE) with ICMS (and FECP) contained in the
 *   prices; the services (labour, paint materials, sublets) on an NFS-e, item 14.01 of LC
 *   116/2003 (national code 140101), with ISS contained; each with its share of the Lei 12.741
 *   approximate taxes (federal, state, municipal; source IBPT). The split follows the estimate's
 *   tax bases: parts and small parts, then everything else.
 * - Germany: one Rechnung with every §14 UStG field: net lines, VAT per rate on the net total.
 * - Every document says plainly that it is a simulation without fiscal value; zero-amount lines
 *   are left out. The documents' totals add up to the estimate's grand total to the cent.
 */
import { Decimal } from 'decimal.js';
import type { Market } from './catalog/schemas.js';
import { money } from './estimate/money.js';
import { invoiceIdOf } from '../machines/ids.js';
import type {
  Appointment,
  Dealer,
  DocumentLine,
  FiscalDocument,
  Invoice,
  InvoiceParty,
  RepairEstimate,
} from '../machines/schemas.js';

const sum = (values: readonly Decimal.Value[]) =>
  values.reduce<Decimal>((total, v) => total.plus(v), new Decimal(0));

/** What a rehearsal's documents say, where the buyer's name stands (every screen shows it). */
export const REHEARSAL_MARK = 'ENSAIO/REHEARSAL';

/** The document series of an issuer; a rehearsal's have their own, so the real ones stay gap-free. */
export function seriesOf(kind: FiscalDocument['kind'], rehearsal: boolean): string {
  const base = { nfe: '1', nfse: 'NFS', rechnung: 'RE' }[kind];
  return rehearsal ? `${base}-ENSAIO` : base;
}

/** LC 116/2003 item 14.01 (vehicle repair), national code 140101. */
export const SERVICE_CODE = '14.01 / 140101';

/** The share of other_totals that goes with the parts (the parts tax base); the rest are services. */
const PARTS_OTHERS = new Set(['small_parts']);

const OTHER_KIND: Record<string, DocumentLine['kind']> = {
  small_parts: 'material',
  paint_materials: 'material',
  ac_refrigerant: 'material',
};

const OTHER_NAMES: Record<string, { 'pt-BR': string; en: string; de: string }> = {
  small_parts: {
    'pt-BR': 'Peças miúdas (presilhas, emblemas)',
    en: 'Small parts',
    de: 'Kleinteile',
  },
  paint_materials: { 'pt-BR': 'Materiais de pintura', en: 'Paint materials', de: 'Lackmaterial' },
  ac_refrigerant: {
    'pt-BR': 'Fluido refrigerante R-1234yf (carga do A/C)',
    en: 'Refrigerant R-1234yf (A/C charge)',
    de: 'Kältemittel R-1234yf (Klimaanlage)',
  },
  adas_calibration: {
    'pt-BR': 'Calibração ADAS (serviço de terceiro)',
    en: 'ADAS calibration (sublet)',
    de: 'ADAS-Kalibrierung (Fremdleistung)',
  },
  wheel_alignment: {
    'pt-BR': 'Alinhamento de direção (serviço de terceiro)',
    en: 'Wheel alignment (sublet)',
    de: 'Achsvermessung (Fremdleistung)',
  },
};

const LABOUR_NAMES: Record<string, { 'pt-BR': string; de: string }> = {
  body: { 'pt-BR': 'Mão de obra – funilaria', de: 'Arbeitslohn Karosserie' },
  paint: { 'pt-BR': 'Mão de obra – pintura', de: 'Arbeitslohn Lackierung' },
  mechanical: { 'pt-BR': 'Mão de obra – mecânica', de: 'Arbeitslohn Mechanik' },
  electrical: { 'pt-BR': 'Mão de obra – elétrica', de: 'Arbeitslohn Elektrik' },
};

export interface InvoiceArgs {
  invoice_id: string;
  issued_at: Date;
  appointment: Appointment;
  /** The estimate as the chosen dealer priced it. */
  estimate: RepairEstimate;
  seller: InvoiceParty;
  buyer: InvoiceParty;
  /** The next number of an issuer's series (the store's counter, in the booking's transaction). */
  next: (series: string) => number;
  /** Issued for a rehearsal booking (a replay): marked so, numbered in its own series. */
  rehearsal?: boolean;
  /** The market's IBPT shares (Brazil), to split the Lei 12.741 line between the documents. */
  approximate_shares?: Market['approximate_taxes'];
}

/** The 44-digit NF-e access key (simulated): UF, yymm, CNPJ digits, model 55, series, number,
 *  emission type, a code, and the mod-11 check digit of the 43 before it. */
export function accessKey(args: {
  uf: string;
  issued_at: Date;
  cnpj: string;
  series: string;
  number: number;
  code: number;
}): string {
  const ufCode = { SP: '35', RJ: '33' }[args.uf] ?? '35';
  const yymm = `${String(args.issued_at.getUTCFullYear()).slice(2)}${String(args.issued_at.getUTCMonth() + 1).padStart(2, '0')}`;
  // The alphanumeric CNPJ's letters count by their ASCII value − 48, as in its own check digits.
  const cnpj = [...args.cnpj.replace(/[./-]/g, '')]
    .map((c) => String((c.charCodeAt(0) - 48) % 10))
    .join('');
  const series = String(Number.parseInt(args.series, 10) || 0).padStart(3, '0');
  const body = `${ufCode}${yymm}${cnpj}55${series}${String(args.number).padStart(9, '0')}1${String(args.code).padStart(8, '0')}`;
  let weight = 2;
  let total = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    total += Number(body[i]) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const r = total % 11;
  return `${body}${r < 2 ? 0 : 11 - r}`;
}

/** "000.000.042": an NF-e number as a DANFE prints it. */
const nfeNumber = (n: number) =>
  String(n)
    .padStart(9, '0')
    .replace(/(\d{3})(\d{3})(\d{3})/, '$1.$2.$3');

function partLines(estimate: RepairEstimate, locale: 'pt-BR' | 'en' | 'de'): DocumentLine[] {
  const lines: DocumentLine[] = estimate.parts.map((p) => ({
    line_no: 0,
    code: p.part_number,
    description: p.part_name,
    quantity: p.quantity,
    unit: 'UN',
    unit_price: p.unit_price,
    amount: money(new Decimal(p.unit_price).times(p.quantity)),
    kind: 'part',
    tax_rate: null,
  }));
  for (const [key, amount] of Object.entries(estimate.other_totals)) {
    if (!PARTS_OTHERS.has(key)) continue;
    lines.push(otherLine(key, amount, locale));
  }
  return lines;
}

function otherLine(key: string, amount: string, locale: 'pt-BR' | 'en' | 'de'): DocumentLine {
  const name = OTHER_NAMES[key]?.[locale] ?? key;
  return {
    line_no: 0,
    code: null,
    description: name,
    quantity: 1,
    unit: 'SV',
    unit_price: amount,
    amount,
    kind: OTHER_KIND[key] ?? 'sublet',
    tax_rate: null,
  };
}

function serviceLines(estimate: RepairEstimate, locale: 'pt-BR' | 'de'): DocumentLine[] {
  const lines: DocumentLine[] = estimate.labor.map((l) => ({
    line_no: 0,
    code: locale === 'pt-BR' ? '14.01' : null,
    description: LABOUR_NAMES[l.category]?.[locale] ?? l.category,
    quantity: l.hours,
    unit: 'H',
    unit_price: l.rate,
    amount: l.amount,
    kind: 'labor',
    tax_rate: null,
  }));
  for (const [key, amount] of Object.entries(estimate.other_totals)) {
    if (PARTS_OTHERS.has(key)) continue;
    lines.push(otherLine(key, amount, locale));
  }
  return lines;
}

/** Numbered from 1, zero-amount lines left out. */
const numbered = (lines: DocumentLine[]) =>
  lines.filter((l) => !new Decimal(l.amount).isZero()).map((l, i) => ({ ...l, line_no: i + 1 }));

/** A Brazilian tax contained in a document's total ("por dentro"): rate × total. */
function containedTax(
  estimate: RepairEstimate,
  names: readonly string[],
  base: Decimal,
): FiscalDocument['tax_lines'] {
  return estimate.tax_lines
    .filter((t) => names.includes(t.name))
    .map((t) => ({
      name: t.name,
      rate: t.rate,
      base: money(base),
      amount: money(base.times(t.rate).dividedBy(100)),
      included: true,
    }));
}

function buildBrazil(args: InvoiceArgs, rehearsal: boolean): FiscalDocument[] {
  const { estimate, appointment, issued_at } = args;
  const supplied_on = appointment.slot_start.slice(0, 10);
  const notices = [
    'SIMULAÇÃO — DOCUMENTO SEM VALOR FISCAL. Emitido no evento VW para demonstração; nenhum tributo é devido.',
    ...(rehearsal ? [`${REHEARSAL_MARK}: ensaio da equipe, numeração própria.`] : []),
  ];
  const parts = numbered(partLines(estimate, 'pt-BR'));
  const services = numbered(serviceLines(estimate, 'pt-BR'));
  const partsTotal = sum(parts.map((l) => l.amount));
  const servicesTotal = sum(services.map((l) => l.amount));
  const approx = estimate.approximate_taxes;
  // The parts' share of the approximate taxes is their base × the market's IBPT shares for parts;
  // the services' is the rest of the estimate's line, so the two documents add up to what the
  // estimate said, to the cent.
  const shares = args.approximate_shares;
  const partsApprox =
    approx && shares
      ? (['federal', 'state', 'municipal'] as const).map((k) =>
          partsTotal
            .times(shares.parts[k])
            .dividedBy(100)
            .toDecimalPlaces(2, Decimal.ROUND_HALF_UP),
        )
      : null;
  const approxOf = (levels: Decimal[] | null, total: Decimal) =>
    approx && levels
      ? {
          federal: money(levels[0]!),
          state: money(levels[1]!),
          municipal: money(levels[2]!),
          total: money(sum(levels)),
          percent: total.isZero() ? '0.00' : sum(levels).dividedBy(total).times(100).toFixed(2),
          source: approx.source,
        }
      : null;
  const servicesApprox =
    approx && partsApprox
      ? (['federal', 'state', 'municipal'] as const).map((k, i) =>
          new Decimal(approx[k]).minus(partsApprox[i]!),
        )
      : null;
  const documents: FiscalDocument[] = [];
  if (parts.length > 0) {
    const series = seriesOf('nfe', rehearsal);
    const number = args.next(series);
    const tax_lines = containedTax(estimate, ['ICMS', 'FECP'], partsTotal);
    const tax = sum(tax_lines.map((t) => t.amount));
    documents.push({
      kind: 'nfe',
      title: 'DANFE – Documento Auxiliar da Nota Fiscal Eletrônica (peças)',
      series,
      number,
      display_number: nfeNumber(number),
      issued_at: issued_at.toISOString(),
      supplied_on,
      seller: args.seller,
      buyer: args.buyer,
      lines: parts,
      currency: estimate.currency,
      prices_include_tax: true,
      net_total: money(partsTotal.minus(tax)),
      tax_total: money(tax),
      grand_total: money(partsTotal),
      tax_lines,
      approximate_taxes: approxOf(partsApprox, partsTotal),
      service_code: null,
      access_key: accessKey({
        uf: args.seller.address_lines.join(' ').match(/\b(SP|RJ)\b/)?.[1] ?? 'SP',
        issued_at,
        cnpj: args.seller.tax_id ?? '',
        series: rehearsal ? '900' : series,
        number,
        code: (number * 7919) % 100_000_000,
      }),
      notices,
    });
  }
  // A repair with nothing to bill still gets its (empty) services document.
  if (services.length > 0 || parts.length === 0) {
    const series = seriesOf('nfse', rehearsal);
    const number = args.next(series);
    const tax_lines = containedTax(estimate, ['ISS'], servicesTotal);
    const tax = sum(tax_lines.map((t) => t.amount));
    documents.push({
      kind: 'nfse',
      title: 'NFS-e – Nota Fiscal de Serviços Eletrônica (mão de obra)',
      series,
      number,
      display_number: String(number).padStart(8, '0'),
      issued_at: issued_at.toISOString(),
      supplied_on,
      seller: args.seller,
      buyer: args.buyer,
      lines: services,
      currency: estimate.currency,
      prices_include_tax: true,
      net_total: money(servicesTotal.minus(tax)),
      tax_total: money(tax),
      grand_total: money(servicesTotal),
      tax_lines,
      approximate_taxes: approxOf(servicesApprox, servicesTotal),
      service_code: SERVICE_CODE,
      access_key: null,
      notices,
    });
  }
  return documents;
}

function buildGermany(args: InvoiceArgs, rehearsal: boolean): FiscalDocument[] {
  const { estimate, appointment, issued_at } = args;
  const lines = numbered([...partLines(estimate, 'de'), ...serviceLines(estimate, 'de')]).map(
    (l) => ({ ...l, tax_rate: estimate.tax_lines[0]?.rate ?? null }),
  );
  const net = sum(lines.map((l) => l.amount));
  // VAT per rate on the net total of that rate (§14 UStG), rounded half up.
  const rates = new Map<string, Decimal>();
  for (const l of lines)
    rates.set(
      l.tax_rate ?? '0.00',
      (rates.get(l.tax_rate ?? '0.00') ?? new Decimal(0)).plus(l.amount),
    );
  const tax_lines = [...rates].map(([rate, base]) => ({
    name: 'USt',
    rate,
    base: money(base),
    amount: money(base.times(rate).dividedBy(100)),
    included: false,
  }));
  const tax = sum(tax_lines.map((t) => t.amount));
  const series = seriesOf('rechnung', rehearsal);
  const number = args.next(series);
  return [
    {
      kind: 'rechnung',
      title: 'Rechnung',
      series,
      number,
      display_number: `${series}-${issued_at.getUTCFullYear()}-${String(number).padStart(6, '0')}`,
      issued_at: issued_at.toISOString(),
      supplied_on: appointment.slot_start.slice(0, 10),
      seller: args.seller,
      buyer: args.buyer,
      lines,
      currency: estimate.currency,
      prices_include_tax: false,
      net_total: money(net),
      tax_total: money(tax),
      grand_total: money(net.plus(tax)),
      tax_lines,
      approximate_taxes: null,
      service_code: null,
      access_key: null,
      notices: [
        'SIMULATION – KEINE RECHNUNG IM STEUERLICHEN SINNE. Auf der VW-Veranstaltung zur Vorführung erstellt; es ist nichts zu zahlen.',
        ...(rehearsal ? [`${REHEARSAL_MARK}: Probe des Teams, eigene Nummernfolge.`] : []),
      ],
    },
  ];
}

/** The issuing dealer as a document's seller. */
export function sellerOf(dealer: Dealer): InvoiceParty {
  return {
    name: dealer.name,
    tax_id: dealer.cnpj,
    tax_id_label: 'CNPJ',
    address_lines: [
      dealer.street,
      `${dealer.district} – ${dealer.city}/${dealer.state} – CEP ${dealer.cep}`,
    ],
  };
}

/** The attendee as a document's buyer: the name given with the booking (demo data), else the
 *  event's; a rehearsal's marked so. */
export function buyerOf(appointment: Appointment, rehearsal: boolean): InvoiceParty {
  const name = appointment.contact?.name ?? 'Participante do evento VW';
  return {
    name: rehearsal ? `${REHEARSAL_MARK} — ${name}` : name,
    tax_id: null,
    tax_id_label: 'CPF',
    address_lines: [
      'Dados de demonstração – evento Volkswagen do Brasil',
      ...(appointment.contact?.email ? [appointment.contact.email] : []),
    ],
  };
}

/** The invoice of a booking: its documents numbered by `next`, from the dealer's estimate. */
export function invoiceOfBooking(args: {
  appointment: Appointment;
  estimate: RepairEstimate;
  dealer: Dealer;
  market: Market | undefined;
  issued_at: Date;
  next: (series: string) => number;
}): Invoice {
  const rehearsal = args.appointment.status === 'rehearsal';
  return buildInvoice({
    invoice_id: invoiceIdOf(args.appointment.appointment_id),
    issued_at: args.issued_at,
    appointment: args.appointment,
    estimate: args.estimate,
    seller: sellerOf(args.dealer),
    buyer: buyerOf(args.appointment, rehearsal),
    next: args.next,
    rehearsal,
    approximate_shares: args.market?.approximate_taxes ?? null,
  });
}

export function buildInvoice(args: InvoiceArgs): Invoice {
  const rehearsal = args.rehearsal ?? false;
  const { estimate, appointment } = args;
  const documents = estimate.prices_include_tax
    ? buildBrazil(args, rehearsal)
    : buildGermany(args, rehearsal);
  const first = documents[0]!;
  const label = { nfe: 'NF-e', nfse: 'NFS-e', rechnung: 'Rechnung' }[first.kind];
  return {
    invoice_id: args.invoice_id,
    invoice_number: `${label} ${first.series}/${first.display_number}`,
    appointment_id: appointment.appointment_id,
    estimate_id: estimate.estimate_id,
    dealer_id: appointment.dealer_id,
    market: estimate.market,
    issued_at: args.issued_at.toISOString(),
    currency: estimate.currency,
    rehearsal,
    documents,
    grand_total: money(sum(documents.map((d) => d.grand_total))),
    approximate_taxes: estimate.approximate_taxes,
    illustrative: true,
  };
}
