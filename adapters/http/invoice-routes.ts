/**
 * An appointment's invoice in every form it is wanted: JSON (the default), a printable HTML page
 * (`Accept: text/html` or `?format=html`, also legible on the big screen and on a phone), an A4
 * PDF (`Accept: application/pdf` or `?format=pdf`), its QR code (SVG, the link a phone opens),
 * and "send by e-mail", which writes a MIME message with the PDF attached to the outbox.
 */
import { createRoute } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Floor } from '../../actors/floor.js';
import { Invoice } from '../../machines/schemas.js';
import { invoiceHtml } from '../invoicing/html.js';
import type { Outbox } from '../invoicing/outbox.js';
import { invoicePdf } from '../invoicing/pdf.js';
import { qrSvg } from '../invoicing/qr.js';
import {
  answer,
  apiRoutes,
  component,
  jsonBody,
  jsonOnly,
  pathId,
  refusal,
  unexpected,
  WriteHeaders,
  writeRefusals,
} from './openapi.js';
import { originOf } from './origin.js';
import type { RequestEnv } from './request-log.js';

export interface InvoiceRouteDeps {
  floor: Floor;
  outbox: Outbox;
  /** How phones reach this server; by default the origin the request came to. */
  public_base_url?: string;
}

const Params = z.object({ appointment_id: pathId('Appointment id') });

const Format = z.object({
  format: z
    .enum(['json', 'html', 'pdf'])
    .optional()
    .describe('Wins over the Accept header: json (the default), html or pdf'),
  locale: z
    .enum(['pt-BR', 'en'])
    .optional()
    .describe('The HTML page’s own words (the documents keep theirs)'),
});

const EmailBody = component(
  'InvoiceEmailRequest',
  z.object({ to: z.email().max(200).describe('Where to "send" it (written to the outbox)') }),
);

const EmailSent = component(
  'InvoiceEmailSent',
  z.object({
    to: z.string(),
    /** The .eml file in the outbox (STATE_DIR/outbox). */
    file: z.string(),
    message_id: z.string(),
    bytes: z.number().int().positive(),
    sent_at: z.iso.datetime({ offset: true }),
  }),
);

/** The form the caller asked for: ?format=, else the Accept header's first known type. */
function formatOf(c: Context<RequestEnv>, format: 'json' | 'html' | 'pdf' | undefined) {
  if (format) return format;
  const accept = (c.req.header('accept') ?? '').toLowerCase();
  const at = (type: string) => {
    const i = accept.indexOf(type);
    return i < 0 ? Infinity : i;
  };
  const first = Math.min(at('application/json'), at('text/html'), at('application/pdf'));
  if (first === Infinity) return 'json';
  return first === at('application/pdf') ? 'pdf' : first === at('text/html') ? 'html' : 'json';
}

/** Where a phone opens the invoice. */
function invoiceUrl(c: Context<RequestEnv>, base: string | undefined, appointment_id: string) {
  const origin = (base ?? new URL(c.req.url).origin).replace(/\/+$/, '');
  return `${origin}/api/invoice/${encodeURIComponent(appointment_id)}?format=html`;
}

