/**
 * Where a locator query is, offline: a CEP, a city or a district turned into a position.
 *
 * - A **CEP**, "22041-001" or "22041001" (or only its first five digits, "22041"): the longest
 *   matching prefix of data/cep-prefixes.json gives its district ("Copacabana, Rio de Janeiro");
 *   a CEP inside a city's ranges (data/cities.json) that no prefix knows is placed at the
 *   city's centre; any other CEP is nowhere (null).
 * - **Text**, accents and case folded: a city's name ("niteroi", "Sao Paulo"), else a district
 *   of the prefix table ("copacabana", "vila mariana"); an exact match first, then a name the
 *   text begins uniquely ("sao bern" → São Bernardo do Campo). "District, City" picks a
 *   district of that city ("Centro, Niterói"). Ambiguous or unknown → null.
 *
 * Pure: the caller reads the files and passes their rows.
 */
import { z } from 'zod';
import type { City } from './identifiers.js';
import { foldText } from './search.js';

/** One row of data/cep-prefixes.json: CEPs beginning with `prefix` lie in this district. */
export const CepPrefix = z.object({
  prefix: z.string().regex(/^\d{2,5}$/),
  district: z.string().min(1),
  city: z.string().min(1),
  state: z.string().length(2),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type CepPrefix = z.infer<typeof CepPrefix>;

/** What data/cep-prefixes.json holds. */
export const CepPrefixesFile = z.object({
  $comment: z.string().optional(),
  prefixes: z.array(CepPrefix).min(1),
});

/**
 * A resolved position. `kind` says how fine it is: `cep` (a CEP's prefix: its district),
 * `district` (a district named), `city` (a city's centre: its name, or a CEP no prefix knows).
 */
export type Place = {
  lat: number;
  lon: number;
  label: string;
  city: string;
  state: string;
  kind: 'cep' | 'district' | 'city';
};

const FULL_CEP = /^(\d{5})-?(\d{3})$/;
const PARTIAL_CEP = /^\d{5}$/;

export function resolvePlace(
  q: string,
  cities: readonly City[],
  prefixes: readonly CepPrefix[],
): Place | null {
  const text = q.trim();
  if (!text) return null;
  const full = FULL_CEP.exec(text);
  if (full) return placeOfCep(`${full[1]}${full[2]}`, cities, prefixes);
  if (PARTIAL_CEP.test(text)) return placeOfCep(text, cities, prefixes);
  return placeOfName(text, cities, prefixes);
}

const cepNumber = (cep: string) => Number(cep.replace('-', ''));

/** `digits`: a whole CEP (8 digits) or its first five. */
function placeOfCep(
  digits: string,
  cities: readonly City[],
  prefixes: readonly CepPrefix[],
): Place | null {
  let best: CepPrefix | undefined;
  for (const row of prefixes) {
    if (digits.startsWith(row.prefix) && row.prefix.length > (best?.prefix.length ?? 0)) best = row;
  }
  if (best) return rowPlace(best, 'cep');
  const n = Number(digits.padEnd(8, '0'));
  const city = cities.find((c) =>
    c.cep.some(([from, to]) => n >= cepNumber(from) && n <= cepNumber(to)),
  );
  return city ? cityPlace(city) : null;
}

const rowPlace = (row: CepPrefix, kind: 'cep' | 'district'): Place => ({
  lat: row.lat,
  lon: row.lon,
  label: `${row.district}, ${row.city}`,
  city: row.city,
  state: row.state,
  kind,
});

const cityPlace = (city: City): Place => ({
  lat: city.lat,
  lon: city.lon,
  label: city.city,
  city: city.city,
  state: city.state,
  kind: 'city',
});

/** Folded and with runs of blanks made one, so "  Vila   Mariana " finds "Vila Mariana". */
const fold = (s: string) => foldText(s).replace(/\s+/g, ' ').trim();

interface Named {
  key: string;
  place: Place;
}

/** A district's place: the prefix table may list it under several prefixes (Moema: 045 and
 *  04029); the shortest, the widest, places it. */
function districtsOf(prefixes: readonly CepPrefix[]): Named[] {
  const widest = new Map<string, CepPrefix>();
  for (const row of prefixes) {
    const id = `${row.district}\u0000${row.city}`;
    const seen = widest.get(id);
    if (!seen || row.prefix.length < seen.prefix.length) widest.set(id, row);
  }
  return [...widest.values()].map((row) => ({
    key: fold(row.district),
    place: rowPlace(row, 'district'),
  }));
}

/** The one name equal to the needle, else the one it begins; none or several → null. */
function pick(names: readonly Named[], needle: string): Place | null {
  const exact = names.filter((n) => n.key === needle);
  if (exact.length) return exact.length === 1 ? exact[0]!.place : null;
  const starts = names.filter((n) => n.key.startsWith(needle));
  return starts.length === 1 ? starts[0]!.place : null;
}

function placeOfName(
  text: string,
  cities: readonly City[],
  prefixes: readonly CepPrefix[],
): Place | null {
  const towns: Named[] = cities.map((c) => ({ key: fold(c.city), place: cityPlace(c) }));
  const districts = districtsOf(prefixes);
  const comma = text.indexOf(',');
  if (comma >= 0) {
    const town = pick(towns, fold(text.slice(comma + 1)));
    const district = fold(text.slice(0, comma));
    if (!town) return null;
    if (!district) return town;
    return pick(
      districts.filter((d) => d.place.city === town.city),
      district,
    );
  }
  const needle = fold(text);
  if (!needle) return null;
  const town = towns.filter((t) => t.key === needle);
  if (town.length === 1) return town[0]!.place;
  const exact = districts.filter((d) => d.key === needle);
  if (exact.length) return exact.length === 1 ? exact[0]!.place : null;
  return pick([...towns, ...districts], needle);
}
