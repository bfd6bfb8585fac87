import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decimal, money } from '../../../adapters/invoicing/format.js';
import { invoiceHtml } from '../../../adapters/invoicing/html.js';
import { invoicePdf } from '../../../adapters/invoicing/pdf.js';
import type { FiscalDocument, Invoice } from '../../../machines/schemas.js';
import { BIG_CRASH, brazilianInvoice, germanInvoice } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'invoicing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** Writes the PDF where poppler can read it. */
async function pdfFile(invoice: Invoice): Promise<{ path: string; bytes: Buffer }> {
  const bytes = await invoicePdf(invoice);
  const path = join(dir, `invoice-${++n}.pdf`);
  writeFileSync(path, bytes);
  return { path, bytes };
}

const poppler = (tool: string, ...args: string[]) => execFileSync(tool, args, { encoding: 'utf8' });
const pdfText = (path: string, page?: number) =>
  poppler('pdftotext', ...(page ? ['-f', String(page), '-l', String(page)] : []), path, '-');
/** pdfinfo's "Key: value" lines. */
function pdfInfo(path: string): Record<string, string> {
  return Object.fromEntries(
    poppler('pdfinfo', path)
      .split('\n')
      .map((l) => l.match(/^([^:]+):\s*(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1]!, m[2]!]),
  );
}

/** An HTML fragment's text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
const textOf = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** The <article> of one document. */
function articleOf(html: string, kind: FiscalDocument['kind']): string {
  const found = html.match(new RegExp(`<article class="sheet sheet--${kind}[\\s\\S]*?</article>`));
  expect(found, `an article for the ${kind}`).not.toBeNull();
  return found![0];
}

/** "31.00" → "31%", "24.94" → "24,94%". */
const percent = (p: string) => `${p.replace(/\.00$/, '').replace('.', ',')}%`;

const brazil = brazilianInvoice();
const germany = germanInvoice();

describe('money and numbers as each country prints them', () => {
  it('formats reais and euros from decimal strings, grouping thousands', () => {
    expect(money('1234.56', 'BRL')).toBe('R$ 1.234,56');
    expect(money('27002.46', 'EUR')).toBe('27.002,46 €');
    expect(money('1234567.005', 'BRL')).toBe('R$ 1.234.567,01');
    expect(money('-0.50', 'EUR')).toBe('-0,50 €');
    expect(decimal('5.6')).toBe('5,60');
  });
});

