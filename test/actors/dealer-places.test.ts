/**
 * A locator query turned into a position offline (actors/dealers/places.ts): a CEP by its
 * longest prefix in data/cep-prefixes.json (or its city's centre), a city or a district by
 * name with accents and case folded. Expectations are hand-checked against the map
 * (Copacabana's Praça Serzedelo Correia, Praça da Sé, MASP …). The data files are checked
 * too: every prefix lies inside its city and near it, every dealer sits where its CEP says.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR } from '../../actors/damage/mapping.js';
import { CitiesFile, dealerProblems } from '../../actors/dealers/identifiers.js';
import { CepPrefixesFile, resolvePlace } from '../../actors/dealers/places.js';
import { distanceKm } from '../../actors/dealers/search.js';
import { Dealer } from '../../machines/schemas.js';

const read = (file: string): unknown =>
  JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, file), 'utf8'));
const { cities } = CitiesFile.parse(read('cities.json'));
const { prefixes } = CepPrefixesFile.parse(read('cep-prefixes.json'));
const dealers = (read('dealers.json') as { dealers: unknown[] }).dealers.map((d) =>
  Dealer.parse(d),
);

const place = (q: string) => resolvePlace(q, cities, prefixes);
const kmTo = (q: string, at: { lat: number; lon: number }) => {
  const p = place(q);
  expect(p, q).not.toBeNull();
  return distanceKm(p!, at);
};

const COPACABANA = { lat: -22.97, lon: -43.19 };
const PRACA_DA_SE = { lat: -23.5503, lon: -46.6339 };
const MASP = { lat: -23.5614, lon: -46.6559 };
const TATUAPE = { lat: -23.54, lon: -46.576 };

describe('resolvePlace: a CEP', () => {
  it('places a Rio CEP at its district by the longest prefix', () => {
    expect(place('22041-001')).toMatchObject({
      label: 'Copacabana, Rio de Janeiro',
      city: 'Rio de Janeiro',
      state: 'RJ',
      kind: 'cep',
    });
    expect(kmTo('22041-001', COPACABANA)).toBeLessThan(2);
    // 2274x is Freguesia, finer than 227 Jacarepaguá; 2279x Recreio.
    expect(place('22745-005')!.label).toBe('Freguesia (Jacarepaguá), Rio de Janeiro');
    expect(place('22790-701')!.label).toBe('Recreio dos Bandeirantes, Rio de Janeiro');
    expect(place('22713-000')!.label).toBe('Jacarepaguá, Rio de Janeiro');
  });

  it('places São Paulo CEPs: a bairro, and a zone when no finer prefix knows it', () => {
    expect(place('04035-000')).toMatchObject({ label: 'Vila Mariana, São Paulo', kind: 'cep' });
    // Moema: 04029 (Av. Ibirapuera by Shopping Ibirapuera) beats 040 Vila Mariana.
    expect(place('04029-200')!.label).toBe('Moema, São Paulo');
    // Av. Paulista (MASP, 01310-200): only the 01 Centro zone, a couple of km off.
    expect(place('01310-200')!.label).toBe('Centro, São Paulo');
    expect(kmTo('01310-200', MASP)).toBeLessThan(3);
  });

  it('takes a CEP without the dash, with blanks around, and its first five digits', () => {
    expect(place('03307000')).toMatchObject({ label: 'Tatuapé, São Paulo', kind: 'cep' });
    expect(kmTo('03307000', TATUAPE)).toBeLessThan(1);
    expect(place('  22041-001 ')!.label).toBe('Copacabana, Rio de Janeiro');
    expect(place('22041')).toMatchObject({ label: 'Copacabana, Rio de Janeiro', kind: 'cep' });
    expect(kmTo('22041', COPACABANA)).toBeLessThan(2);
  });

  it('places a CEP of a city no prefix knows at the city centre', () => {
    // Nova Iguaçu 26000-000…26099-999: the table only knows 262 (Centro).
    expect(place('26050-000')).toEqual({
      lat: -22.7592,
      lon: -43.4508,
      label: 'Nova Iguaçu',
      city: 'Nova Iguaçu',
      state: 'RJ',
      kind: 'city',
    });
  });

  it('finds nothing for a CEP of no city here, or a malformed one', () => {
    expect(place('99999-999')).toBeNull();
    expect(place('23850-000')).toBeNull(); // Itaguaí: past Rio's 23799-999
    expect(place('2204')).toBeNull();
    expect(place('220410011')).toBeNull();
    expect(place('')).toBeNull();
  });
});

describe('resolvePlace: a name', () => {
  it('finds a city with or without accents, in any case, at its centre', () => {
    for (const q of ['niteroi', 'Niterói', 'NITERÓI']) {
      expect(place(q)).toMatchObject({ label: 'Niterói', city: 'Niterói', kind: 'city' });
    }
    expect(place('Sao Paulo')).toMatchObject({ city: 'São Paulo', state: 'SP', kind: 'city' });
    expect(kmTo('sao paulo', PRACA_DA_SE)).toBeLessThan(0.5);
    expect(place('santo andre')!.city).toBe('Santo André');
    expect(place('  São   Gonçalo ')!.city).toBe('São Gonçalo');
  });

  it('finds a district of the prefix table', () => {
    expect(place('copacabana')).toMatchObject({
      label: 'Copacabana, Rio de Janeiro',
      kind: 'district',
    });
    expect(kmTo('Copacabana', COPACABANA)).toBeLessThan(2);
    expect(place('vila mariana')).toMatchObject({ label: 'Vila Mariana, São Paulo' });
    expect(place('MÉIER')!.label).toBe('Méier, Rio de Janeiro');
    // Listed under two prefixes (045 and 04029): one place, not an ambiguity.
    expect(place('moema')!.label).toBe('Moema, São Paulo');
  });

  it('takes a unique beginning, and refuses an ambiguous one', () => {
    expect(place('sao bern')).toMatchObject({ city: 'São Bernardo do Campo', kind: 'city' });
    expect(place('barra')!.label).toBe('Barra da Tijuca, Rio de Janeiro');
    // "Tijuca" is a district itself: the exact match wins over Barra da Tijuca.
    expect(place('tijuca')!.label).toBe('Tijuca, Rio de Janeiro');
    expect(place('sao')).toBeNull();
    expect(place('santo')).toBeNull(); // Santo André, Santo Amaro
    expect(place('centro')).toBeNull(); // a Centro in most cities
  });

  it('picks a district of one city with "District, City"', () => {
    expect(place('Centro, Niterói')).toMatchObject({ label: 'Centro, Niterói', kind: 'district' });
    expect(place('centro, rio')!.label).toBe('Centro, Rio de Janeiro');
    expect(place('Copacabana, São Paulo')).toBeNull();
  });

  it('finds nothing for unknown text', () => {
    expect(place('Xique-Xique')).toBeNull();
    expect(place('Curitiba')).toBeNull();
  });
});

describe('the place data', () => {
  const cityOf = (name: string) => cities.find((c) => c.city === name);
  const cep = (s: string) => Number(s.replace('-', ''));

  it('has each prefix once, of a known city and its state', () => {
    expect(new Set(prefixes.map((p) => p.prefix)).size).toBe(prefixes.length);
    expect(prefixes.length).toBeGreaterThanOrEqual(60);
    for (const row of prefixes) expect(cityOf(row.city)?.state, row.prefix).toBe(row.state);
  });

  it('has every prefix inside its city’s CEP ranges and near its centre', () => {
    for (const row of prefixes) {
      const city = cityOf(row.city)!;
      const first = Number(row.prefix.padEnd(8, '0'));
      const last = Number(row.prefix.padEnd(8, '9'));
      const inside = city.cep.some(([from, to]) => first >= cep(from) && last <= cep(to));
      expect(inside, `${row.prefix} ${row.district} in ${row.city}`).toBe(true);
      // Rio de Janeiro runs some 70 km west of its centre: Santa Cruz is about 52 km out.
      const limit = row.city === 'Rio de Janeiro' ? 55 : 40;
      expect(distanceKm(row, city), `${row.prefix} ${row.district}`).toBeLessThan(limit);
    }
  });

  it('knows at least one prefix of every city', () => {
    for (const city of cities) {
      expect(
        prefixes.some((p) => p.city === city.city),
        city.city,
      ).toBe(true);
    }
  });

  it('has every city’s centre inside its state', () => {
    const box = {
      SP: { lat: [-25.4, -19.7], lon: [-53.2, -44.1] },
      RJ: { lat: [-23.4, -20.7], lon: [-45.0, -40.9] },
    } as const;
    for (const city of cities) {
      const b = box[city.state as keyof typeof box];
      expect(b, city.city).toBeDefined();
      expect(city.lat, city.city).toBeGreaterThan(b.lat[0]);
      expect(city.lat, city.city).toBeLessThan(b.lat[1]);
      expect(city.lon, city.city).toBeGreaterThan(b.lon[0]);
      expect(city.lon, city.city).toBeLessThan(b.lon[1]);
    }
  });
});

describe('the dealer directory against the places', () => {
  it('parses, with every identifier good', () => {
    expect(dealers.length).toBeGreaterThanOrEqual(46);
    expect(new Set(dealers.map((d) => d.dealer_id)).size).toBe(dealers.length);
    expect(new Set(dealers.map((d) => d.cnpj)).size).toBe(dealers.length);
    expect(dealerProblems(dealers, cities)).toEqual([]);
  });

  it('puts every dealer in its city’s state, where its CEP says (within 5 km)', () => {
    for (const d of dealers) {
      const city = cityOf(d.city);
      expect(city?.state, d.dealer_id).toBe(d.state);
      const p = place(d.cep);
      expect(p?.city, d.dealer_id).toBe(d.city);
      expect(distanceKm(p!, d), d.dealer_id).toBeLessThan(5);
    }
  });

  it('has no two dealers within 300 m of each other', () => {
    for (const [i, a] of dealers.entries()) {
      for (const b of dealers.slice(i + 1)) {
        expect(distanceKm(a, b), `${a.dealer_id} ${b.dealer_id}`).toBeGreaterThan(0.3);
      }
    }
  });

  function cityOf(name: string) {
    return cities.find((c) => c.city === name);
  }
});
