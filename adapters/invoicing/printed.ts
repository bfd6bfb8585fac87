/**
 * What a fiscal document prints, worded and formatted once for both renderers (HTML and PDF):
 * the labels of a DANFE, an NFS-e or a Rechnung in the document's own language, every amount
 * and date already formatted, the notices first. The renderers only lay it out.
 */
import type { FiscalDocument, Invoice, InvoiceParty } from '../../machines/schemas.js';
import {
  accessKeyBlocks,
  date,
  dateTime,
  money,
  quantity,
  rate,
  type DocumentLocale,
} from './format.js';

export interface PrintedField {
  label: string;
  value: string;
}

export interface PrintedParty {
  heading: string;
  name: string;
  /** The address lines as given, then the tax id ("CNPJ 53.464.097/0001-50"). */
  lines: string[];
}

export interface PrintedColumn {
  label: string;
  align: 'left' | 'right';
  /** Share of the table's width. */
  width: number;
}

export interface PrintedTotal extends PrintedField {
  /** The document's total: printed larger. */
  grand: boolean;
}

export interface PrintedDocument {
  kind: FiscalDocument['kind'];
  lang: DocumentLocale;
  /** "DANFE", "NFS-e", "Rechnung". */
  heading: string;
  /** The document's own title (FiscalDocument.title), without a repeat of the heading. */
  title: string;
  /** The issuing authority, NFS-e only ("Prefeitura do Município de São Paulo"). */
  authority: string | null;
  /** "Nº 000.000.042", "Nr. RE-2026-000137". */
  number: string;
  /** "Série 1", "Serie RE". */
  series: string;
  /** Printed plainly and prominently: the simulation notice first. */
  notices: string[];
  issuer: PrintedParty;
  buyer: PrintedParty;
  /** Issue date, date of supply and what else the document states in its header. */
  facts: PrintedField[];
  /** The NF-e access key in blocks of four. */
  access_key: PrintedField | null;
  /** The NFS-e's service code and what LC 116 calls it. */
  service: PrintedField | null;
  columns: PrintedColumn[];
  rows: string[][];
  /** Net, tax per rate, total: the document's total last. */
  totals: PrintedTotal[];
  /** Lei 12.741: "Valor aproximado dos tributos: R$ X (Y%) – Federal … – Fonte: IBPT". */
  approximate_taxes: string | null;
  remarks: string[];
}

