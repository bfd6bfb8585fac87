/**
 * Dealer parts stock, simulated and seeded: every dealer's shelf holds a stable pseudo-random
 * quantity of every part number, drawn from `INVENTORY_SEED`, the dealer and the part number —
 * the same seed, the same shelves, so a rehearsal sees what the show will see. What bookings
 * reserve is kept in the store and taken off (actors/services.ts); the shelves themselves never
 * change. A dealer's real stock system would stand behind the same interface.
 */
import type { Inventory } from '../../actors/ports.js';

/** FNV-1a then a murmur-style finaliser: a small, stable, well-mixed string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface SeededInventoryOptions {
  seed: string;
  /** Share of (dealer, part number) pairs on the shelf, 0..1. */
  in_stock_share?: number;
  /** Most units of one part number on one shelf. */
  max_units?: number;
}

export class SeededInventory implements Inventory {
  readonly seed: string;
  private readonly share: number;
  private readonly maxUnits: number;

  constructor(options: SeededInventoryOptions) {
    this.seed = options.seed;
    this.share = options.in_stock_share ?? 0.55;
    this.maxUnits = options.max_units ?? 4;
  }

  onHand(dealer_id: string, part_number: string): number {
    const h = hash(`${this.seed}|${dealer_id}|${part_number}`);
    if ((h % 10_000) / 10_000 >= this.share) return 0;
    return 1 + (Math.floor(h / 10_000) % this.maxUnits);
  }
}
