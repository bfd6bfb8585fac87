/**
 * An invoice as an A4 PDF (pdfkit): each fiscal document from its own page, with the same
 * content as the HTML page (printed.ts words it once): the NF-e as a boxed DANFE, the NFS-e in
 * the same boxed form, the Rechnung as a German business letter, the simulation notice as a
 * banner on top and in the footer of every page. Inter (WOFF: fontkit subsets it; WOFF2 would
 * crash its subsetter) is embedded, so the text is selectable and extractable.
 *
 * Deterministic: the creation date is the invoice's issue time, pdfkit derives the file id from
 * the metadata and names font subsets by their order, so the same invoice gives the same bytes.
 */
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import type { Invoice } from '../../machines/schemas.js';
import { factShares, printedDocument, type PrintedDocument, type PrintedParty } from './printed.js';

type Doc = PDFKit.PDFDocument;

const FONT = {
  regular: fileURLToPath(new URL('./fonts/inter-latin-400-normal.woff', import.meta.url)),
  bold: fileURLToPath(new URL('./fonts/inter-latin-700-normal.woff', import.meta.url)),
};

const PAGE = { width: 595.28, height: 841.89, margin: 30 };
const FOOTER_SPACE = 30;
const LEFT = PAGE.margin;
const WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin - FOOTER_SPACE;

const INK = '#111111';
const MUTED = '#555555';
const LINE = '#222222';
const SOFT = '#f1f1ef';
const ALERT = '#b00020';
const ALERT_BG = '#fff3f3';

interface TextStyle {
  size?: number;
  bold?: boolean;
  color?: string;
  align?: 'left' | 'right' | 'center';
}

/** The drawing state of one document: where the next block goes, and a page break when full. */
class Pen {
  y = PAGE.margin;
  constructor(
    readonly doc: Doc,
    /** Drawn on top of every further page of the document ("DANFE Nº … (continuação)"). */
    readonly continuation: string,
    /** The simulation notice, repeated under it. */
    readonly notice: string,
  ) {}

  private style(s: TextStyle): Doc {
    return this.doc
      .font(s.bold ? 'Inter-Bold' : 'Inter')
      .fontSize(s.size ?? 9)
      .fillColor(s.color ?? INK);
  }

  height(text: string, width: number, s: TextStyle = {}): number {
    return this.style(s).heightOfString(text, { width, lineGap: 0.5 });
  }

  text(text: string, x: number, y: number, width: number, s: TextStyle = {}): number {
    this.style(s).text(text, x, y, { width, align: s.align ?? 'left', lineGap: 0.5 });
    return this.height(text, width, s);
  }

  /** Room for `h` more points on this page, else a new page with the continuation heading. */
  ensure(h: number): boolean {
    if (this.y + h <= BOTTOM) return false;
    this.doc.addPage();
    this.y = PAGE.margin;
    this.y += this.text(this.continuation, LEFT, this.y, WIDTH, { size: 8, bold: true }) + 2;
    this.y +=
      this.text(this.notice, LEFT, this.y, WIDTH, { size: 8, bold: true, color: ALERT }) + 6;
    return true;
  }

  rect(x: number, y: number, w: number, h: number, fill?: string): void {
    if (fill) this.doc.rect(x, y, w, h).fill(fill);
    this.doc.rect(x, y, w, h).lineWidth(0.6).stroke(LINE);
  }
}

/** A labelled box of the boxed forms: its contents measure themselves, then draw. */
interface Cell {
  width: number;
  fill?: string;
  /** Height of the contents at this width. */
  measure: (pen: Pen, w: number) => number;
  draw: (pen: Pen, x: number, y: number, w: number) => void;
}

const PAD = 4;
const LABEL: TextStyle = { size: 6, color: MUTED };

/** A labelled value; `strong` for names and totals. */
function field(
  label: string,
  value: string,
  width: number,
  opts: { strong?: boolean; align?: 'left' | 'right'; size?: number; fill?: string } = {},
): Cell {
  const valueStyle: TextStyle = { size: opts.size ?? 9, bold: opts.strong, align: opts.align };
  return {
    width,
    fill: opts.fill,
    measure: (pen, w) =>
      pen.height(label.toUpperCase(), w, LABEL) + 1 + pen.height(value, w, valueStyle),
    draw: (pen, x, y, w) => {
      const h = pen.text(label.toUpperCase(), x, y, w, LABEL) + 1;
      pen.text(value, x, y + h, w, valueStyle);
    },
  };
}

