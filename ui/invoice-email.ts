/**
 * "Send the invoice by e-mail", the browser side: the POST to
 * `/api/invoice/{appointment_id}/email` with `{to}` and a fresh Idempotency-Key per send (a
 * retry of the same send by the network writes one message). The server answers 202 with where
 * it wrote the message (the outbox: no mail leaves the event), or a JSON error whose message
 * the form shows as it is.
 */
import type { SessionError } from '../machines/schemas.js';
import { postJson, refusalOf } from './post-json.js';

/** What the server answers for a message written to its outbox. */
export interface InvoiceEmailSent {
  to: string;
  /** The .eml file in the server's outbox. */
  file: string;
  message_id: string;
  bytes: number;
  sent_at: string;
}

export type InvoiceEmailResult =
  { ok: true; sent: InvoiceEmailSent } | { ok: false; error: SessionError };

/** The invoice's e-mail route for an appointment. */
export function invoiceEmailPath(appointmentId: string): string {
  return `/api/invoice/${encodeURIComponent(appointmentId)}/email`;
}

/** The invoice's QR code: an SVG of the link a phone opens. */
export function invoiceQrPath(appointmentId: string): string {
  return `/api/invoice/${encodeURIComponent(appointmentId)}/qr.svg`;
}

/**
 * A random (v4) UUID. `crypto.randomUUID` exists only in secure contexts, and a kiosk on the
 * event LAN opens the server over plain http://192.168…; `getRandomValues` works there too.
 */
export function freshUuid(source: Pick<Crypto, 'getRandomValues'> = crypto): string {
  const bytes = source.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Sends the invoice of `appointmentId` to `to`; never throws: a refusal or a network failure is an error value. */
export async function postInvoiceEmail(
  appointmentId: string,
  to: string,
  options: { fetchFn?: typeof fetch; idempotencyKey?: string } = {},
): Promise<InvoiceEmailResult> {
  const fetchFn = options.fetchFn ?? ((...args) => fetch(...args));
  const posted = await postJson(
    fetchFn,
    invoiceEmailPath(appointmentId),
    { to: to.trim() },
    { 'idempotency-key': options.idempotencyKey ?? freshUuid() },
  );
  if (!posted.ok) return posted;
  const { body } = posted.answer;
  if (posted.answer.response.ok && isSent(body)) return { ok: true, sent: body };
  return { ok: false, error: withFirstDetail(refusalOf(posted.answer)) };
}

function isSent(body: unknown): body is InvoiceEmailSent {
  const sent = body as Partial<InvoiceEmailSent> | null;
  return typeof sent?.to === 'string' && typeof sent.file === 'string';
}

/** The server's error, its first field problem added ("… (to: Invalid email address)"). */
function withFirstDetail({ details, ...error }: ReturnType<typeof refusalOf>): SessionError {
  const detail = Array.isArray(details)
    ? (details[0] as { path?: unknown; message?: unknown } | undefined)
    : undefined;
  if (!detail || typeof detail.message !== 'string') return error;
  const path = typeof detail.path === 'string' && detail.path ? `${detail.path}: ` : '';
  return { ...error, message: `${error.message} (${path}${detail.message})` };
}
