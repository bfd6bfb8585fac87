/**
 * An invoice as one self-contained printable page: every fiscal document as it would be
 * printed (the NF-e as a boxed DANFE, the NFS-e in the same boxed form, the Rechnung as a German
 * business letter), the simulation notice as a banner on each. No external resource: the CSS is
 * inline, Inter is embedded as a data URL, a QR code comes in as an <img> (an SVG in an <img>
 * runs no script). On paper: A4, one document per page; on a 1920×1080 screen the sheets sit
 * side by side at a legible size.
 *
 * The documents speak their own language (a DANFE is Portuguese, a Rechnung German, money and
 * dates as their country writes them); `locale` chooses the language of the page around them.
 */
import { readFileSync } from 'node:fs';
import type { Invoice } from '../../machines/schemas.js';
import { money } from './format.js';
import { factShares, printedDocument, type PrintedDocument, type PrintedParty } from './printed.js';

export interface InvoiceHtmlOptions {
  /** The language of the page around the documents (heading, QR caption). */
  locale: 'pt-BR' | 'en';
  /** A QR code as SVG markup (e.g. from `qrcode`'s toString), shown with "Abra no celular". */
  qr_svg?: string;
  /** The server's public address: the page then links the invoice's PDF
   *  (`<base_url>/api/invoice/<appointment_id>?format=pdf`, as adapters/http serves it). */
  base_url?: string;
}

const CHROME = {
  'pt-BR': {
    invoice: 'Fatura',
    total: 'Total',
    simulation: 'Simulação — documentos sem valor fiscal, emitidos no evento Volkswagen do Brasil.',
    language: 'Cada documento é impresso no idioma e no formato do país emissor.',
    qr: 'Abra no celular',
    pdf: 'Baixar PDF',
  },
  en: {
    invoice: 'Invoice',
    total: 'Total',
    simulation:
      'Simulation — documents without fiscal value, issued at the Volkswagen do Brasil event.',
    language: "Each document is printed in the issuing country's language and format.",
    qr: 'Open on your phone',
    pdf: 'Download PDF',
  },
} as const;

/** Text as HTML: every character that could open markup or an attribute is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
const e = escapeHtml;

let fontFaces: string | undefined;
/** Inter 400 and 700 as data URLs, read once. */
function embeddedFonts(): string {
  fontFaces ??= ([400, 700] as const)
    .map((weight) => {
      const file = new URL(`./fonts/inter-latin-${weight}-normal.woff`, import.meta.url);
      const data = readFileSync(file).toString('base64');
      return `@font-face{font-family:'Inter';font-style:normal;font-weight:${weight};src:url(data:font/woff;base64,${data}) format('woff')}`;
    })
    .join('\n');
  return fontFaces;
}

