/** Total loss: the grand total (gross in every market) against the vehicle's value. */
import { Decimal } from 'decimal.js';
import type { RepairEstimate } from '../../machines/schemas.js';
import type { Market } from '../catalog/schemas.js';
import { money, roundMoney } from './money.js';

/**
 * Total loss when the grand total reaches value × threshold: at or above it (rule
 * "at_or_above", Brazil's 75%) or only above it (rule "above", Germany: repair cost above the
 * replacement value); never for a vehicle of value 0. The ratio to 4 places, and the
 * percentage for the note to 1 place.
 */
export function totalLoss(
  grand: Decimal,
  value: Decimal.Value,
  threshold: number,
  rule: Market['total_loss']['rule'] = 'at_or_above',
): { summary: RepairEstimate['total_loss']; percent: string } {
  const vehicleValue = roundMoney(value);
  const ratio = vehicleValue.isZero() ? new Decimal(0) : grand.dividedBy(vehicleValue);
  const limit = vehicleValue.times(threshold);
  const reached = rule === 'above' ? grand.greaterThan(limit) : grand.greaterThanOrEqualTo(limit);
  const isTotalLoss = !vehicleValue.isZero() && reached;
  return {
    summary: {
      is_total_loss: isTotalLoss,
      vehicle_value: money(vehicleValue),
      repair_cost: money(grand),
      ratio: ratio.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toNumber(),
      threshold,
    },
    percent: ratio.times(100).toFixed(1, Decimal.ROUND_HALF_UP),
  };
}
