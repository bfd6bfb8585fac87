/**
 * The dealer network's routes: the locator, a dealer's slots, an estimate as a dealer prices it
 * and its parts plan, appointments (book, look up, move, cancel), and the offline map of the
 * venue's region.
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import type { Floor } from '../../actors/floor.js';
import { regionFor, MapRegion } from '../../actors/dealers/map-region.js';
import { DEFAULT_RADIUS_KM } from '../../actors/dealers/network.js';
import {
  Appointment,
  Contact,
  DealerHit,
  DealerService,
  Id,
  IsoDateTime,
  PartsPlan,
  RepairEstimate,
  Slot,
} from '../../machines/schemas.js';
import { ApiError } from './errors.js';
import {
  answer,
  apiRoutes,
  component,
  jsonBody,
  jsonOnly,
  pathId,
  refusal,
  unexpected,
  WriteHeaders,
  writeRefusals,
} from './openapi.js';
import { originOf } from './origin.js';

export interface DealerRouteDeps {
  floor: Floor;
  /** Where a search without a position or place starts: the event venue. */
  venue: { lat: number; lon: number };
  /** The offline maps (data/map/). */
  maps: readonly MapRegion[];
}

const coordinate = (max: number) => z.coerce.number().min(-max).max(max).optional();

const DealerSearchQuery = z
  .object({
    lat: coordinate(90),
    lon: coordinate(180),
    q: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('Where to search from: a CEP ("22041-001", "22041") or a city ("Niterói")'),
    radius_km: z.coerce
      .number()
      .positive()
      .max(500)
      .default(DEFAULT_RADIUS_KM)
      .describe('No result farther than this (km); 50 when not given'),
    service: DealerService.optional().describe('Only dealers offering this service'),
    open_on: z.iso.date().optional().describe('Only dealers open on this local date (yyyy-mm-dd)'),
    estimate_id: Id.optional().describe(
      'With an estimate: each result says which of its parts it holds, which are missing, and when the repair can start there',
    ),
    limit: z.coerce.number().int().positive().max(100).default(100),
  })
  .refine((q) => (q.lat === undefined) === (q.lon === undefined), {
    message: 'give both lat and lon, or neither',
    path: ['lat'],
  })
  .refine((q) => q.q === undefined || q.lat === undefined, {
    message: 'give a position (lat, lon) or a place (q), not both',
    path: ['q'],
  });

const SearchOrigin = z.object({
  lat: z.number(),
  lon: z.number(),
  label: z.string(),
  kind: z.enum(['position', 'place', 'venue']),
});

const DealerSearchAnswer = component(
  'DealerSearch',
  z.object({
    origin: SearchOrigin,
    radius_km: z.number().positive(),
    dealers: z.array(DealerHit),
  }),
);

const SlotsQuery = z.object({
  estimate_id: Id.optional().describe(
    'With an estimate: slots from its parts plan’s ready date, with a bay free for the whole repair',
  ),
});

const DealerSlots = component(
  'DealerSlots',
  z.object({
    dealer_id: Id,
    slots: z.array(Slot),
    parts_plan: PartsPlan.nullable(),
  }),
);

const BookBody = component(
  'BookingRequest',
  z.object({
    estimate_id: Id,
    dealer_id: Id,
    slot_start: IsoDateTime,
    session_id: Id.optional(),
    request_id: Id.optional(),
    contact: Contact.optional().describe(
      'Who brings the car: a name and an e-mail or a Brazilian mobile; demo data at the event',
    ),
  }),
);

const RescheduleBody = component('RescheduleRequest', z.object({ slot_start: IsoDateTime }));

const AppointmentParams = z.object({ appointment_id: pathId('Appointment id') });

/** Where a search by CEP or city starts: the place's position and name. */
const placeOrigin = ({ lat, lon, label }: { lat: number; lon: number; label: string }) => ({
  lat,
  lon,
  label,
  kind: 'place' as const,
});