/** A row of boxes as tall as its tallest; the widths are shares of the full width. */
function row(pen: Pen, cells: Cell[], minHeight = 0): void {
  const widths = cells.map((c) => c.width * WIDTH);
  const inner = cells.map((c, i) => c.measure(pen, widths[i]! - 2 * PAD));
  const h = Math.max(minHeight, ...inner.map((v) => v + 2 * PAD));
  pen.ensure(h);
  let x = LEFT;
  cells.forEach((c, i) => {
    pen.rect(x, pen.y, widths[i]!, h, c.fill);
    c.draw(pen, x + PAD, pen.y + PAD, widths[i]! - 2 * PAD);
    x += widths[i]!;
  });
  pen.y += h;
}

function sectionTitle(pen: Pen, title: string): void {
  pen.ensure(24);
  pen.y += 5;
  pen.y += pen.text(title.toUpperCase(), LEFT, pen.y, WIDTH, { size: 6.5, bold: true }) + 2;
}

function banner(pen: Pen, p: PrintedDocument): void {
  const text = p.notices.join('\n');
  const h = pen.height(text, WIDTH - 16, { size: 9.5, bold: true }) + 12;
  pen.doc.rect(LEFT, pen.y, WIDTH, h).lineWidth(2).fillAndStroke(ALERT_BG, ALERT);
  pen.text(text, LEFT + 8, pen.y + 6, WIDTH - 16, { size: 9.5, bold: true, color: ALERT });
  pen.y += h + 8;
}

/** Stripes drawn from the key's digits: a look of the DANFE's barcode, not a readable one. */
function stripes(pen: Pen, key: string, x: number, y: number, w: number, h: number): void {
  const digits = key.replace(/\D/g, '');
  let cx = x;
  let i = 0;
  pen.doc.fillColor(INK);
  while (cx < x + w - 1) {
    const d = Number(digits[i % digits.length] ?? 0);
    const bar = 0.6 + (d % 3) * 0.6;
    const gap = 0.6 + ((d >> 1) % 2) * 0.6;
    pen.doc.rect(cx, y, Math.min(bar, x + w - cx), h).fill();
    cx += bar + gap;
    i++;
  }
}

function partyText(party: PrintedParty): { id: string; rest: string } {
  const isId = (l: string) => /^(CPF|CNPJ)\b/.test(l);
  return {
    id: party.lines.find(isId) ?? '—',
    rest: party.lines.filter((l) => !isId(l)).join(' · ') || '—',
  };
}

/** The lines table; the header is repeated on a new page. */
function linesTable(pen: Pen, p: PrintedDocument, boxed: boolean): void {
  const widths = p.columns.map((c) => c.width * WIDTH);
  const cellPad = 3;
  const drawHeader = () => {
    const heights = p.columns.map((c, i) =>
      pen.height(c.label.toUpperCase(), widths[i]! - 2 * cellPad, { size: 6.5, bold: true }),
    );
    const h = Math.max(...heights) + 2 * cellPad;
    let x = LEFT;
    if (boxed)
      p.columns.forEach((_, i) => (pen.rect(x, pen.y, widths[i]!, h, SOFT), (x += widths[i]!)));
    else {
      pen.doc.rect(LEFT, pen.y, WIDTH, h).fill(SOFT);
      pen.doc
        .moveTo(LEFT, pen.y)
        .lineTo(LEFT + WIDTH, pen.y)
        .lineWidth(0.8)
        .stroke(LINE);
      pen.doc
        .moveTo(LEFT, pen.y + h)
        .lineTo(LEFT + WIDTH, pen.y + h)
        .lineWidth(0.8)
        .stroke(LINE);
    }
    x = LEFT;
    p.columns.forEach((c, i) => {
      pen.text(c.label.toUpperCase(), x + cellPad, pen.y + cellPad, widths[i]! - 2 * cellPad, {
        size: 6.5,
        bold: true,
        align: c.align,
      });
      x += widths[i]!;
    });
    pen.y += h;
  };
  pen.ensure(40);
  drawHeader();
  for (const cells of p.rows) {
    const style = (i: number): TextStyle => ({ size: 8.5, align: p.columns[i]?.align });
    const h =
      Math.max(...cells.map((c, i) => pen.height(c, widths[i]! - 2 * cellPad, style(i)))) +
      2 * cellPad;
    if (pen.ensure(h)) drawHeader();
    let x = LEFT;
    cells.forEach((c, i) => {
      if (boxed) pen.rect(x, pen.y, widths[i]!, h);
      pen.text(c, x + cellPad, pen.y + cellPad, widths[i]! - 2 * cellPad, style(i));
      x += widths[i]!;
    });
    if (!boxed)
      pen.doc
        .moveTo(LEFT, pen.y + h)
        .lineTo(LEFT + WIDTH, pen.y + h)
        .lineWidth(0.4)
        .stroke('#888888');
    pen.y += h;
  }
}

