/**
 * "Send the invoice by e-mail", the browser side: the POST to
 * `/api/invoice/{appointment_id}/email` with `{to}` and a fresh Idempotency-Key per send (a
 * retry of the same send by the network writes one message). The server answers 202 with where
 * it wrote the message (the outbox: no mail leaves the event), or a JSON error whose message
 * the form shows as it is.
 */
import type { SessionError } from '../machines/schemas.js';

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
  let response: Response;
  try {
    response = await fetchFn(invoiceEmailPath(appointmentId), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'idempotency-key': options.idempotencyKey ?? freshUuid(),
      },
      body: JSON.stringify({ to: to.trim() }),
    });
  } catch (err) {
    return {
      ok: false,
      error: { code: 'network', message: err instanceof Error ? err.message : String(err) },
    };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's error page, say): the status says enough.
  }
  if (response.ok && isSent(body)) return { ok: true, sent: body };
  return { ok: false, error: errorOf(response, body) };
}

function isSent(body: unknown): body is InvoiceEmailSent {
  const sent = body as Partial<InvoiceEmailSent> | null;
  return typeof sent?.to === 'string' && typeof sent.file === 'string';
}

/** The server's error, its first field problem added ("… (to: Invalid email address)"). */
function errorOf(response: Response, body: unknown): SessionError {
  const error = (
    body as {
      error?: Partial<SessionError> & { details?: { path?: unknown; message?: unknown }[] };
    } | null
  )?.error;
  const detail = Array.isArray(error?.details) ? error.details[0] : undefined;
  const field =
    detail && typeof detail.message === 'string'
      ? ` (${typeof detail.path === 'string' && detail.path ? `${detail.path}: ` : ''}${detail.message})`
      : '';
  return {
    code: typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    message:
      typeof error?.message === 'string'
        ? `${error.message}${field}`
        : `HTTP ${response.status} ${response.statusText}`.trim(),
  };
}
