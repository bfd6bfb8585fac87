import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCatalog, vehicleComponents } from '../../actors/catalog/load.js';
import { DataFileError } from '../../actors/catalog/read-data-file.js';
import { VW_PART_NUMBER } from '../../actors/catalog/schemas.js';

const DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

describe('loadCatalog on the real data', () => {
  const catalog = loadCatalog();

  it('loads both vehicles, three markets and the 42 canonical components', () => {
    expect([...catalog.vehicles.keys()].sort()).toEqual(['golf', 'tcross']);
    expect([...catalog.markets.keys()].sort()).toEqual(['BR-RJ', 'BR-SP', 'DE']);
    expect(catalog.components.size).toBe(42);
    expect(catalog.defaultMarket).toBe('BR-SP');
    expect(catalog.vehicles.get('tcross')!.name).toBe('VW T-Cross');
    expect(catalog.vehicles.get('golf')!.name).toBe('VW Golf GTI');
  });

  it('gives every vehicle every canonical component, with model or platform part-number prefixes', () => {
    const prefixes: Record<string, string[]> = { tcross: ['2GM', '2Q0'], golf: ['5H0', '5Q0'] };
    for (const vehicle of catalog.vehicles.values()) {
      const byId = vehicleComponents(vehicle);
      expect([...byId.keys()].sort()).toEqual([...catalog.components.keys()].sort());
      for (const vc of byId.values()) {
        for (const part of vc.parts) {
          expect(part.part_number).toMatch(VW_PART_NUMBER);
          expect(prefixes[vehicle.id]).toContain(part.part_number.slice(0, 3));
          expect(part.illustrative).toBe(true);
        }
      }
    }
  });

  it('numbers left parts odd and right parts even', () => {
    for (const vehicle of catalog.vehicles.values()) {
      const byId = vehicleComponents(vehicle);
      for (const [id, vc] of byId) {
        if (!id.startsWith('left_')) continue;
        const right = byId.get(id.replace(/^left_/, 'right_'))!;
        vc.parts.forEach((part, i) => {
          const other = right.parts[i]!.part_number;
          if (other === part.part_number) return; // same part both sides (wheels)
          expect(Number(part.part_number.slice(8, 11)) % 2, part.part_number).toBe(1);
          expect(Number(other.slice(8, 11)) % 2, other).toBe(0);
        });
      }
    }
    expect(
      vehicleComponents(catalog.vehicles.get('golf')!).get('left_headlight')!.parts[0]!.part_number,
    ).toBe('5H0 941 005');
  });

  it('prices T-Cross parts in the DOMAIN.md ranges and the Golf GTI at 1.5–2 times', () => {
    const tcross = vehicleComponents(catalog.vehicles.get('tcross')!);
    const golf = vehicleComponents(catalog.vehicles.get('golf')!);
    const ranges: Record<string, [number, number]> = {
      front_bumper: [1800, 2800],
      left_headlight: [4500, 7500],
      hood: [2500, 3800],
      left_fender: [900, 1500],
      left_front_door: [3500, 5500],
      left_mirror: [1500, 2800],
      windscreen: [1800, 3500],
      radiator: [1200, 2200],
      grille: [600, 1400],
    };
    for (const [id, [low, high]] of Object.entries(ranges)) {
      const price = Number(tcross.get(id)!.parts[0]!.price.BRL);
      expect(price, id).toBeGreaterThanOrEqual(low);
      expect(price, id).toBeLessThanOrEqual(high);
    }
    for (const [id, vc] of tcross) {
      vc.parts.forEach((part, i) => {
        const ratio = Number(golf.get(id)!.parts[i]!.price.BRL) / Number(part.price.BRL);
        expect(ratio, id).toBeGreaterThanOrEqual(1.5);
        expect(ratio, id).toBeLessThanOrEqual(2);
      });
    }
  });

  it('makes lamps, glass, airbags and radiators replace-only and gives painted panels refinish hours', () => {
    for (const vehicle of catalog.vehicles.values()) {
      const byId = vehicleComponents(vehicle);
      for (const id of [
        'left_headlight',
        'left_tail_light',
        'windscreen',
        'rear_window',
        'driver_airbag',
        'radiator',
        'condenser',
      ]) {
        expect(byId.get(id)!.repairable, id).toBe(false);
      }
      for (const [id, component] of catalog.components) {
        if (component.painted) expect(byId.get(id)!.labour.refinish!.hours, id).toBeGreaterThan(0);
      }
      expect(byId.get('front_bumper')!.labour.replace.hours).toBe(1.2);
      expect(byId.get('front_bumper')!.adas).toBe('front_radar');
      expect(byId.get('windscreen')!.adas).toBe('front_camera');
    }
  });

  it('sets the market rules the estimator relies on', () => {
    const sp = catalog.markets.get('BR-SP')!;
    const rj = catalog.markets.get('BR-RJ')!;
    const de = catalog.markets.get('DE')!;
    expect(sp.prices_include_tax).toBe(true);
    expect(de.prices_include_tax).toBe(false);
    expect(sp.taxes.map((t) => [t.name, t.rate])).toEqual([
      ['ICMS', 18],
      ['ISS', 5],
    ]);
    expect(rj.taxes.map((t) => [t.name, t.rate])).toEqual([
      ['ICMS', 20],
      ['FECP', 2],
      ['ISS', 5],
    ]);
    expect(de.taxes.map((t) => [t.rate, t.applies_to])).toEqual([[19, ['parts', 'services']]]);
    for (const category of ['body', 'paint', 'mechanical', 'electrical'] as const) {
      const ratio = Number(rj.labour_rates[category]) / Number(sp.labour_rates[category]);
      expect(ratio, category).toBeGreaterThan(1.03);
      expect(ratio, category).toBeLessThan(1.07);
    }
    expect(de.labour_rates.body).toBe('170.00');
    expect(de.labour_rates.paint).toBe('185.00');
    expect(sp.total_loss.threshold).toBe(0.75);
    expect(de.total_loss.threshold).toBe(1);
    expect(de.total_loss.note.en).toContain('130%');
    // Brazil: at or above 75 %; Germany: repair cost above the replacement value.
    expect([sp.total_loss.rule, rj.total_loss.rule, de.total_loss.rule]).toEqual([
      'at_or_above',
      'at_or_above',
      'above',
    ]);
    expect(sp.approximate_taxes!.source).toBe('IBPT');
    for (const market of [sp, rj, de]) {
      expect(market.paint.overlap).toEqual({ adjacent_hours: 0.4, non_adjacent_hours: 0.2 });
      expect(market.thresholds.mechanical_replace_from).toBe(0.25);
      expect(market.check_measure).toEqual({ hours: 0.5, category: 'mechanical' });
      expect(market.payment_terms['pt-BR']).toMatch(/^Pagamento na/);
    }
    expect(sp.payment_terms['pt-BR']).toBe(
      'Pagamento na entrega do veículo: à vista (Pix ou débito) ou cartão de crédito em até 6x sem juros.',
    );
  });

  it('gives the Golf GTI a multi-link rear axle and the T-Cross a torsion beam', () => {
    const axle = (id: string) =>
      vehicleComponents(catalog.vehicles.get(id)!).get('rear_axle')!.parts[0]!.name;
    expect(axle('golf')).toEqual({
      'pt-BR': 'Eixo traseiro (multibraço)',
      en: 'Rear axle (multi-link)',
    });
    expect(axle('tcross').en).toBe('Rear axle (torsion beam)');
    // The canonical name, shared by both models, names no axle type.
    expect(catalog.components.get('rear_axle')!.name.en).toBe('Rear axle');
  });

  it('follows a condenser with an A/C recharge and a wheel with tyre mount and an alignment', () => {
    for (const vehicle of catalog.vehicles.values()) {
      const byId = vehicleComponents(vehicle);
      expect(byId.get('condenser')!.on_replace).toEqual(['ac_evacuate_recharge']);
      expect(byId.get('left_rear_wheel')!.on_replace).toEqual(['tyre_mount_balance']);
      expect(byId.get('left_rear_wheel')!.alignment).toBe(true);
      expect(byId.get('front_bumper')!.remove_for_repair).toBe(true);
    }
  });
});