/** A block of paragraphs in a box ("Dados adicionais"). */
function paragraphsBox(pen: Pen, given: { text: string; bold?: boolean }[]): void {
  const w = WIDTH - 2 * PAD - 2;
  // An amount never breaks between "R$" and its figures (a no-break space, UAX #14 class GL).
  const paragraphs = given.map((t) => ({ ...t, text: t.text.replace(/R\$ /g, () => 'R$\u00a0') }));
  const heights = paragraphs.map((t) => pen.height(t.text, w, { size: 8, bold: t.bold }) + 2);
  const h = heights.reduce((a, b) => a + b, 0) + 2 * PAD;
  pen.ensure(h);
  pen.rect(LEFT, pen.y, WIDTH, h);
  let y = pen.y + PAD;
  paragraphs.forEach((t, i) => {
    pen.text(t.text, LEFT + PAD + 1, y, w, { size: 8, bold: t.bold });
    y += heights[i]!;
  });
  pen.y += h;
}

/** DANFE and NFS-e: the boxed form. */
function boxedDocument(pen: Pen, p: PrintedDocument): void {
  const isNfe = p.kind === 'nfe';
  banner(pen, p);
  if (p.authority) row(pen, [field('Município', p.authority, 1, { strong: true, size: 10 })]);

  const issuer: Cell = {
    width: 0.37,
    measure: (pen, w) =>
      pen.height(p.issuer.heading.toUpperCase(), w, LABEL) +
      2 +
      pen.height(p.issuer.name, w, { size: 11, bold: true }) +
      3 +
      pen.height(p.issuer.lines.join('\n'), w, { size: 8.5 }),
    draw: (pen, x, y, w) => {
      y += pen.text(p.issuer.heading.toUpperCase(), x, y, w, LABEL) + 2;
      y += pen.text(p.issuer.name, x, y, w, { size: 11, bold: true }) + 3;
      pen.text(p.issuer.lines.join('\n'), x, y, w, { size: 8.5 });
    },
  };
  const idLines: [string, TextStyle][] = [
    [p.heading, { size: 17, bold: true, align: 'center' }],
    [p.title, { size: 7, align: 'center' }],
    [p.number, { size: 10, bold: true, align: 'center' }],
    [p.series, { size: 8.5, align: 'center' }],
  ];
  const identity: Cell = {
    width: 0.25,
    measure: (pen, w) => idLines.reduce((h, [t, s]) => h + pen.height(t, w, s) + 2, 0),
    draw: (pen, x, y, w) => {
      for (const [t, s] of idLines) y += pen.text(t, x, y, w, s) + 2;
    },
  };
  const key = p.access_key;
  const third: Cell = key
    ? {
        width: 0.38,
        measure: (pen, w) =>
          30 +
          pen.height(key.label.toUpperCase(), w, LABEL) +
          pen.height(key.value, w, { size: 9.5, bold: true }) +
          pen.height('x', w, { size: 6 }) +
          6,
        draw: (pen, x, y, w) => {
          stripes(pen, key.value, x, y, w, 26);
          y += 30;
          y += pen.text(key.label.toUpperCase(), x, y, w, LABEL) + 1;
          y += pen.text(key.value, x, y, w, { size: 9.5, bold: true }) + 3;
          pen.text('Simulação: chave não consultável no portal da NF-e.', x, y, w, {
            size: 6,
            color: MUTED,
          });
        },
      }
    : {
        width: 0.38,
        measure: (pen, w) =>
          p.facts
            .slice(0, 2)
            .reduce(
              (h, f) =>
                h +
                pen.height(f.label.toUpperCase(), w, LABEL) +
                pen.height(f.value, w, { bold: true, size: 10 }) +
                6,
              0,
            ),
        draw: (pen, x, y, w) => {
          for (const f of p.facts.slice(0, 2)) {
            y += pen.text(f.label.toUpperCase(), x, y, w, LABEL) + 1;
            y += pen.text(f.value, x, y, w, { bold: true, size: 10 }) + 6;
          }
        },
      };
  row(pen, [issuer, identity, third]);
  const facts = isNfe ? p.facts : p.facts.slice(2);
  if (facts.length) {
    const shares = factShares(facts);
    row(
      pen,
      facts.map((f, i) => field(f.label, f.value, shares[i]!)),
    );
  }

  sectionTitle(pen, p.buyer.heading);
  const buyer = partyText(p.buyer);
  row(pen, [
    field('Nome / razão social', p.buyer.name, 0.65, { strong: true }),
    field('CPF / CNPJ', buyer.id, 0.35),
  ]);
  row(pen, [field('Endereço / contato', buyer.rest, 1)]);

  if (p.service) {
    sectionTitle(pen, 'Serviço');
    row(pen, [field(p.service.label, p.service.value, 1, { size: 8 })]);
  }

  sectionTitle(pen, isNfe ? 'Cálculo do imposto' : 'Valores');
  row(
    pen,
    p.totals.map((t) =>
      field(t.label, t.value, 1 / p.totals.length, {
        align: 'right',
        strong: t.grand,
        size: t.grand ? 11 : 9,
        fill: t.grand ? SOFT : undefined,
      }),
    ),
  );

  sectionTitle(pen, isNfe ? 'Dados dos produtos' : 'Discriminação dos serviços');
  linesTable(pen, p, true);

  sectionTitle(pen, 'Dados adicionais');
  paragraphsBox(pen, [
    ...(p.approximate_taxes ? [{ text: p.approximate_taxes, bold: true }] : []),
    ...p.remarks.map((text) => ({ text })),
  ]);
}

