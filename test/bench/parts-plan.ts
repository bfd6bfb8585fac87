/**
 * Issue 10's figure: the parts plan for a network of 50 dealers and an estimate of 40 parts,
 * measured in this process on the shipped directory (its first 50 dealers), real catalogue part
 * numbers and the seeded stock. Each round plans for every dealer of the network in turn, so the
 * sample holds plans that are all own stock, couriers and the parts centre alike.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadCatalog } from '../../actors/catalog/load.js';
import { readDataFile } from '../../actors/catalog/read-data-file.js';
import { DEFAULT_DATA_DIR } from '../../actors/damage/mapping.js';
import { centreFor, PartsNetworkFile, planParts } from '../../actors/dealers/parts-plan.js';
import { SeededInventory } from '../../adapters/inventory/seeded-inventory.js';
import { Dealer, type PartsRequirement } from '../../machines/schemas.js';

export interface PlanFigures {
  dealers: number;
  parts: number;
  /** Sorted, in ms. */
  plan_ms: number[];
  /** How the plans' missing parts came: by courier, from the parts centre. */
  courier_lines: number;
  centre_lines: number;
}

export function measurePartsPlan(rounds = 40): PlanFigures {
  const catalog = loadCatalog();
  const { dealers: all } = readDataFile(
    join(DEFAULT_DATA_DIR, 'dealers.json'),
    z.object({ dealers: z.array(Dealer) }),
  );
  const network = readDataFile(join(DEFAULT_DATA_DIR, 'parts-network.json'), PartsNetworkFile);
  const dealers = all.slice(0, 50);
  const numbers = [
    ...new Set(
      [...catalog.vehicles.values()].flatMap((v) =>
        v.assemblies.flatMap((a) => a.components.flatMap((c) => c.parts.map((p) => p.part_number))),
      ),
    ),
  ].slice(0, 40);
  if (numbers.length < 40)
    throw new Error(`the catalogue has ${numbers.length} part numbers, not 40`);
  const parts: PartsRequirement[] = numbers.map((part_number, i) => ({
    line_no: i + 1,
    part_number,
    part_name: part_number,
    component_name: 'front_bumper',
    quantity: 1 + (i % 2),
    unit_price: '100.00',
    category: 'body',
    labor_hours: 1,
    confidence: 1,
    illustrative: true,
  }));
  const inventory = new SeededInventory({ seed: 'bench' });
  const available = (dealer_id: string, part_number: string) =>
    inventory.onHand(dealer_id, part_number);
  const estimate = { estimate_id: 'est-bench', currency: 'BRL' as const, parts };
  const now = new Date('2026-12-07T13:00:00Z');
  const times: number[] = [];
  let courier_lines = 0;
  let centre_lines = 0;
  for (let round = 0; round < rounds; round++) {
    for (const dealer of dealers) {
      const t0 = performance.now();
      const plan = planParts({
        dealer,
        estimate,
        network: dealers,
        available,
        centre: centreFor(network.centres, dealer),
        courier: network.courier,
        now,
      });
      times.push(performance.now() - t0);
      if (round === 0) {
        courier_lines += plan.lines.filter((l) => l.source.kind === 'dealer').length;
        centre_lines += plan.lines.filter((l) => l.source.kind === 'parts_centre').length;
      }
    }
  }
  return {
    dealers: dealers.length,
    parts: parts.length,
    plan_ms: times.sort((a, b) => a - b),
    courier_lines,
    centre_lines,
  };
}
