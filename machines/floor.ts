/**
 * The root of the running system: the event floor, holding one station actor per rig and one
 * simulator link per station that has a simulator. Stations and links are found by their
 * system ids (machines/ids.ts). Pure: the real session services and rig connection are
 * provided where the floor is assembled (`floorMachine.provide({ actors })`, actors/floor.ts).
 */
import { enqueueActions, setup } from 'xstate';
import { linkSystemId, stationSystemId } from './ids.js';
import { linkMachine, type LinkInput } from './link.js';
import { stationMachine, type StationInput } from './station.js';

/**
 * The format of the persisted snapshots of stations and sessions this build writes. Bump it when
 * a change to those machines makes stored snapshots unrestorable (a renamed state, a context
 * field changing its meaning): the stations then start fresh and their old sessions are set
 * aside instead of being restored wrongly.
 *
 * 2: the dealer network (dealers with bays and rates, the dealer's pricing and parts plan in a
 *    session, appointments holding bays and stock).
 * 3: invoices as fiscal documents (NF-e and NFS-e, or a Rechnung).
 */
export const SNAPSHOT_FORMAT = 3;

export interface FloorInput {
  stations: StationInput[];
  links: LinkInput[];
}

export const floorMachine = setup({
  types: {
    input: {} as FloorInput,
    context: {} as FloorInput,
  },
  actors: { station: stationMachine, link: linkMachine },
}).createMachine({
  id: 'floor',
  context: ({ input }) => input,
  entry: enqueueActions(({ enqueue, context }) => {
    for (const input of context.stations) {
      const id = stationSystemId(input.station_id);
      enqueue.spawnChild('station', { id, systemId: id, input });
    }
    for (const input of context.links) {
      const id = linkSystemId(input.station_id);
      enqueue.spawnChild('link', { id, systemId: id, input });
    }
  }),
});

export type FloorMachine = typeof floorMachine;