describe('invoicePdf', () => {
  it.each([
    ['Brazil (NF-e + NFS-e)', brazil],
    ['Germany (Rechnung)', germany],
  ])('%s: a valid A4 PDF, a page per document, with its metadata', async (_name, invoice) => {
    const { path, bytes } = await pdfFile(invoice);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.subarray(-8).toString('latin1')).toContain('%%EOF');
    const info = pdfInfo(path);
    expect(Number(info.Pages)).toBeGreaterThanOrEqual(invoice.documents.length);
    expect(info['Page size']).toContain('595.28 x 841.89 pts (A4)');
    expect(info.Title).toContain(invoice.invoice_number);
    expect(info.Author).toBe(invoice.documents[0]!.seller.name);
    expect(info.Subject).toBe('Simulação sem valor fiscal');
    expect(new Date(info.CreationDate!).getTime()).toBe(
      new Date(invoice.issued_at).setUTCSeconds(0, 0),
    );
  });

  it('prints the Brazilian documents: numbers, totals, access key, Lei 12.741 line, notice', async () => {
    const { path } = await pdfFile(brazil);
    const text = pdfText(path).replace(/\s+/g, ' ');
    const [nfe, nfse] = brazil.documents;
    expect(nfe!.kind).toBe('nfe');
    expect(nfse!.kind).toBe('nfse');
    for (const doc of brazil.documents) {
      expect(text).toContain(`Nº ${doc.display_number}`);
      expect(text).toContain(money(doc.grand_total, 'BRL'));
    }
    // The repair's total, as formatted ("R$ 17.489,20"), on the documents that split it.
    expect(text).toContain(`= total ${money(brazil.grand_total, 'BRL')}`);
    expect(text).toContain(nfe!.access_key!.match(/\d{4}/g)!.slice(0, 4).join(' '));
    for (const doc of brazil.documents) {
      const a = doc.approximate_taxes!;
      expect(text).toContain(
        `Valor aproximado dos tributos: ${money(a.total, 'BRL')} (${percent(a.percent)}) – ` +
          `Federal ${money(a.federal, 'BRL')} | Estadual ${money(a.state, 'BRL')} | ` +
          `Municipal ${money(a.municipal, 'BRL')} – Fonte: IBPT`,
      );
    }
    expect(text).toContain('14.01 / 140101');
    // The notice heads each document's first page.
    expect(pdfText(path, 1)).toContain('SIMULAÇÃO — DOCUMENTO SEM VALOR FISCAL');
    expect(pdfText(path, 2)).toContain('SIMULAÇÃO — DOCUMENTO SEM VALOR FISCAL');
  });

  it('prints the Rechnung: its number, the gross total formatted in German, the notice', async () => {
    const { path } = await pdfFile(germany);
    const text = pdfText(path);
    const doc = germany.documents[0]!;
    expect(text).toContain(doc.display_number);
    expect(text).toContain(decimal(germany.grand_total)); // "8.872,02"
    expect(text).toContain(money(germany.grand_total, 'EUR'));
    expect(text).toContain('Umsatzsteuer 19 %');
    expect(text).toContain('SIMULATION – KEINE RECHNUNG IM STEUERLICHEN SINNE');
  });

  it('embeds Inter (regular and bold) as subsets', async () => {
    const { path } = await pdfFile(brazil);
    const fonts = poppler('pdffonts', path)
      .split('\n')
      .slice(2)
      .filter((l) => l.trim());
    const inter = fonts.filter((l) => /\+Inter-(Regular|Bold)\s/.test(l));
    expect(inter).toHaveLength(2);
    // name, type…, emb, sub, uni: every font embedded.
    for (const l of fonts) expect(l).toMatch(/\syes\s+yes\s+yes\s/);
  });

  it('runs a long document onto further pages, the table header and the notice repeated', async () => {
    const big = brazilianInvoice({ hits: BIG_CRASH });
    const nfe = big.documents[0]!;
    expect(nfe.lines.length).toBeGreaterThan(25);
    const { path } = await pdfFile(big);
    const pages = Number(pdfInfo(path).Pages);
    expect(pages).toBeGreaterThan(big.documents.length);
    const page2 = pdfText(path, 2);
    expect(page2).toContain(`DANFE Nº ${nfe.display_number} (continuação)`);
    expect(page2).toContain('SIMULAÇÃO — DOCUMENTO SEM VALOR FISCAL');
    expect(page2).toContain('DESCRIÇÃO DO PRODUTO');
    const text = pdfText(path);
    for (const line of nfe.lines) if (line.code) expect(text).toContain(line.code);
    expect(text).toContain('página 1/2');
  });

  it('gives the same bytes for the same invoice', async () => {
    const [a, b] = await Promise.all([invoicePdf(germany), invoicePdf(germany)]);
    expect(a.equals(b)).toBe(true);
  });
});

