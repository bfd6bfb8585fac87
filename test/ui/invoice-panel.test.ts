/**
 * What the confirmation's invoice panel says (ui/invoice-summary.ts) and how "send by e-mail"
 * posts (ui/invoice-email.ts), without a browser: the documents as a Brazilian consumer reads
 * them, the Lei 12.741 line, the German net/VAT/gross, and the POST's body, key and answers.
 */
import { describe, expect, it } from 'vitest';
import { formatItemCount, formatMoney } from '../../ui/format.js';
import { freshUuid, postInvoiceEmail } from '../../ui/invoice-email.js';
import {
  approximateTaxesLine,
  documentLabel,
  invoiceLines,
  isNetPriced,
  netTotal,
  vatLines,
} from '../../ui/invoice-summary.js';
import { FIXTURES } from '../browser/fixtures/sessions.js';

/** Intl puts a no-break space between "R$" and the amount. */
const plain = (text: string | null) => text?.replace(/\u00a0/g, ' ') ?? null;

const brazil = FIXTURES.find((f) => f.name === '15-booked')!.view;
const germany = FIXTURES.find((f) => f.name === '15a-booked-germany')!.view;
const nfInvoice = brazil.invoice!;
const rechnung = germany.invoice!;

describe('invoice panel: Brazil (NF-e + NFS-e)', () => {
  it('names each document by kind, number and what it bills', () => {
    const [nfe, nfse] = nfInvoice.documents;
    expect(documentLabel(nfe!, 'pt-BR')).toBe('NF-e 1/000.000.042 – peças');
    expect(documentLabel(nfse!, 'pt-BR')).toBe('NFS-e 00000042 – serviços');
    expect(documentLabel(nfse!, 'en')).toBe('NFS-e 00000042 – services');
    // The first document's label starts with the number the invoice goes by.
    expect(documentLabel(nfe!, 'pt-BR').startsWith(nfInvoice.invoice_number)).toBe(true);
  });

  it('adds up to the dealer’s price, and counts the items of both documents', () => {
    const sum = nfInvoice.documents.reduce((total, d) => total + Number(d.grand_total), 0);
    expect(sum.toFixed(2)).toBe(nfInvoice.grand_total);
    expect(nfInvoice.grand_total).toBe(brazil.dealer_estimate!.grand_total);
    expect(formatItemCount(invoiceLines(nfInvoice), 'pt-BR')).toBe('11 itens');
  });

  it('words the Lei 12.741 line with the federal, state and municipal shares', () => {
    expect(plain(approximateTaxesLine(nfInvoice, 'pt-BR'))).toBe(
      'Valor aproximado dos tributos R$ 4.215,29 (26,68%) – Federal R$ 2.054,15 | ' +
        'Estadual R$ 1.898,42 | Municipal R$ 262,72 – Fonte: IBPT',
    );
    expect(isNetPriced(nfInvoice)).toBe(false);
    expect(vatLines(nfInvoice)).toEqual([]);
  });
});

describe('invoice panel: Germany (Rechnung)', () => {
  it('gives net, VAT per rate and gross, and no Lei 12.741 line', () => {
    expect(documentLabel(rechnung.documents[0]!, 'en')).toBe('Rechnung RE-2025-000042');
    expect(isNetPriced(rechnung)).toBe(true);
    expect(netTotal(rechnung)).toBe('4275.70');
    expect(vatLines(rechnung)).toEqual([{ rate: '19.00', base: '4275.70', amount: '812.38' }]);
    expect((4275.7 + 812.38).toFixed(2)).toBe(rechnung.grand_total);
    expect(approximateTaxesLine(rechnung, 'en')).toBeNull();
    expect(formatMoney(netTotal(rechnung), 'EUR', 'en')).toBe('€4,275.70');
  });
});

describe('send the invoice by e-mail', () => {
  /** A fetch that records its calls and answers `status` with `body`. */
  function answering(status: number, body: unknown) {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetchFn = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    }) as typeof fetch;
    return { calls, fetchFn };
  }

  it('posts {to} with a fresh Idempotency-Key per send and reads the 202', async () => {
    const sent = {
      to: 'ana@example.com',
      file: 'inv-1-abc.eml',
      message_id: '<x@evento-vw.invalid>',
      bytes: 48213,
      sent_at: '2025-12-01T16:10:00.000Z',
    };
    const { calls, fetchFn } = answering(202, sent);
    const result = await postInvoiceEmail('apt-1/2', ' ana@example.com ', { fetchFn });
    await postInvoiceEmail('apt-1/2', 'ana@example.com', { fetchFn });
    expect(result).toEqual({ ok: true, sent });
    expect(calls[0]!.url).toBe('/api/invoice/apt-1%2F2/email');
    expect(calls[0]!.init.method).toBe('POST');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({ to: 'ana@example.com' });
    const keys = calls.map((c) => (c.init.headers as Record<string, string>)['idempotency-key']);
    expect(keys[0]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(keys[1]).not.toBe(keys[0]);
  });

  it('gives the server’s refusal with the field it names, and a network failure as an error', async () => {
    const { fetchFn } = answering(400, {
      error: {
        code: 'invalid_body',
        message: 'The request body is not valid',
        details: [{ path: 'to', message: 'Invalid email address' }],
      },
    });
    expect(await postInvoiceEmail('apt-1', 'ana@', { fetchFn })).toEqual({
      ok: false,
      error: {
        code: 'invalid_body',
        message: 'The request body is not valid (to: Invalid email address)',
      },
    });
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await postInvoiceEmail('apt-1', 'ana@example.com', { fetchFn: down })).toEqual({
      ok: false,
      error: { code: 'network', message: 'Failed to fetch' },
    });
  });

  it('makes v4 UUIDs from getRandomValues (no secure context needed)', () => {
    const zeros = { getRandomValues: <T extends ArrayBufferView | null>(a: T) => a };
    expect(freshUuid(zeros as Pick<Crypto, 'getRandomValues'>)).toBe(
      '00000000-0000-4000-8000-000000000000',
    );
  });
});
