/** Rounding: money half-up to the cent and hours half-up to 0.01 h, where each amount is made. */
import { Decimal } from 'decimal.js';

/** Rounds half-up to the cent. */
export function roundMoney(value: Decimal.Value): Decimal {
  return new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Serialises money as a two-decimal string, rounding half-up: "1234.50". */
export function money(value: Decimal.Value): string {
  return roundMoney(value).toFixed(2);
}

/** Rounds hours half-up to 0.01 h (1 ZE). */
export function roundHours(value: Decimal.Value): Decimal {
  return new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}