describe('invoiceHtml', () => {
  const html = invoiceHtml(brazil, { locale: 'pt-BR' });

  it('is a complete page that loads nothing from outside', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="pt-BR">');
    expect(html).toContain('</html>');
    expect(html).not.toMatch(/<(link|script|iframe)\b/i);
    expect(html).not.toMatch(/\b(src|href)="(?!data:)/i);
    expect(html).not.toMatch(/url\((?!data:)/i);
    expect(html).toMatch(/@media print\s*\{\s*@page\s*\{\s*size:\s*A4/);
    expect(html).toContain('break-after: page');
  });

  it('prints every §14 UStG field on the Rechnung', () => {
    const doc = germany.documents[0]!;
    const text = textOf(articleOf(invoiceHtml(germany, { locale: 'en' }), 'rechnung'));
    // Names and addresses of seller and buyer; the seller's VAT id.
    for (const s of [
      'Autohaus Am Ring GmbH',
      'Hohenzollernring 10',
      '50672 Köln',
      'Erika Mustermann',
      'Heidestraße 17',
      '51147 Köln',
      'USt-IdNr. DE123456789',
    ])
      expect(text).toContain(s);
    // Issue date, the sequential number, the date of supply.
    expect(text).toContain('Rechnungsdatum 02.03.2026');
    expect(text).toContain(`Rechnungsnummer ${doc.display_number}`);
    expect(text).toContain('Leistungsdatum 04.03.2026');
    // Quantity and kind of every line (hours with two decimals).
    for (const line of doc.lines) expect(text).toContain(line.description);
    const labour = doc.lines.find((l) => l.unit === 'H')!;
    expect(text).toContain(`${labour.description} ${decimal(labour.quantity)} Std.`);
    // Net per rate, the rate, the VAT, the gross total.
    const vat = doc.tax_lines[0]!;
    expect(text).toContain(`Nettobetrag zu 19 % ${money(vat.base, 'EUR')}`);
    expect(text).toContain(`Umsatzsteuer 19 % ${money(vat.amount, 'EUR')}`);
    expect(text).toContain(`Gesamtbetrag (brutto) ${money(doc.grand_total, 'EUR')}`);
    expect(text).toContain('SIMULATION – KEINE RECHNUNG IM STEUERLICHEN SINNE');
  });

  it('prints the Lei 12.741 line on each Brazilian document, with the NFS-e service code', () => {
    for (const doc of brazil.documents) {
      const a = doc.approximate_taxes!;
      const text = textOf(articleOf(html, doc.kind));
      expect(text).toContain(
        `Valor aproximado dos tributos: ${money(a.total, 'BRL')} (${percent(a.percent)}) – ` +
          `Federal ${money(a.federal, 'BRL')} | Estadual ${money(a.state, 'BRL')} | ` +
          `Municipal ${money(a.municipal, 'BRL')} – Fonte: IBPT`,
      );
      expect(text).toContain(money(doc.grand_total, 'BRL'));
      expect(text).toContain('SIMULAÇÃO — DOCUMENTO SEM VALOR FISCAL');
    }
    expect(textOf(articleOf(html, 'nfe'))).toContain('Data de emissão 02/03/2026 10:05');
    expect(textOf(articleOf(html, 'nfe'))).toContain('Data de saída/entrega 04/03/2026');
    expect(textOf(articleOf(html, 'nfse'))).toContain('Data da prestação 04/03/2026');
    expect(textOf(articleOf(html, 'nfse'))).toContain('14.01 / 140101 – Lubrificação');
    const key = brazil.documents[0]!.access_key!;
    expect(textOf(articleOf(html, 'nfe'))).toContain(key.match(/\d{4}/g)!.join(' '));
  });

  it('escapes every text: a buyer named <script> stays text', () => {
    const name = '<script>alert("x")</script> & Cia';
    const page = invoiceHtml(brazilianInvoice({ buyer_name: name }), { locale: 'en' });
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cia');
    expect(textOf(articleOf(page, 'nfe'))).toContain(name);
  });

  it('shows a QR code as an image with its caption, and links the PDF under base_url', () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>';
    const page = invoiceHtml(brazil, {
      locale: 'pt-BR',
      qr_svg: svg,
      base_url: 'http://192.168.0.10:8080',
    });
    expect(page).toContain(
      `src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}"`,
    );
    expect(page).toContain('Abra no celular');
    expect(page).not.toContain('<svg');
    expect(page).toContain(
      `href="http://192.168.0.10:8080/api/invoice/${brazil.appointment_id}?format=pdf"`,
    );
    expect(invoiceHtml(brazil, { locale: 'en', qr_svg: svg })).toContain('Open on your phone');
    expect(html).not.toContain('Abra no celular');
  });
});