describe('loadCatalog on a broken copy', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = '';
  });

  /** Copies data/ (without dealers or replays) to a temp dir and edits one JSON file there. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form edits of a JSON file
  function brokenCopy(file: string, edit: (json: any) => void): string {
    dir = mkdtempSync(join(tmpdir(), 'catalog-'));
    cpSync(join(DATA_DIR, 'components.json'), join(dir, 'components.json'));
    cpSync(join(DATA_DIR, 'vehicles'), join(dir, 'vehicles'), { recursive: true });
    cpSync(join(DATA_DIR, 'markets'), join(dir, 'markets'), { recursive: true });
    const path = join(dir, file);
    const json = JSON.parse(readFileSync(path, 'utf8'));
    edit(json);
    writeFileSync(path, JSON.stringify(json));
    return dir;
  }

  function loadError(dataDir: string): DataFileError {
    try {
      loadCatalog(dataDir);
    } catch (err) {
      expect(err).toBeInstanceOf(DataFileError);
      return err as DataFileError;
    }
    throw new Error('loadCatalog accepted a broken file');
  }

  it('loads an unbroken copy', () => {
    expect(loadCatalog(brokenCopy('vehicles/golf.json', () => {})).vehicles.size).toBe(2);
  });

  it('names the file and field of a malformed part number', () => {
    const err = loadError(
      brokenCopy(
        'vehicles/tcross.json',
        (v) => (v.assemblies[0].components[0].parts[0].part_number = '2GM-807-221'),
      ),
    );
    expect(err.file).toMatch(/vehicles\/tcross\.json$/);
    expect(err.field).toBe('assemblies.0.components.0.parts.0.part_number');
  });

  it('names a component that is not canonical', () => {
    const err = loadError(
      brokenCopy(
        'vehicles/golf.json',
        (v) => (v.assemblies[1].components[0].component = 'flux_capacitor'),
      ),
    );
    expect(err.file).toMatch(/vehicles\/golf\.json$/);
    expect(err.field).toBe('assemblies.1.components.0.component');
    expect(err.message).toContain('flux_capacitor');
  });

  it('stops when a canonical component is missing from a vehicle', () => {
    const err = loadError(
      brokenCopy('vehicles/golf.json', (v) => v.assemblies[0].components.splice(1, 1)),
    );
    expect(err.field).toBe('assemblies');
    expect(err.message).toContain('"front_bumper_beam" is missing');
  });

  it('stops when a painted panel has no refinish hours', () => {
    const err = loadError(
      brokenCopy(
        'vehicles/tcross.json',
        (v) => (v.assemblies[0].components[0].labour.refinish = null),
      ),
    );
    expect(err.field).toBe('assemblies.0.components.0.labour.refinish');
  });

  it('stops when one part number names two different parts', () => {
    const err = loadError(
      brokenCopy(
        'vehicles/tcross.json',
        (v) =>
          (v.assemblies[0].components[1].parts[0].part_number =
            v.assemblies[0].components[0].parts[0].part_number),
      ),
    );
    expect(err.field).toBe('assemblies.0.components.1.parts.0.part_number');
  });

  it('names the field of a market without a paint rate', () => {
    const err = loadError(brokenCopy('markets/de.json', (m) => delete m.labour_rates.paint));
    expect(err.file).toMatch(/markets\/de\.json$/);
    expect(err.field).toBe('labour_rates.paint');
  });

  it('stops when a panel blends into one it does not touch', () => {
    const err = loadError(
      brokenCopy('markets/br-sp.json', (m) => (m.paint.blend.into.hood = ['left_rear_door'])),
    );
    expect(err.file).toMatch(/markets\/br-sp\.json$/);
    expect(err.field).toBe('paint.blend.into.hood.0');
    expect(err.message).toContain('"left_rear_door" is not a painted panel adjacent to "hood"');
  });

  it('names a file that is not JSON', () => {
    const copy = brokenCopy('markets/br-rj.json', () => {});
    writeFileSync(join(copy, 'markets', 'br-rj.json'), '{ "id": "BR-RJ", ');
    const err = loadError(copy);
    expect(err.file).toMatch(/markets\/br-rj\.json$/);
    expect(err.message).toMatch(/br-rj\.json/);
  });
});
