/**
 * The Brazilian identifiers a dealer carries, each checked by its real rule (../shared
 * DOMAIN.md), so a mistyped one in data/dealers.json is caught in code, not by an attendee:
 *
 * - **CNPJ** `00.000.000/0000-00`: 12 base characters and 2 check digits (weights
 *   5,4,3,2,9,8,7,6,5,4,3,2 then 6,5,4,3,2,9,8,7,6,5,4,3,2; r = sum mod 11; digit 0 when r < 2,
 *   else 11 − r). From July 2026 the base may hold letters A–Z, each valued at its ASCII code
 *   − 48 (digits keep their value); the check digits stay numeric.
 * - **CEP** `NNNNN-NNN`, inside one of its city's ranges (data/cities.json).
 * - **Phone** `+55 (DD) 9NNNN-NNNN` (mobile) or `+55 (DD) NNNN-NNNN` (landline), with the area
 *   code (DDD) of the dealer's city.
 *
 * Each check answers null when the value is good, or why it is not.
 */
import { z } from 'zod';

const CNPJ_FORMAT = /^([0-9A-Z]{2})\.([0-9A-Z]{3})\.([0-9A-Z]{3})\/([0-9A-Z]{4})-([0-9]{2})$/;
const WEIGHTS_1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const WEIGHTS_2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

/** A base character's value: its ASCII code − 48 ('0'…'9' → 0…9, 'A' → 17 … 'Z' → 42). */
const valueOf = (char: string) => char.charCodeAt(0) - 48;

function checkDigit(chars: string[], weights: number[]): number {
  const sum = chars.reduce((total, char, i) => total + valueOf(char) * weights[i]!, 0);
  const r = sum % 11;
  return r < 2 ? 0 : 11 - r;
}

/** The two check digits of a 12-character base (digits, or letters A–Z from July 2026). */
export function cnpjCheckDigits(base: string): string {
  const chars = [...base];
  const first = checkDigit(chars, WEIGHTS_1);
  const second = checkDigit([...chars, String(first)], WEIGHTS_2);
  return `${first}${second}`;
}

export function cnpjProblem(cnpj: string): string | null {
  const parts = CNPJ_FORMAT.exec(cnpj);
  if (!parts)
    return `"${cnpj}" is not written 00.000.000/0000-00 (letters A–Z allowed in the base)`;
  const base = parts.slice(1, 5).join('');
  if (/^(\d)\1{11}$/.test(base)) return `"${cnpj}" is a repeated digit, not a CNPJ`;
  const expected = cnpjCheckDigits(base);
  return parts[5] === expected ? null : `"${cnpj}": check digits ${parts[5]}, expected ${expected}`;
}

/** A city the directory covers: its state, area code, CEP ranges and centre (where a search by
 *  the city's name, or by a CEP of it no finer prefix knows, is placed: dealers/places.ts). */
export const City = z.object({
  city: z.string().min(1),
  state: z.string().length(2),
  ddd: z.string().regex(/^\d{2}$/),
  cep: z.array(z.tuple([z.string(), z.string()])).min(1),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type City = z.infer<typeof City>;

const CEP_FORMAT = /^(\d{5})-(\d{3})$/;
const cepNumber = (cep: string) => Number(cep.replace('-', ''));

export function cepProblem(cep: string, city: City | undefined): string | null {
  if (!CEP_FORMAT.test(cep)) return `"${cep}" is not written NNNNN-NNN`;
  if (!city) return 'its city is not in data/cities.json';
  const n = cepNumber(cep);
  const inside = city.cep.some(([from, to]) => n >= cepNumber(from) && n <= cepNumber(to));
  return inside
    ? null
    : `"${cep}" is not a CEP of ${city.city} (${city.cep.map(([a, b]) => `${a}…${b}`).join(', ')})`;
}

const PHONE_FORMAT = /^\+55 \((\d{2})\) (9\d{4}|[2-5]\d{3})-\d{4}$/;

export function phoneProblem(phone: string, city: City | undefined): string | null {
  const parts = PHONE_FORMAT.exec(phone);
  if (!parts) return `"${phone}" is not written +55 (DD) 9NNNN-NNNN or +55 (DD) NNNN-NNNN`;
  if (!city) return 'its city is not in data/cities.json';
  return parts[1] === city.ddd
    ? null
    : `"${phone}": area code ${parts[1]}, but ${city.city}'s is ${city.ddd}`;
}

/** What data/cities.json holds. */
export const CitiesFile = z.object({
  $comment: z.string().optional(),
  cities: z.array(City).min(1),
});

/** A dealer's identifiers, as the directory lists them. */
interface DealerIdentifiers {
  dealer_id: string;
  city: string;
  cnpj: string;
  cep: string;
  phone: string;
}

/** Every identifier problem of every dealer: `{dealer_id, field, problem}`; empty when all hold. */
export function dealerProblems(
  dealers: readonly DealerIdentifiers[],
  cities: readonly City[],
): { dealer_id: string; field: 'cnpj' | 'cep' | 'phone'; problem: string }[] {
  return dealers.flatMap((d) => {
    const city = cities.find((c) => c.city === d.city);
    const checks = [
      ['cnpj', cnpjProblem(d.cnpj)],
      ['cep', cepProblem(d.cep, city)],
      ['phone', phoneProblem(d.phone, city)],
    ] as const;
    return checks.flatMap(([field, problem]) =>
      problem ? [{ dealer_id: d.dealer_id, field, problem }] : [],
    );
  });
}
