/**
 * Every id the system mints, in one place. Records derive their id from the request that made
 * them, so a retry, a repeated Idempotency-Key or a restore finds the record instead of making a
 * second one. Pure functions, no I/O: the machines use them too.
 */

/** The actor-system id of a station's actor. */
export const stationSystemId = (station_id: string) => `station-${station_id}`;

/** The actor-system id of a station's simulator link. */
export const linkSystemId = (station_id: string) => `link-${station_id}`;

/** The n-th session of a station in one server run (`id_base` tells runs apart). */
export const sessionIdOf = (station_id: string, id_base: string, seq: number) =>
  `${station_id}-${id_base}-${seq}`;

/** A request the simulator link makes on its own (a press in the game, an auto-repair). */
export const linkRequestIdOf = (station_id: string, id_base: string, n: number) =>
  `rig-${station_id}-${id_base}-${n}`;

/** The damage report made by a crash request. */
export const damageIdOf = (request_id: string) => `dmg-${request_id}`;

/** The estimate of a damage report; markets other than the default get their own suffix. */
export function estimateIdOf(damage_id: string, market: string, defaultMarket: string): string {
  const base = `est-${damage_id.replace(/^dmg-/, '')}`;
  return market === defaultMarket ? base : `${base}-${market.toLowerCase()}`;
}

/** A dealer's pricing of an estimate (its version 2): "est-…@vw-rj-003". */
export const dealerEstimateIdOf = (estimate_id: string, dealer_id: string) =>
  `${estimate_id}@${dealer_id}`;

/** The appointment made by a booking request. */
export const appointmentIdOf = (request_id: string) => `apt-${request_id}`;

/** The invoice of an appointment. */
export const invoiceIdOf = (appointment_id: string) => `inv-${appointment_id.replace(/^apt-/, '')}`;
