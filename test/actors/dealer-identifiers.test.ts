/**
 * Dealer identifiers checked by their real rules (DOMAIN.md): CNPJ check digits, numeric and
 * the alphanumeric form of July 2026; CEP inside its city's ranges; the phone's area code of
 * its city. The shipped directory passes; a bad identifier stops start-up naming dealer and field.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR } from '../../actors/damage/mapping.js';
import {
  cepProblem,
  CitiesFile,
  cnpjCheckDigits,
  cnpjProblem,
  dealerProblems,
  phoneProblem,
} from '../../actors/dealers/identifiers.js';
import { readConfig } from '../../adapters/config.js';
import { createRuntime } from '../../adapters/runtime.js';

const { cities } = CitiesFile.parse(
  JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, 'cities.json'), 'utf8')),
);
const city = (name: string) => cities.find((c) => c.city === name);

describe('CNPJ', () => {
  it('computes the check digits of the numeric and the alphanumeric form', () => {
    // The Receita Federal's own examples.
    expect(cnpjCheckDigits('112223330001')).toBe('81');
    expect(cnpjCheckDigits('12ABC34501DE')).toBe('35');
    expect(cnpjProblem('11.222.333/0001-81')).toBeNull();
    expect(cnpjProblem('12.ABC.345/01DE-35')).toBeNull();
  });

  it('refuses wrong check digits, a bad format, lower case and repeated digits', () => {
    expect(cnpjProblem('11.222.333/0001-82')).toMatch(/expected 81/);
    expect(cnpjProblem('12.ABC.345/01DE-53')).toMatch(/expected 35/);
    expect(cnpjProblem('11222333000181')).toMatch(/not written/);
    expect(cnpjProblem('12.abc.345/01DE-35')).toMatch(/not written/);
    expect(cnpjProblem('11.111.111/1111-80')).toMatch(/repeated digit/);
  });
});

describe('CEP and phone', () => {
  it('takes a CEP inside its city, and the city’s area code', () => {
    expect(cepProblem('04260-000', city('São Paulo'))).toBeNull();
    expect(cepProblem('08300-000', city('São Paulo'))).toBeNull();
    expect(cepProblem('22640-102', city('Rio de Janeiro'))).toBeNull();
    expect(phoneProblem('+55 (11) 93412-5501', city('Guarulhos'))).toBeNull();
    expect(phoneProblem('+55 (21) 2233-4455', city('Niterói'))).toBeNull();
  });

  it('refuses a CEP of another city, a bad format, and another area code', () => {
    expect(cepProblem('22640-102', city('São Paulo'))).toMatch(/not a CEP of São Paulo/);
    expect(cepProblem('06999-000', city('São Paulo'))).toMatch(/not a CEP/);
    expect(cepProblem('04260000', city('São Paulo'))).toMatch(/NNNNN-NNN/);
    expect(cepProblem('04260-000', undefined)).toMatch(/not in data\/cities.json/);
    expect(phoneProblem('+55 (21) 93412-5501', city('Campinas'))).toMatch(/Campinas's is 19/);
    expect(phoneProblem('(11) 93412-5501', city('São Paulo'))).toMatch(/not written/);
  });
});

describe('the dealer directory', () => {
  it('has no identifier problem in the shipped data', () => {
    const { dealers } = JSON.parse(readFileSync(join(DEFAULT_DATA_DIR, 'dealers.json'), 'utf8'));
    expect(dealerProblems(dealers, cities)).toEqual([]);
  });

  it('stops start-up on a bad identifier, naming the dealer and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'data-'));
    try {
      cpSync(DEFAULT_DATA_DIR, dir, { recursive: true });
      const file = join(dir, 'dealers.json');
      const data = JSON.parse(readFileSync(file, 'utf8'));
      data.dealers[2].cnpj = '62.992.312/0001-87';
      writeFileSync(file, JSON.stringify(data));
      expect(() =>
        createRuntime(readConfig({ STATE_DIR: ':memory:', DATA_DIR: dir, STATIONS: '1' })),
      ).toThrow(
        /dealer vw-sp-003, field cnpj: "62\.992\.312\/0001-87": check digits 87, expected 86/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