export function dealerRoutes(deps: DealerRouteDeps) {
  const { floor } = deps;
  const services = floor.services;

  const dealers = apiRoutes()
    .openapi(
      createRoute({
        method: 'get',
        path: '/search',
        operationId: 'searchDealers',
        tags: ['Dealers'],
        summary: 'Dealers near a position, a CEP or a city (the venue when none is given)',
        description:
          'Nearest first by great-circle distance, none farther than `radius_km`. A CEP or city ' +
          'in `q` is placed by the offline CEP-prefix and city table.',
        request: { query: DealerSearchQuery },
        responses: {
          200: answer(DealerSearchAnswer, 'Nearest first; an empty list when none is in range'),
          400: refusal(['invalid_query']),
          404: refusal(['estimate_not_found']),
          422: refusal(['unknown_place']),
          ...unexpected,
        },
      }),
      (c) => {
        const q = c.req.valid('query');
        const origin: z.infer<typeof SearchOrigin> =
          q.lat !== undefined && q.lon !== undefined
            ? { lat: q.lat, lon: q.lon, label: `${q.lat}, ${q.lon}`, kind: 'position' }
            : q.q !== undefined
              ? placeOrigin(services.place(q.q))
              : { ...deps.venue, label: 'venue', kind: 'venue' };
        const estimate = q.estimate_id ? services.estimateById(q.estimate_id) : null;
        const hits = services.findDealers(origin, {
          radius_km: q.radius_km,
          limit: q.limit,
          estimate,
          ...(q.service ? { service: q.service } : {}),
          ...(q.open_on ? { open_on: q.open_on } : {}),
        });
        return c.json({ origin, radius_km: q.radius_km, dealers: hits }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/slots',
        operationId: 'listDealerSlots',
        tags: ['Dealers'],
        summary: "A dealer's free one-hour drop-off slots",
        request: {
          params: z.object({ id: pathId('Dealer id, e.g. "vw-sp-001"') }),
          query: SlotsQuery,
        },
        responses: {
          200: answer(DealerSlots, 'Free slots inside opening hours, earliest first'),
          400: refusal(['invalid_query']),
          404: refusal(['dealer_not_found', 'estimate_not_found']),
          ...unexpected,
        },
      }),
      (c) => {
        const dealer_id = c.req.param('id');
        const { estimate_id } = c.req.valid('query');
        const { plan, slots } = services.dealerSlots(dealer_id, estimate_id ?? null);
        return c.json({ dealer_id, slots, parts_plan: plan }, 200);
      },
    );

  const estimates = apiRoutes()
    .openapi(
      createRoute({
        method: 'get',
        path: '/{estimate_id}',
        operationId: 'getEstimateById',
        tags: ['Estimates'],
        summary: 'An estimate by id: the venue’s pricing, or a dealer’s (`…@vw-rj-003`)',
        request: { params: z.object({ estimate_id: pathId('Estimate id') }) },
        responses: {
          200: answer(RepairEstimate, 'As stored'),
          404: refusal(['estimate_not_found']),
          ...unexpected,
        },
      }),
      (c) => c.json(services.estimateById(c.req.param('estimate_id')), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{estimate_id}/parts-plan',
        operationId: 'getPartsPlan',
        tags: ['Estimates'],
        summary: 'How every part of an estimate gets to a dealer, cheapest then fastest',
        description:
          'Own stock first, then couriers from dealers nearby, the regional parts centre last; ' +
          'the same stock and clock give the same plan.',
        request: {
          params: z.object({ estimate_id: pathId('Estimate id') }),
          query: z.object({ dealer_id: Id.describe('The repairing dealer') }),
        },
        responses: {
          200: answer(PartsPlan, 'As the stock stands now'),
          400: refusal(['invalid_query']),
          404: refusal(['estimate_not_found', 'dealer_not_found']),
          ...unexpected,
        },
      }),
      (c) => {
        const { dealer_id } = c.req.valid('query');
        return c.json(services.partsPlan(c.req.param('estimate_id'), dealer_id), 200);
      },
    );

  const appointments = apiRoutes()
    .openapi(
      createRoute({
        method: 'post',
        path: '/book',
        operationId: 'bookAppointment',
        tags: ['Appointments'],
        summary: 'Book a slot for an estimate',
        description:
          'Atomic: of any number of requests for one slot exactly one wins; the others get 409 ' +
          '`slot_taken` with the next free slots in `details.next_slots`. The booking reserves ' +
          'the parts of its plan. With the `session_id` of a live session, the session books ' +
          'it, so every screen of its station follows; without one, the booking stands alone.',
        middleware: jsonOnly(BookBody),
        request: {
          headers: WriteHeaders,
          body: jsonBody(BookBody, 'The estimate, dealer and slot'),
        },
        responses: {
          201: answer(Appointment, 'Booked (a repeat with the same key: the same appointment)'),
          400: refusal(['invalid_body', 'invalid_json']),
          404: refusal(['estimate_not_found', 'dealer_not_found', 'session_not_found']),
          409: refusal(
            ['slot_taken', 'stock_changed', 'session_ended', 'not_accepted'],
            'the slot (or every bay) went to someone else, or the parts are not there by then (details.next_slots); or the session cannot book now',
          ),
          422: refusal(['slot_not_offered', 'estimate_mismatch', 'dealer_not_offered']),
          504: refusal(['timeout']),
          ...writeRefusals,
        },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const origin = originOf(c, 'api', body.request_id);
        if (body.session_id === undefined) {
          const appointment = services.book({
            request_id: origin.request_id ?? crypto.randomUUID(),
            session_id: null,
            estimate_id: body.estimate_id,
            dealer_id: body.dealer_id,
            slot_start: body.slot_start,
            contact: body.contact ?? null,
          });
          return c.json(appointment, 201);
        }
        // A live session books itself, so every screen of its station follows.
        const station_id = floor.stationOfSession(body.session_id);
        if (station_id === undefined) {
          if (floor.sessionView(body.session_id)) {
            throw new ApiError(
              'session_ended',
              `Session ${body.session_id} has ended: book without session_id, or on the station's new session`,
            );
          }
          throw new ApiError('session_not_found', `No session "${body.session_id}"`);
        }
        const { request_id } = floor.submit(
          station_id,
          {
            type: 'BOOKING_REQUESTED',
            payload: {
              estimate_id: body.estimate_id,
              dealer_id: body.dealer_id,
              slot_start: body.slot_start,
            },
          },
          origin,
        );
        return c.json(await floor.bookingOf(station_id, request_id), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{appointment_id}',
        operationId: 'getAppointment',
        tags: ['Appointments'],
        summary: 'An appointment by id',
        request: { params: AppointmentParams },
        responses: {
          200: answer(Appointment, 'As it stands (moved or cancelled included)'),
          404: refusal(['appointment_not_found']),
          ...unexpected,
        },
      }),
      (c) => c.json(services.appointment(c.req.param('appointment_id')), 200),
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/{appointment_id}',
        operationId: 'rescheduleAppointment',
        tags: ['Appointments'],
        summary: 'Move an appointment to another slot of its dealer',
        description:
          'Its parts stay reserved; the new slot must be free, with a bay free for the repair, ' +
          'and no earlier than its parts plan’s ready date.',
        middleware: jsonOnly(RescheduleBody),
        request: {
          params: AppointmentParams,
          headers: WriteHeaders,
          body: jsonBody(RescheduleBody, 'The new slot'),
        },
        responses: {
          200: answer(Appointment, 'Moved (the same slot again: unchanged)'),
          400: refusal(['invalid_body', 'invalid_json']),
          404: refusal(['appointment_not_found']),
          409: refusal(
            ['slot_taken', 'appointment_cancelled'],
            'the slot or every bay is taken, or before the parts are there (details.next_slots)',
          ),
          422: refusal(['slot_not_offered']),
          ...writeRefusals,
        },
      }),
      (c) => {
        const { slot_start } = c.req.valid('json');
        return c.json(services.reschedule(c.req.param('appointment_id'), slot_start), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/{appointment_id}',
        operationId: 'cancelAppointment',
        tags: ['Appointments'],
        summary: 'Cancel an appointment: frees its slot and bay and releases its parts',
        request: { params: AppointmentParams, headers: WriteHeaders },
        responses: {
          200: answer(Appointment, 'Cancelled (a repeat: the same)'),
          404: refusal(['appointment_not_found']),
          ...unexpected,
        },
      }),
      (c) => c.json(services.cancel(c.req.param('appointment_id')), 200),
    );

  const map = apiRoutes().openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'getMap',
      tags: ['Dealers'],
      summary: 'The offline map of the region around a point (approximate outlines)',
      request: {
        query: z.object({
          lat: z.coerce.number().min(-90).max(90),
          lon: z.coerce.number().min(-180).max(180),
        }),
      },
      responses: {
        200: answer(MapRegion, 'Coast, water, rivers, highways and places, simplified'),
        400: refusal(['invalid_query']),
        404: refusal(['no_map']),
        ...unexpected,
      },
    }),
    (c) => {
      const point = c.req.valid('query');
      const region = regionFor(deps.maps, point);
      if (!region) throw new ApiError('no_map', `No map covers ${point.lat}, ${point.lon}`);
      c.header('Cache-Control', 'public, max-age=3600');
      return c.json(region, 200);
    },
  );

  return { dealers, estimates, appointments, map };
}
