/**
 * How a fiscal document writes its numbers and dates: in the language of the document, not of
 * the screen (a DANFE is Brazilian, a Rechnung German, whichever language the attendee chose).
 * Money is formatted from its decimal string by hand, so no amount ever passes through a float.
 */
import { Decimal } from 'decimal.js';
import type { FiscalDocument } from '../../machines/schemas.js';

/** The language and conventions a document is printed in. */
export type DocumentLocale = 'pt-BR' | 'de-DE';

export const documentLocaleOf = (doc: Pick<FiscalDocument, 'kind'>): DocumentLocale =>
  doc.kind === 'rechnung' ? 'de-DE' : 'pt-BR';

/** Where the document's issue time is read: the issuer's clock. */
const TIME_ZONE: Record<DocumentLocale, string> = {
  'pt-BR': 'America/Sao_Paulo',
  'de-DE': 'Europe/Berlin',
};

/** "1234.5" → "1.234,50" (both locales group with "." and mark decimals with ","). */
export function decimal(value: Decimal.Value, places = 2): string {
  const fixed = new Decimal(value).toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toFixed(places);
  const negative = fixed.startsWith('-');
  const [int = '0', frac] = (negative ? fixed.slice(1) : fixed).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${negative ? '-' : ''}${grouped}${frac ? `,${frac}` : ''}`;
}

/** "R$ 1.234,56" (pt-BR) or "1.234,56 €" (de-DE). A plain space: the layouts keep it unbroken. */
export function money(value: Decimal.Value, currency: FiscalDocument['currency']): string {
  return currency === 'BRL' ? `R$ ${decimal(value)}` : `${decimal(value)} €`;
}

/** A tax rate as printed: "18%", "4,5%" (pt-BR), "19 %" (de-DE, with DIN 5008's space). */
export function rate(percent: Decimal.Value, locale: DocumentLocale): string {
  const d = new Decimal(percent);
  const text = decimal(d, d.decimalPlaces() > 0 ? Math.min(2, d.decimalPlaces()) : 0);
  return locale === 'de-DE' ? `${text} %` : `${text}%`;
}

/** Hours with two decimals ("5,60"), units as whole numbers ("1"). */
export function quantity(value: number, unit: 'UN' | 'H' | 'SV'): string {
  return unit === 'H' ? decimal(value, 2) : decimal(value, Number.isInteger(value) ? 0 : 2);
}

/** "2026-03-04" → "04/03/2026" or "04.03.2026": a calendar date, no time zone involved. */
export function date(isoDate: string, locale: DocumentLocale): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-');
  return locale === 'de-DE' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}

/** An instant on the issuer's clock: "02/03/2026 10:05" or "02.03.2026, 14:05". */
export function dateTime(iso: string, locale: DocumentLocale): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE[locale],
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  const day = date(`${part('year')}-${part('month')}-${part('day')}`, locale);
  return locale === 'de-DE'
    ? `${day}, ${part('hour')}:${part('minute')} Uhr`
    : `${day} ${part('hour')}:${part('minute')}`;
}

/** The NF-e access key as a DANFE prints it: eleven blocks of four digits. */
export const accessKeyBlocks = (key: string): string =>
  key.replace(/\D/g, '').replace(/(\d{4})(?=\d)/g, '$1 ');
