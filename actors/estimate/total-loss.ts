/** Total loss: the grand total (gross in every market) against the vehicle's value. */
import { Decimal } from 'decimal.js';
import type { RepairEstimate } from '../../machines/schemas.js';
import { money, roundMoney } from './money.js';

/**
 * Total loss from grand total ≥ value × threshold on (never for a vehicle of value 0); the
 * ratio to 4 places, and the percentage for the note to 1 place.
 */
export function totalLoss(
  grand: Decimal,
  value: Decimal.Value,
  threshold: number,
): { summary: RepairEstimate['total_loss']; percent: string } {
  const vehicleValue = roundMoney(value);
  const ratio = vehicleValue.isZero() ? new Decimal(0) : grand.dividedBy(vehicleValue);
  const isTotalLoss =
    !vehicleValue.isZero() && grand.greaterThanOrEqualTo(vehicleValue.times(threshold));
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