/** How wide each header fact's box is, as shares: by the longer of its label and value. */
export function factShares(facts: readonly PrintedField[]): number[] {
  const weights = facts.map((f) => Math.min(40, Math.max(20, f.label.length, f.value.length)));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** LC 116/2003's wording of the items the documents use. */
const LC116: Record<string, string> = {
  '14.01':
    'Lubrificação, limpeza, lustração, revisão, carga e recarga, conserto, restauração, ' +
    'blindagem, manutenção e conservação de máquinas, veículos, aparelhos, equipamentos, ' +
    'motores, elevadores ou de qualquer objeto (exceto peças e partes empregadas, que ficam ' +
    'sujeitas ao ICMS).',
};

const UNITS: Record<DocumentLocale, Record<'UN' | 'H' | 'SV', string>> = {
  'pt-BR': { UN: 'UN', H: 'H', SV: 'SV' },
  'de-DE': { UN: 'Stk.', H: 'Std.', SV: 'pausch.' },
};

function party(p: InvoiceParty, heading: string): PrintedParty {
  return {
    heading,
    name: p.name,
    lines: [...p.address_lines, ...(p.tax_id ? [`${p.tax_id_label} ${p.tax_id}`] : [])],
  };
}

/** The city an NFS-e's issuer sits in, read from its printed address ("…São Paulo/SP…"). */
function authorityOf(seller: InvoiceParty): string {
  const city = seller.address_lines
    .join(' – ')
    .match(/([^–]+)\/(?:[A-Z]{2})\b/)?.[1]
    ?.trim();
  if (city === 'São Paulo') return 'Prefeitura do Município de São Paulo – NFS-e Paulistana';
  if (city === 'Rio de Janeiro') return 'Prefeitura da Cidade do Rio de Janeiro – Nota Carioca';
  return city ? `Prefeitura Municipal de ${city}` : 'Prefeitura Municipal';
}

function lei12741(doc: FiscalDocument): string | null {
  const a = doc.approximate_taxes;
  if (!a) return null;
  const brl = (v: string) => money(v, doc.currency);
  return (
    `Valor aproximado dos tributos: ${brl(a.total)} (${rate(a.percent, 'pt-BR')}) – ` +
    `Federal ${brl(a.federal)} | Estadual ${brl(a.state)} | Municipal ${brl(a.municipal)} – ` +
    `Fonte: ${a.source}`
  );
}

function rowsOf(doc: FiscalDocument, lang: DocumentLocale): string[][] {
  return doc.lines.map((l) => [
    String(l.line_no),
    l.code ?? '–',
    l.description,
    quantity(l.quantity, l.unit),
    UNITS[lang][l.unit],
    money(l.unit_price, doc.currency),
    money(l.amount, doc.currency),
  ]);
}

const BRAZIL_COLUMNS = (description: string): PrintedColumn[] => [
  { label: 'Item', align: 'right', width: 0.05 },
  { label: 'Código', align: 'left', width: 0.16 },
  { label: description, align: 'left', width: 0.37 },
  { label: 'Qtd.', align: 'right', width: 0.07 },
  { label: 'Un.', align: 'left', width: 0.05 },
  { label: 'Valor unit.', align: 'right', width: 0.15 },
  { label: 'Valor total', align: 'right', width: 0.15 },
];

/** Taxes contained in a Brazilian price: net, each tax with its rate, the total. */
function containedTotals(doc: FiscalDocument, totalLabel: string): PrintedTotal[] {
  const brl = (v: string) => money(v, doc.currency);
  const names = doc.tax_lines.map((t) => t.name).join('/') || 'tributos';
  return [
    { label: `Valor sem ${names}`, value: brl(doc.net_total), grand: false },
    ...doc.tax_lines.map((t) => ({
      label: `${t.name} ${rate(t.rate, 'pt-BR')} (incluído)`,
      value: brl(t.amount),
      grand: false,
    })),
    { label: totalLabel, value: brl(doc.grand_total), grand: true },
  ];
}

function nfe(doc: FiscalDocument): PrintedDocument {
  const lang = 'pt-BR';
  const taxes = doc.tax_lines.map((t) => `${t.name} ${rate(t.rate, lang)}`).join(' e ');
  return {
    kind: doc.kind,
    lang,
    heading: 'DANFE',
    title: doc.title,
    authority: null,
    number: `Nº ${doc.display_number}`,
    series: `Série ${doc.series}`,
    notices: doc.notices,
    issuer: party(doc.seller, 'Emitente'),
    buyer: party(doc.buyer, 'Destinatário'),
    facts: [
      { label: 'Natureza da operação', value: 'Venda de peças aplicadas em reparo de veículo' },
      { label: 'Tipo', value: '1 – Saída' },
      { label: 'Data de emissão', value: dateTime(doc.issued_at, lang) },
      { label: 'Data de saída/entrega', value: date(doc.supplied_on, lang) },
      { label: 'Protocolo de autorização', value: 'Não autorizada – simulação' },
    ],
    access_key: doc.access_key
      ? { label: 'Chave de acesso', value: accessKeyBlocks(doc.access_key) }
      : null,
    service: null,
    columns: BRAZIL_COLUMNS('Descrição do produto'),
    rows: rowsOf(doc, lang),
    totals: containedTotals(doc, 'Valor total da nota'),
    approximate_taxes: lei12741(doc),
    remarks: [
      `Preços com tributos incluídos: ${taxes || 'ICMS'} contido(s) no valor dos produtos.`,
      'Números de peça, preços e concessionária são ilustrativos (evento Volkswagen do Brasil).',
    ],
  };
}

function nfse(doc: FiscalDocument): PrintedDocument {
  const lang = 'pt-BR';
  const item = doc.service_code?.split('/')[0]?.trim() ?? '';
  return {
    kind: doc.kind,
    lang,
    heading: 'NFS-e',
    title: doc.title,
    authority: authorityOf(doc.seller),
    number: `Nº ${doc.display_number}`,
    series: `Série ${doc.series}`,
    notices: doc.notices,
    issuer: party(doc.seller, 'Prestador de serviços'),
    buyer: party(doc.buyer, 'Tomador de serviços'),
    facts: [
      { label: 'Data e hora de emissão', value: dateTime(doc.issued_at, lang) },
      { label: 'Data da prestação', value: date(doc.supplied_on, lang) },
      { label: 'Código de verificação', value: 'Simulação – não verificável' },
    ],
    access_key: null,
    service: doc.service_code
      ? {
          label: 'Código do serviço (LC 116/2003 / nacional)',
          value: `${doc.service_code}${LC116[item] ? ` – ${LC116[item]}` : ''}`,
        }
      : null,
    columns: BRAZIL_COLUMNS('Discriminação dos serviços'),
    rows: rowsOf(doc, lang),
    totals: containedTotals(doc, 'Valor total do serviço'),
    approximate_taxes: lei12741(doc),
    remarks: [
      'ISS contido no valor dos serviços. Peças empregadas no reparo constam da NF-e (ICMS).',
      'Preços e concessionária são ilustrativos (evento Volkswagen do Brasil).',
    ],
  };
}

function rechnung(doc: FiscalDocument): PrintedDocument {
  const lang = 'de-DE';
  const eur = (v: string) => money(v, doc.currency);
  const perRate = doc.tax_lines.flatMap((t) => [
    { label: `Nettobetrag zu ${rate(t.rate, lang)}`, value: eur(t.base), grand: false },
    { label: `Umsatzsteuer ${rate(t.rate, lang)}`, value: eur(t.amount), grand: false },
  ]);
  return {
    kind: doc.kind,
    lang,
    heading: doc.title,
    title: doc.title,
    authority: null,
    number: `Nr. ${doc.display_number}`,
    series: `Serie ${doc.series}`,
    notices: doc.notices,
    issuer: party(doc.seller, 'Leistender Unternehmer'),
    buyer: party(doc.buyer, 'Rechnungsempfänger'),
    facts: [
      { label: 'Rechnungsnummer', value: doc.display_number },
      { label: 'Rechnungsdatum', value: date(doc.issued_at.slice(0, 10), lang) },
      { label: 'Leistungsdatum', value: date(doc.supplied_on, lang) },
      ...(doc.seller.tax_id ? [{ label: doc.seller.tax_id_label, value: doc.seller.tax_id }] : []),
    ],
    access_key: null,
    service: null,
    columns: [
      { label: 'Pos.', align: 'right', width: 0.05 },
      { label: 'Art.-Nr.', align: 'left', width: 0.16 },
      { label: 'Bezeichnung', align: 'left', width: 0.36 },
      { label: 'Menge', align: 'right', width: 0.08 },
      { label: 'Einheit', align: 'left', width: 0.08 },
      { label: 'Einzelpreis', align: 'right', width: 0.135 },
      { label: 'Betrag (netto)', align: 'right', width: 0.135 },
    ],
    rows: rowsOf(doc, lang),
    totals: [
      ...(doc.tax_lines.length > 1
        ? [{ label: 'Nettobetrag gesamt', value: eur(doc.net_total), grand: false }]
        : []),
      ...perRate,
      { label: 'Gesamtbetrag (brutto)', value: eur(doc.grand_total), grand: true },
    ],
    approximate_taxes: null,
    remarks: [
      'Leistungsdatum: Tag der Fahrzeugannahme in der Werkstatt.',
      'Teilenummern, Preise und Autohaus sind fiktiv (VW-Veranstaltung).',
    ],
  };
}

/** Where a repair is billed on two documents, each names the other and the repair's total. */
function splitRemark(doc: FiscalDocument, invoice: Invoice): string[] {
  if (invoice.documents.length < 2 || doc.kind === 'rechnung') return [];
  const what = { nfe: 'peças', nfse: 'serviços', rechnung: 'Rechnung' };
  const parts = invoice.documents.map(
    (d) =>
      `${d.kind === 'nfe' ? 'DANFE' : 'NFS-e'} Nº ${d.display_number} (${what[d.kind]}) ${money(d.grand_total, d.currency)}`,
  );
  return [
    `Reparo faturado em ${invoice.documents.length} documentos: ${parts.join(' + ')} = total ${money(invoice.grand_total, invoice.currency)}.`,
  ];
}

/** A fiscal document of an invoice as printed, in its own language. */
export function printedDocument(doc: FiscalDocument, invoice: Invoice): PrintedDocument {
  const printed = doc.kind === 'nfe' ? nfe(doc) : doc.kind === 'nfse' ? nfse(doc) : rechnung(doc);
  // "DANFE – Documento Auxiliar …" under the heading "DANFE" says it once.
  const title = printed.title.replace(new RegExp(`^${printed.heading}\\s*[–-]\\s*`), '');
  return { ...printed, title, remarks: [...splitRemark(doc, invoice), ...printed.remarks] };
}