const STYLE = `
:root { --ink:#111; --muted:#555; --line:#222; --soft:#f3f3f1; --alert:#b00020; --alert-bg:#fff3f3; }
* { box-sizing: border-box; }
html { font-family: 'Inter', 'Helvetica Neue', Arial, sans-serif; color: var(--ink); font-size: 14px; }
body { margin: 0; background: #d9dbdf; }
.page-head { display: flex; align-items: center; gap: 32px; padding: 20px 40px; background: #001e50; color: #fff; }
.page-head h1 { margin: 0; font-size: 26px; font-weight: 700; }
.page-head p { margin: 4px 0 0; font-size: 15px; opacity: .9; }
.page-head .summary { flex: 1; }
.page-head .grand { font-size: 30px; font-weight: 700; white-space: nowrap; }
.page-head a { color: #fff; font-weight: 700; }
.qr { margin: 0; text-align: center; background: #fff; color: var(--ink); padding: 8px; border-radius: 6px; }
.qr img { display: block; width: 132px; height: 132px; }
.qr figcaption { font-size: 13px; font-weight: 700; margin-top: 4px; }
.sheets { display: flex; flex-wrap: wrap; justify-content: center; align-items: flex-start; gap: 32px; padding: 32px 24px 48px; }
.sheet { width: 900px; max-width: 100%; background: #fff; padding: 28px 30px 32px; box-shadow: 0 2px 12px rgba(0,0,0,.25); }
.banner { border: 3px solid var(--alert); background: var(--alert-bg); color: var(--alert); font-weight: 700; padding: 10px 14px; margin-bottom: 14px; font-size: 1.05em; line-height: 1.35; }
.banner p { margin: 0; }
.banner p + p { margin-top: 4px; }
.num, .money { white-space: nowrap; font-variant-numeric: tabular-nums; }
.right { text-align: right; }
/* Boxed forms (DANFE, NFS-e) */
.section-title { font-size: .72em; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; margin: 10px 0 3px; }
.boxes { display: grid; border-top: 1px solid var(--line); border-left: 1px solid var(--line); }
.box { border-right: 1px solid var(--line); border-bottom: 1px solid var(--line); padding: 4px 7px 5px; min-width: 0; }
.box .label { display: block; font-size: .68em; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.box .value { display: block; font-size: .98em; overflow-wrap: anywhere; }
.box .value.strong { font-weight: 700; }
.head-grid { grid-template-columns: 1.45fr 1fr 1.45fr; }
.issuer .name { font-size: 1.2em; font-weight: 700; margin: 2px 0 4px; }
.issuer .line { font-size: .92em; line-height: 1.35; }
.doc-id { text-align: center; }
.doc-id .heading { font-size: 1.75em; font-weight: 700; letter-spacing: .02em; }
.doc-id .sub { font-size: .8em; line-height: 1.3; margin: 2px 0 6px; }
.doc-id .number { font-size: 1.1em; font-weight: 700; }
.access-key .value { font-family: 'Inter', monospace; font-weight: 700; font-size: 1.02em; letter-spacing: .03em; line-height: 1.5; }
.bars { display: block; height: 34px; margin: 4px 0 6px; background: repeating-linear-gradient(90deg, #111 0 2px, #fff 2px 3px, #111 3px 4px, #fff 4px 7px, #111 7px 10px, #fff 10px 11px); }
.bars-note { font-size: .7em; color: var(--muted); }
.box .fact + .fact { margin-top: 8px; }
.facts-grid { grid-auto-flow: column; }
.party-grid { grid-template-columns: 2fr 1.3fr; }
.totals-grid { grid-auto-flow: column; grid-auto-columns: 1fr; }
.totals-grid .value { text-align: right; }
.totals-grid .grand { background: var(--soft); }
.totals-grid .grand .value { font-weight: 700; font-size: 1.15em; }
.authority { text-align: center; font-weight: 700; font-size: 1.05em; padding: 6px; border: 1px solid var(--line); border-bottom: 0; }
table.lines { width: 100%; border-collapse: collapse; font-size: .92em; }
table.lines th { font-size: .72em; text-transform: uppercase; letter-spacing: .03em; text-align: left; background: var(--soft); border: 1px solid var(--line); padding: 4px 6px; }
table.lines td { border: 1px solid var(--line); border-top: 0; padding: 4px 6px; vertical-align: top; }
table.lines th.right, table.lines td.right { text-align: right; }
.additional { border: 1px solid var(--line); padding: 6px 8px; font-size: .9em; line-height: 1.4; }
.additional p { margin: 0 0 4px; }
.additional .ibpt { font-weight: 700; }
.service-code .value { font-size: .9em; line-height: 1.35; }
/* The German letter */
.letter .sender { font-size: .72em; color: var(--muted); border-bottom: 1px solid #999; display: inline-block; padding-bottom: 1px; margin-bottom: 6px; }
.letter .top { display: flex; justify-content: space-between; gap: 24px; margin-top: 8px; }
.letter .seller-head { text-align: right; }
.letter .seller-head .name { font-size: 1.35em; font-weight: 700; }
.letter .label-small { font-size: .68em; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.letter .recipient .name { font-weight: 700; }
.letter .recipient div, .letter .seller-head div { line-height: 1.4; }
.letter .facts { border-collapse: collapse; }
.letter .facts td { padding: 2px 0; }
.letter .facts td:first-child { color: var(--muted); padding-right: 16px; }
.letter h2 { font-size: 1.6em; margin: 22px 0 12px; }
.letter table.lines td, .letter table.lines th { border-left: 0; border-right: 0; }
.letter .sum { margin: 10px 0 0 auto; border-collapse: collapse; min-width: 48%; }
.letter .sum td { padding: 3px 0 3px 24px; }
.letter .sum td:last-child { text-align: right; }
.letter .sum tr.grand td { border-top: 2px solid var(--line); font-weight: 700; font-size: 1.15em; padding-top: 6px; }
.letter .remarks { margin-top: 18px; font-size: .88em; color: var(--muted); }
.letter .remarks p { margin: 0 0 3px; }
.letter footer { margin-top: 22px; padding-top: 8px; border-top: 1px solid #999; font-size: .78em; color: var(--muted); display: flex; gap: 28px; }
@media print {
  @page { size: A4; margin: 10mm; }
  html { font-size: 8.6pt; }
  body { background: #fff; }
  .page-head { display: none; }
  .sheets { display: block; padding: 0; }
  .sheet { width: auto; box-shadow: none; padding: 0; break-after: page; page-break-after: always; }
  .sheet:last-child { break-after: auto; page-break-after: auto; }
  table.lines tr { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;

const box = (label: string, value: string, cls = '', strong = false) =>
  `<div class="box ${cls}"><span class="label">${e(label)}</span><span class="value${strong ? ' strong' : ''}">${value}</span></div>`;

function linesTable(p: PrintedDocument): string {
  const head = p.columns
    .map(
      (c) =>
        `<th class="${c.align === 'right' ? 'right' : ''}" style="width:${(c.width * 100).toFixed(1)}%">${e(c.label)}</th>`,
    )
    .join('');
  const rows = p.rows
    .map(
      (row) =>
        `<tr>${row
          .map((cell, i) => {
            const right = p.columns[i]?.align === 'right';
            return `<td class="${right ? 'right num' : ''}">${e(cell)}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('');
  return `<table class="lines"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** A paragraph's text, an amount never broken between "R$" and its figures. */
const prose = (text: string) => e(text).replace(/R\$ /g, () => 'R$&nbsp;');

const banner = (p: PrintedDocument) =>
  `<div class="banner" role="note">${p.notices.map((n) => `<p>${e(n)}</p>`).join('')}</div>`;

const partyLines = (party: PrintedParty) =>
  party.lines.map((l) => `<div class="line">${e(l)}</div>`).join('');

/** DANFE and NFS-e: the boxed form of Brazilian fiscal documents. */
function boxedDocument(p: PrintedDocument): string {
  const isNfe = p.kind === 'nfe';
  const idBox = `<div class="box doc-id">
      <div class="heading">${e(p.heading)}</div>
      <div class="sub">${e(p.title)}</div>
      <div class="number">${e(p.number)}</div>
      <div>${e(p.series)}</div>
    </div>`;
  const keyBox = p.access_key
    ? `<div class="box access-key"><span class="bars" aria-hidden="true"></span><span class="label">${e(p.access_key.label)}</span><span class="value">${e(p.access_key.value)}</span><span class="bars-note">Simulação: chave não consultável no portal da NF-e.</span></div>`
    : `<div class="box">${p.facts
        .slice(0, 2)
        .map(
          (f) =>
            `<div class="fact"><span class="label">${e(f.label)}</span><span class="value strong">${e(f.value)}</span></div>`,
        )
        .join('')}</div>`;
  const facts = isNfe ? p.facts : p.facts.slice(2);
  const service = p.service
    ? `<div class="section-title">Serviço</div><div class="boxes">${box(p.service.label, e(p.service.value), 'service-code')}</div>`
    : '';
  const party = (party: PrintedParty, title: string) => `
    <div class="section-title">${e(title)}</div>
    <div class="boxes party-grid">
      ${box('Nome / razão social', e(party.name), '', true)}
      ${box('CPF / CNPJ', e(party.lines.find((l) => /^(CPF|CNPJ)\b/.test(l)) ?? '—'))}
    </div>
    <div class="boxes">${box(
      'Endereço / contato',
      party.lines
        .filter((l) => !/^(CPF|CNPJ)\b/.test(l))
        .map(e)
        .join(' · ') || '—',
    )}</div>`;
  return `<article class="sheet sheet--${p.kind}" lang="pt-BR" aria-label="${e(`${p.heading} ${p.number}`)}">
  ${banner(p)}
  ${p.authority ? `<div class="authority">${e(p.authority)}</div>` : ''}
  <div class="boxes head-grid">
    <div class="box issuer"><span class="label">${e(p.issuer.heading)}</span>
      <div class="name">${e(p.issuer.name)}</div>${partyLines(p.issuer)}</div>
    ${idBox}
    ${keyBox}
  </div>
  ${
    facts.length
      ? `<div class="boxes facts-grid" style="grid-template-columns:${factShares(facts)
          .map((s) => `${s.toFixed(3)}fr`)
          .join(' ')}">${facts.map((f) => box(f.label, e(f.value))).join('')}</div>`
      : ''
  }
  ${party(p.buyer, p.buyer.heading)}
  ${service}
  <div class="section-title">${isNfe ? 'Cálculo do imposto' : 'Valores'}</div>
  <div class="boxes totals-grid">${p.totals
    .map((t) => box(t.label, `<span class="money">${e(t.value)}</span>`, t.grand ? 'grand' : ''))
    .join('')}</div>
  <div class="section-title">${isNfe ? 'Dados dos produtos' : 'Discriminação dos serviços'}</div>
  ${linesTable(p)}
  <div class="section-title">Dados adicionais</div>
  <div class="additional">
    ${p.approximate_taxes ? `<p class="ibpt">${prose(p.approximate_taxes)}</p>` : ''}
    ${p.remarks.map((r) => `<p>${prose(r)}</p>`).join('')}
  </div>
</article>`;
}

/** The Rechnung: a German business letter with every §14 UStG field. */
function letterDocument(p: PrintedDocument): string {
  const sum = p.totals
    .map(
      (t) =>
        `<tr class="${t.grand ? 'grand' : ''}"><td>${e(t.label)}</td><td class="money">${e(t.value)}</td></tr>`,
    )
    .join('');
  return `<article class="sheet sheet--${p.kind} letter" lang="de-DE" aria-label="${e(`${p.heading} ${p.number}`)}">
  ${banner(p)}
  <div class="top">
    <div class="recipient">
      <div class="sender">${e([p.issuer.name, ...p.issuer.lines.slice(0, 2)].join(' · '))}</div>
      <div class="label-small">${e(p.buyer.heading)}</div>
      <div class="name">${e(p.buyer.name)}</div>
      ${p.buyer.lines.map((l) => `<div>${e(l)}</div>`).join('')}
    </div>
    <div>
      <div class="seller-head"><div class="name">${e(p.issuer.name)}</div>${p.issuer.lines.map((l) => `<div>${e(l)}</div>`).join('')}</div>
      <table class="facts" style="margin:14px 0 0 auto">${p.facts
        .map((f) => `<tr><td>${e(f.label)}</td><td><strong>${e(f.value)}</strong></td></tr>`)
        .join('')}</table>
    </div>
  </div>
  <h2>${e(p.heading)} ${e(p.number)}</h2>
  ${linesTable(p)}
  <table class="sum">${sum}</table>
  <div class="remarks">${p.remarks.map((r) => `<p>${e(r)}</p>`).join('')}</div>
  <footer>
    <div><strong>${e(p.issuer.name)}</strong><br>${p.issuer.lines.map(e).join('<br>')}</div>
    <div>${e(p.series)}<br>${e(p.number)}</div>
  </footer>
</article>`;
}

/** The PDF link of an invoice under the server's public address. */
function pdfLink(base_url: string, invoice: Invoice): string | null {
  try {
    const url = new URL(
      `api/invoice/${encodeURIComponent(invoice.appointment_id)}?format=pdf`,
      base_url.endsWith('/') ? base_url : `${base_url}/`,
    );
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The invoice as a complete, self-contained printable HTML page. */
export function invoiceHtml(invoice: Invoice, options: InvoiceHtmlOptions): string {
  const chrome = CHROME[options.locale];
  const printed = invoice.documents.map((d) => printedDocument(d, invoice));
  const docs = printed
    .map((p) => (p.kind === 'rechnung' ? letterDocument(p) : boxedDocument(p)))
    .join('\n');
  const qr = options.qr_svg
    ? `<figure class="qr"><img alt="QR code" src="data:image/svg+xml;base64,${Buffer.from(options.qr_svg).toString('base64')}"><figcaption>${e(chrome.qr)}</figcaption></figure>`
    : '';
  const link = options.base_url ? pdfLink(options.base_url, invoice) : null;
  const names = printed.map((p) => `${p.heading} ${p.number}`).join(' · ');
  return `<!doctype html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${chrome.invoice}: ${invoice.invoice_number}`)}</title>
<style>
${embeddedFonts()}
${STYLE}
</style>
</head>
<body>
<header class="page-head">
  <div class="summary">
    <h1>${e(`${chrome.invoice}: ${invoice.invoice_number}`)}</h1>
    <p>${e(names)}</p>
    <p>${e(chrome.simulation)} ${e(chrome.language)}</p>
    ${link ? `<p><a href="${e(link)}">${e(chrome.pdf)}</a></p>` : ''}
  </div>
  <div class="grand">${e(chrome.total)} ${e(money(invoice.grand_total, invoice.currency))}</div>
  ${qr}
</header>
<main class="sheets">
${docs}
</main>
</body>
</html>
`;
}
