/**
 * Dealer parts stock, simulated: a stable pseudo-random quantity per dealer and part number,
 * so the same dealer always "has" the same parts across a day's runs. Labelled a simulation on
 * screen; the dealer-network work replaces it with stock data behind the same interface.
 */
import type { Inventory } from '../../actors/ports.js';

/** FNV-1a: a small, stable string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class SimulatedInventory implements Inventory {
  constructor(
    /** Share of (dealer, part) pairs in stock, 0..1. */
    private readonly inStockShare = 0.6,
    private readonly leadDays = 2,
  ) {}

  stockAt(dealer_id: string, part_number: string): number {
    const h = hash(`${dealer_id}|${part_number}`);
    return (h % 1000) / 1000 < this.inStockShare ? 1 + (h % 4) : 0;
  }

  centralLeadDays(): number {
    return this.leadDays;
  }
}