/** The Rechnung: a German business letter. */
function letterDocument(pen: Pen, p: PrintedDocument): void {
  banner(pen, p);
  const half = WIDTH / 2 - 10;
  const top = pen.y;
  // Left: the window envelope's sender line and the recipient.
  let y = top + 4;
  const sender = [p.issuer.name, ...p.issuer.lines.slice(0, 2)].join(' · ');
  const senderH = pen.text(sender, LEFT, y, half, { size: 6.5, color: MUTED });
  const senderW = Math.min(half, pen.doc.widthOfString(sender));
  pen.doc
    .moveTo(LEFT, y + senderH + 1)
    .lineTo(LEFT + senderW, y + senderH + 1)
    .lineWidth(0.4)
    .stroke('#999999');
  y += senderH + 8;
  y += pen.text(p.buyer.heading.toUpperCase(), LEFT, y, half, LABEL) + 2;
  y += pen.text(p.buyer.name, LEFT, y, half, { size: 10, bold: true }) + 1;
  y += pen.text(p.buyer.lines.join('\n'), LEFT, y, half, { size: 10 });
  const leftEnd = y;
  // Right: the seller and the invoice's facts.
  const rx = LEFT + WIDTH - half;
  y = top + 4;
  y += pen.text(p.issuer.name, rx, y, half, { size: 13, bold: true, align: 'right' }) + 2;
  y += pen.text(p.issuer.lines.join('\n'), rx, y, half, { size: 9, align: 'right' }) + 12;
  for (const f of p.facts) {
    const h = pen.text(f.label, rx + half - 230, y, 110, { size: 9, color: MUTED });
    pen.text(f.value, rx + half - 115, y, 115, { size: 9, bold: true });
    y += h + 3;
  }
  pen.y = Math.max(leftEnd, y) + 22;

  pen.y += pen.text(`${p.heading} ${p.number}`, LEFT, pen.y, WIDTH, { size: 16, bold: true }) + 10;
  linesTable(pen, p, false);

  // Net per rate, VAT per rate, the gross total: right-aligned under the amounts.
  pen.y += 8;
  const sx = LEFT + WIDTH * 0.5;
  const sw = WIDTH * 0.5;
  for (const t of p.totals) {
    const s: TextStyle = { size: t.grand ? 11 : 9.5, bold: t.grand };
    const h = pen.height(t.label, sw - 100, s) + (t.grand ? 8 : 4);
    pen.ensure(h);
    if (t.grand) {
      pen.doc
        .moveTo(sx, pen.y + 1)
        .lineTo(sx + sw, pen.y + 1)
        .lineWidth(1.5)
        .stroke(LINE);
      pen.y += 5;
    }
    pen.text(t.label, sx, pen.y, sw - 100, s);
    pen.text(t.value, sx + sw - 100, pen.y, 100, { ...s, align: 'right' });
    pen.y += h;
  }

  pen.y += 14;
  for (const r of p.remarks) {
    pen.ensure(14);
    pen.y += pen.text(r, LEFT, pen.y, WIDTH, { size: 8.5, color: MUTED }) + 2;
  }

  // The seller's details as a letter's footer.
  pen.ensure(60);
  pen.y += 14;
  pen.doc
    .moveTo(LEFT, pen.y)
    .lineTo(LEFT + WIDTH, pen.y)
    .lineWidth(0.4)
    .stroke('#999999');
  pen.y += 6;
  const h1 = pen.text([p.issuer.name, ...p.issuer.lines].join('\n'), LEFT, pen.y, WIDTH / 2, {
    size: 7.5,
    color: MUTED,
  });
  pen.text(`${p.series}\n${p.number}`, LEFT + WIDTH / 2, pen.y, WIDTH / 2, {
    size: 7.5,
    color: MUTED,
  });
  pen.y += h1;
}

