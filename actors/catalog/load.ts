/**
 * Loads the catalogue at start-up: canonical components, every vehicle and every market in
 * data/. Synchronous and strict: a bad file stops start-up with a DataFileError naming the
 * file and the field, so a typo never reaches an attendee's estimate.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError, readDataFile } from './read-data-file.js';
import { ComponentsFile, Market, Vehicle } from './schemas.js';
import type { Component, VehicleComponent, VehiclePart } from './schemas.js';

export const DEFAULT_MARKET = 'BR-SP' as const;

/** Everything the estimator needs, keyed by id. */
export interface Catalog {
  vehicles: Map<string, Vehicle>;
  markets: Map<string, Market>;
  components: Map<string, Component>;
  defaultMarket: typeof DEFAULT_MARKET;
}

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

/** Reads and cross-checks data/components.json, data/vehicles/*.json and data/markets/*.json. */
export function loadCatalog(dataDir: string = DEFAULT_DATA_DIR): Catalog {
  const componentsPath = join(dataDir, 'components.json');
  const components = new Map<string, Component>();
  const componentsFile = readDataFile(componentsPath, ComponentsFile);
  componentsFile.components.forEach((component, i) => {
    if (components.has(component.id)) {
      throw new DataFileError(
        display(componentsPath),
        `components.${i}.id`,
        `duplicate component id "${component.id}"`,
      );
    }
    components.set(component.id, component);
  });
  componentsFile.components.forEach((component, i) => {
    component.adjacent_panels.forEach((adjacent, j) => {
      const target = components.get(adjacent);
      if (!target?.painted) {
        throw new DataFileError(
          display(componentsPath),
          `components.${i}.adjacent_panels.${j}`,
          `"${adjacent}" is not a painted canonical component`,
        );
      }
    });
  });

  const vehicles = new Map<string, Vehicle>();
  for (const path of jsonFiles(join(dataDir, 'vehicles'))) {
    const vehicle = readDataFile(path, Vehicle);
    checkVehicle(display(path), vehicle, components);
    if (vehicles.has(vehicle.id))
      throw new DataFileError(display(path), 'id', `duplicate vehicle id "${vehicle.id}"`);
    vehicles.set(vehicle.id, vehicle);
  }

  const markets = new Map<string, Market>();
  for (const path of jsonFiles(join(dataDir, 'markets'))) {
    const market = readDataFile(path, Market);
    checkMarket(display(path), market, components);
    if (markets.has(market.id))
      throw new DataFileError(display(path), 'id', `duplicate market id "${market.id}"`);
    markets.set(market.id, market);
  }
  if (!markets.has(DEFAULT_MARKET)) {
    throw new DataFileError(
      display(join(dataDir, 'markets')),
      'id',
      `the default market "${DEFAULT_MARKET}" has no file`,
    );
  }
  if (vehicles.size === 0)
    throw new DataFileError(display(join(dataDir, 'vehicles')), '', 'no vehicle files');

  return { vehicles, markets, components, defaultMarket: DEFAULT_MARKET };
}

/** The vehicle's components keyed by canonical id (flattening its assemblies). */
export function vehicleComponents(vehicle: Vehicle): Map<string, VehicleComponent> {
  const byId = new Map<string, VehicleComponent>();
  for (const assembly of vehicle.assemblies)
    for (const c of assembly.components) byId.set(c.component, c);
  return byId;
}

function checkVehicle(file: string, vehicle: Vehicle, components: Map<string, Component>): void {
  const seen = new Set<string>();
  // A part number names one part: it may be fitted at several positions (the same rim on all
  // four wheels) but must then be the same part, with the same names, category and price.
  const partsByNumber = new Map<string, VehiclePart>();
  vehicle.assemblies.forEach((assembly, a) => {
    assembly.components.forEach((vc, c) => {
      const at = `assemblies.${a}.components.${c}`;
      const canonical = components.get(vc.component);
      if (!canonical)
        throw new DataFileError(
          file,
          `${at}.component`,
          `"${vc.component}" is not in components.json`,
        );
      if (seen.has(vc.component))
        throw new DataFileError(file, `${at}.component`, `"${vc.component}" appears twice`);
      seen.add(vc.component);
      if (canonical.painted && !vc.labour.refinish) {
        throw new DataFileError(
          file,
          `${at}.labour.refinish`,
          `"${vc.component}" is painted and needs refinish hours`,
        );
      }
      if (!canonical.painted && vc.labour.refinish) {
        throw new DataFileError(
          file,
          `${at}.labour.refinish`,
          `"${vc.component}" is not painted and takes no refinish`,
        );
      }
      if (vc.repairable !== (vc.labour.repair !== null)) {
        throw new DataFileError(
          file,
          `${at}.labour.repair`,
          `repair hours must be given exactly when "${vc.component}" is repairable`,
        );
      }
      vc.access.forEach((access, i) => {
        if (!components.has(access))
          throw new DataFileError(
            file,
            `${at}.access.${i}`,
            `"${access}" is not in components.json`,
          );
      });
      vc.parts.forEach((part, p) => {
        const earlier = partsByNumber.get(part.part_number);
        if (earlier && !sameJson(earlier, part)) {
          throw new DataFileError(
            file,
            `${at}.parts.${p}.part_number`,
            `"${part.part_number}" is used for two different parts`,
          );
        }
        partsByNumber.set(part.part_number, part);
      });
    });
  });
  for (const id of components.keys()) {
    if (!seen.has(id))
      throw new DataFileError(file, 'assemblies', `canonical component "${id}" is missing`);
  }
  // Access targets are removed & installed, so they need R&I hours.
  const byId = vehicleComponents(vehicle);
  vehicle.assemblies.forEach((assembly, a) => {
    assembly.components.forEach((vc, c) => {
      vc.access.forEach((access, i) => {
        if (!byId.get(access)?.labour.remove_install) {
          throw new DataFileError(
            file,
            `assemblies.${a}.components.${c}.access.${i}`,
            `"${access}" has no remove_install hours`,
          );
        }
      });
    });
  });
}

function checkMarket(file: string, market: Market, components: Map<string, Component>): void {
  if (market.prices_include_tax !== (market.approximate_taxes !== null)) {
    // Lei 12.741 applies to Brazil's tax-included consumer prices only.
    throw new DataFileError(
      file,
      'approximate_taxes',
      'approximate taxes are given exactly when prices include tax',
    );
  }
  const t = market.thresholds;
  if (
    t.ignore_below > t.scratch_repair_from ||
    t.ignore_below > t.replace_from ||
    t.ignore_below > t.mechanical_replace_from
  ) {
    throw new DataFileError(
      file,
      'thresholds.ignore_below',
      'must not exceed the repair and replace thresholds',
    );
  }
  // A panel blends only into painted panels that touch it (components.json adjacent_panels).
  for (const [panel, targets] of Object.entries(market.paint.blend.into)) {
    const at = `paint.blend.into.${panel}`;
    const source = components.get(panel);
    if (!source?.painted)
      throw new DataFileError(file, at, `"${panel}" is not a painted canonical component`);
    targets.forEach((target, i) => {
      const other = components.get(target);
      const touching =
        source.adjacent_panels.includes(target) || other?.adjacent_panels.includes(panel);
      if (!other?.painted || !touching) {
        throw new DataFileError(
          file,
          `${at}.${i}`,
          `"${target}" is not a painted panel adjacent to "${panel}"`,
        );
      }
    });
  }
}

function jsonFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new DataFileError(display(dir), '', err instanceof Error ? err.message : String(err));
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => join(dir, n));
}

function display(path: string): string {
  return relative(process.cwd(), path) || path;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