export function invoiceRoutes(deps: InvoiceRouteDeps) {
  const services = deps.floor.services;
  const invoiceOf = (appointment_id: string) =>
    services.invoice(services.appointment(appointment_id));

  return apiRoutes()
    .openapi(
      createRoute({
        method: 'get',
        path: '/{appointment_id}',
        operationId: 'getInvoice',
        tags: ['Appointments'],
        summary: 'The invoice of an appointment: JSON, a printable page or a PDF (a simulation)',
        description:
          'Issued with the booking, numbered per dealer and series, the same on every ask. ' +
          '`Accept: text/html` or `?format=html` gives the printable page; `Accept: application/pdf` ' +
          'or `?format=pdf` the A4 PDF (fonts embedded, text selectable).',
        request: { params: Params, query: Format },
        responses: {
          200: {
            ...answer(Invoice, 'The documents (NF-e and NFS-e, or a Rechnung)'),
            content: {
              'application/json': { schema: Invoice },
              'text/html': { schema: z.string().describe('The printable page') },
              'application/pdf': { schema: z.string().describe('The A4 PDF') },
            },
          },
          400: refusal(['invalid_query']),
          404: refusal(['appointment_not_found', 'estimate_not_found', 'dealer_not_found']),
          ...unexpected,
        },
      }),
      async (c) => {
        const { format, locale } = c.req.valid('query');
        const { appointment_id } = c.req.valid('param');
        const invoice = invoiceOf(appointment_id);
        const as = formatOf(c, format);
        c.header('Vary', 'Accept');
        if (as === 'pdf') {
          const pdf = await invoicePdf(invoice);
          c.header('Content-Type', 'application/pdf');
          c.header('Content-Disposition', `inline; filename="${invoice.invoice_id}.pdf"`);
          return c.body(new Uint8Array(pdf), 200);
        }
        if (as === 'html') {
          const qr_svg = await qrSvg(invoiceUrl(c, deps.public_base_url, appointment_id));
          return c.html(invoiceHtml(invoice, { locale: locale ?? 'pt-BR', qr_svg }), 200);
        }
        return c.json(invoice, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{appointment_id}/qr.svg',
        operationId: 'getInvoiceQr',
        tags: ['Appointments'],
        summary: 'A QR code (SVG) of the link that opens the invoice on a phone',
        description:
          'The link is PUBLIC_BASE_URL (else the server as this request reached it) + the invoice page.',
        request: { params: Params },
        responses: {
          200: {
            description: 'The QR code',
            content: { 'image/svg+xml': { schema: z.string() } },
          },
          404: refusal(['appointment_not_found']),
          ...unexpected,
        },
      }),
      async (c) => {
        const { appointment_id } = c.req.valid('param');
        services.appointment(appointment_id);
        const svg = await qrSvg(invoiceUrl(c, deps.public_base_url, appointment_id));
        c.header('Content-Type', 'image/svg+xml; charset=utf-8');
        c.header('Cache-Control', 'no-cache');
        return c.body(svg, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/{appointment_id}/email',
        operationId: 'emailInvoice',
        tags: ['Appointments'],
        summary: '"Send" the invoice by e-mail: a MIME message with the PDF, written to the outbox',
        description:
          'No mail server is needed: the message is written as an .eml file to STATE_DIR/outbox. ' +
          'The same Idempotency-Key writes it once.',
        middleware: jsonOnly(EmailBody),
        request: {
          params: Params,
          headers: WriteHeaders,
          body: jsonBody(EmailBody, 'The address'),
        },
        responses: {
          202: answer(EmailSent, 'Written to the outbox'),
          400: refusal(['invalid_body', 'invalid_json']),
          404: refusal(['appointment_not_found', 'estimate_not_found', 'dealer_not_found']),
          ...writeRefusals,
        },
      }),
      async (c) => {
        const { to } = c.req.valid('json');
        const { appointment_id } = c.req.valid('param');
        const invoice = invoiceOf(appointment_id);
        const dealer = services.dealer(invoice.dealer_id);
        const { request_id } = originOf(c, 'api');
        const pdf = await invoicePdf(invoice);
        const html = invoiceHtml(invoice, { locale: 'pt-BR' });
        const link = invoiceUrl(c, deps.public_base_url, appointment_id);
        const sent = await deps.outbox.send({
          key: `${invoice.invoice_id}-${request_id ?? crypto.randomUUID()}`,
          from: `"${dealer.name} (simulação)" <nao-responda@evento-vw.invalid>`,
          to,
          subject: `Sua nota fiscal – ${dealer.name} – ${invoice.invoice_number} (simulação sem valor fiscal)`,
          text:
            `Olá! Segue a nota fiscal do reparo agendado na ${dealer.name}.\n` +
            `Total: ${invoice.currency} ${invoice.grand_total}\n` +
            `Ver no celular: ${link}\n\n` +
            'Simulação do evento Volkswagen do Brasil: documento sem valor fiscal.\n',
          html,
          attachments: [
            { filename: `${invoice.invoice_id}.pdf`, content: pdf, contentType: 'application/pdf' },
          ],
        });
        return c.json(
          {
            to,
            file: sent.file,
            message_id: sent.message_id,
            bytes: sent.bytes,
            sent_at: new Date().toISOString(),
          },
          202,
        );
      },
    );
}