/** "DANFE Nº … – Simulação sem valor fiscal – página 1/2" at the foot of every page. */
function footers(doc: Doc, pages: { first: number; count: number; p: PrintedDocument }[]): void {
  for (const { first, count, p } of pages) {
    const notice =
      p.lang === 'de-DE' ? 'Simulation – ohne steuerliche Wirkung' : 'Simulação sem valor fiscal';
    const pageWord = p.lang === 'de-DE' ? 'Seite' : 'página';
    for (let i = 0; i < count; i++) {
      doc.switchToPage(first + i);
      // Writing below the bottom margin would start a new page.
      doc.page.margins.bottom = 0;
      doc
        .font('Inter')
        .fontSize(7)
        .fillColor(MUTED)
        .text(
          `${p.heading} ${p.number} – ${notice} – ${pageWord} ${i + 1}/${count}`,
          LEFT,
          PAGE.height - PAGE.margin - 10,
          { width: WIDTH, align: 'center', lineBreak: false },
        );
    }
  }
}

/** The invoice as an A4 PDF: every document from a page of its own. */
export function invoicePdf(invoice: Invoice): Promise<Buffer> {
  const printed = invoice.documents.map((d) => printedDocument(d, invoice));
  const issued = new Date(invoice.issued_at);
  const first = invoice.documents[0]!;
  const doc = new PDFDocument({
    size: 'A4',
    margin: PAGE.margin,
    autoFirstPage: false,
    bufferPages: true,
    lang: printed[0]?.lang ?? 'pt-BR',
    displayTitle: true,
    info: {
      Title: `${first.kind === 'rechnung' ? 'Rechnung' : 'Fatura'} ${invoice.invoice_number} (simulação)`,
      Author: first.seller.name,
      Subject: 'Simulação sem valor fiscal',
      Keywords: printed.map((p) => `${p.heading} ${p.number}`).join(', '),
      Creator: 'crash-to-repair',
      CreationDate: issued,
      ModDate: issued,
    },
  });
  doc.registerFont('Inter', FONT.regular);
  doc.registerFont('Inter-Bold', FONT.bold);

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const pages: { first: number; count: number; p: PrintedDocument }[] = [];
  for (const p of printed) {
    doc.addPage();
    const start = doc.bufferedPageRange().count - 1;
    const pen = new Pen(
      doc,
      `${p.heading} ${p.number} (${p.lang === 'de-DE' ? 'Fortsetzung' : 'continuação'})`,
      p.notices[0] ?? '',
    );
    if (p.kind === 'rechnung') letterDocument(pen, p);
    else boxedDocument(pen, p);
    pages.push({ first: start, count: doc.bufferedPageRange().count - start, p });
  }
  footers(doc, pages);
  doc.end();
  return done;
}
