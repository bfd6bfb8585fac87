/**
 * The domain operations a session invokes — analyse, estimate, find dealers, check a dealer,
 * book, invoice — written once and used both by the session actors and by the stateless API.
 * Each write is keyed by an id derived from the caller's request id, so a repeat is harmless.
 */
import type { Catalog } from './catalog/load.js';
import { analyzeDamage, detectVehicleModel } from './damage/analyze.js';
import type { PartMapping } from './damage/mapping.js';
import { parseTelemetry } from './damage/telemetry.js';
import { searchDealers } from './dealers/search.js';
import { openSlots } from './dealers/slots.js';
import { DomainError } from './errors.js';
import { estimateRepair } from './estimate/estimate.js';
import { buildInvoice } from './invoice.js';
import type { Inventory, RecordStore } from './ports.js';
import type {
  Appointment,
  DamageReport,
  Dealer,
  DealerHit,
  Invoice,
  RepairEstimate,
  Slot,
} from '../machines/schemas.js';
import type { GeoPoint } from '../machines/session.js';

export interface ServiceDeps {
  catalog: Catalog;
  mapping: PartMapping;
  dealers: readonly Dealer[];
  store: RecordStore;
  inventory: Inventory;
  /** Wall-clock time for records (ids and timestamps); replays may pass their own. */
  now: () => Date;
}

export interface AnalyzeRequest {
  request_id: string;
  session_id: string | null;
  telemetry: unknown;
  /** Asked for explicitly (API body): must be a known model. */
  vehicle_model?: string | null;
  /** The station's configured model: used when neither the request nor the telemetry names one. */
  fallback_model?: string | null;
}

export interface BookRequest {
  request_id: string;
  session_id: string | null;
  estimate_id: string;
  dealer_id: string;
  slot_start: string;
}

/** How many dealers a kiosk offers. */
const DEALERS_OFFERED = 6;

export type Services = ReturnType<typeof createServices>;

export function createServices(deps: ServiceDeps) {
  const { catalog, mapping, store, inventory } = deps;
  const dealerById = new Map(deps.dealers.map((d) => [d.dealer_id, d]));
  const componentList = [...catalog.components.values()];

  function supportedModels(): string[] {
    return [...catalog.vehicles.keys()];
  }

  /** The model an analysis is for: asked > detected in the telemetry > the station's. When none can be
   *  found, unreadable telemetry is the better answer to give, so that is checked first. */
  function resolveVehicleModel(
    req: Pick<AnalyzeRequest, 'telemetry' | 'vehicle_model' | 'fallback_model'>,
  ): string {
    try {
      return resolveVehicleModelOrThrow(req);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'vehicle_model_required')
        parseTelemetry(req.telemetry);
      throw err;
    }
  }

  function resolveVehicleModelOrThrow(
    req: Pick<AnalyzeRequest, 'telemetry' | 'vehicle_model' | 'fallback_model'>,
  ): string {
    const asked = req.vehicle_model ?? null;
    if (asked !== null) {
      if (!catalog.vehicles.has(asked)) {
        throw new DomainError(
          'unknown_vehicle_model',
          `Unknown vehicle model "${asked}". Supported: ${supportedModels().join(', ')}`,
          {
            supported: supportedModels(),
          },
        );
      }
      return asked;
    }
    const detected = detectVehicleModel(req.telemetry, mapping);
    if (detected && catalog.vehicles.has(detected)) return detected;
    if (req.fallback_model && catalog.vehicles.has(req.fallback_model)) return req.fallback_model;
    throw new DomainError(
      'vehicle_model_required',
      `The telemetry does not say which car it is: send vehicle_model (one of ${supportedModels().join(', ')})`,
      { supported: supportedModels() },
    );
  }

  /** The report of a crash under the given id; stores nothing. */
  function analyseAs(damage_id: string, req: Omit<AnalyzeRequest, 'request_id'>): DamageReport {
    return analyzeDamage({
      telemetry: req.telemetry,
      vehicle_model: resolveVehicleModel(req),
      damage_id,
      session_id: req.session_id,
      now: deps.now(),
      mapping,
      components: componentList,
    });
  }

  /** Analyses without storing anything: the check the API runs before a crash reaches a station. */
  function dryRunAnalysis(req: Omit<AnalyzeRequest, 'request_id'>): DamageReport {
    return analyseAs('dmg-dry-run', req);
  }

  function dealer(dealer_id: string): Dealer {
    const found = dealerById.get(dealer_id);
    if (!found) throw new DomainError('dealer_not_found', `No dealer "${dealer_id}"`);
    return found;
  }

  return {
    supportedModels,
    /** Display name of a model, e.g. "VW T-Cross"; the id itself when unknown. */
    vehicleName: (model: string) => catalog.vehicles.get(model)?.name ?? model,
    resolveVehicleModel,
    dealer,

    /** What `GET /api/vehicles` lists for one model. */
    vehicleSummary(id: string) {
      const v = catalog.vehicles.get(id)!;
      const components = v.assemblies.reduce((n, a) => n + a.components.length, 0);
      return {
        id: v.id,
        name: v.name,
        variant: v.variant,
        year: v.year,
        assemblies: v.assemblies.length,
        components,
      };
    },

    damage(damage_id: string): DamageReport {
      const report = store.getDamage(damage_id);
      if (!report) throw new DomainError('damage_not_found', `No damage report "${damage_id}"`);
      return report;
    },

    appointment(appointment_id: string): Appointment {
      const found = store.getAppointment(appointment_id);
      if (!found)
        throw new DomainError('appointment_not_found', `No appointment "${appointment_id}"`);
      return found;
    },

    dryRunAnalysis,

    /**
     * Proves a crash for a station would make a report — unreadable or empty telemetry and an
     * unknown model throw their 4xx errors — without storing anything; returns the model to use
     * (read from the telemetry, else the station's).
     */
    vetCrash(telemetry: unknown, station: { vehicle_model: string; session_id: string }): string {
      const vehicle_model = resolveVehicleModel({
        telemetry,
        vehicle_model: null,
        fallback_model: station.vehicle_model,
      });
      dryRunAnalysis({ telemetry, vehicle_model, session_id: station.session_id });
      return vehicle_model;
    },

    analyze(req: AnalyzeRequest): DamageReport {
      const damage_id = `dmg-${req.request_id}`;
      return store.getDamage(damage_id) ?? store.saveDamage(analyseAs(damage_id, req));
    },

    /** The estimate of a damage report in a market; one per (damage, market), made once. */
    estimate(damage: DamageReport, market: string = catalog.defaultMarket): RepairEstimate {
      const marketData = catalog.markets.get(market);
      if (!marketData) {
        throw new DomainError(
          'unknown_market',
          `Unknown market "${market}". Known: ${[...catalog.markets.keys()].join(', ')}`,
        );
      }
      const base = damage.damage_id.replace(/^dmg-/, 'est-');
      const estimate_id =
        market === catalog.defaultMarket ? base : `${base}-${market.toLowerCase()}`;
      const known = store.getEstimate(estimate_id);
      if (known) return known;
      const vehicle = catalog.vehicles.get(damage.vehicle_model);
      if (!vehicle)
        throw new DomainError(
          'unknown_vehicle_model',
          `Unknown vehicle model "${damage.vehicle_model}"`,
        );
      return store.saveEstimate(
        estimateRepair({
          damage,
          vehicle,
          market: marketData,
          components: catalog.components,
          estimate_id,
          now: deps.now(),
        }),
      );
    },

    findDealers(
      location: GeoPoint,
      options: { radius_km?: number; q?: string; limit?: number } = {},
    ): DealerHit[] {
      return searchDealers(deps.dealers, { ...location, limit: DEALERS_OFFERED, ...options });
    },

    /** Slots at a dealer from the day every part of the estimate can be there. */
    checkDealer(dealer_id: string, estimate: RepairEstimate | null): Slot[] {
      const found = dealer(dealer_id);
      const now = deps.now();
      let leadDays = 0;
      for (const part of estimate?.parts ?? []) {
        if (inventory.stockAt(dealer_id, part.part_number) < part.quantity) {
          leadDays = Math.max(leadDays, inventory.centralLeadDays(dealer_id));
        }
      }
      const earliest = new Date(now.getTime() + leadDays * 86_400_000);
      return openSlots(found, { now, earliest, taken: store.takenSlots(dealer_id) });
    },

    book(req: BookRequest): Appointment {
      const estimate = store.getEstimate(req.estimate_id);
      if (!estimate)
        throw new DomainError('estimate_not_found', `No estimate "${req.estimate_id}"`);
      const found = dealer(req.dealer_id);
      const start = Date.parse(req.slot_start);
      const offered = openSlots(found, { now: deps.now(), days: 30, per_day: 24 }).find(
        (s) => Date.parse(s.start) === start,
      );
      if (!offered) {
        throw new DomainError(
          'slot_not_offered',
          `Dealer ${req.dealer_id} offers no slot starting at ${req.slot_start}`,
        );
      }
      const appointment: Appointment = {
        appointment_id: `apt-${req.request_id}`,
        request_id: req.request_id,
        estimate_id: req.estimate_id,
        dealer_id: req.dealer_id,
        session_id: req.session_id,
        slot_start: offered.start,
        slot_end: offered.end,
        status: 'confirmed',
        created_at: deps.now().toISOString(),
      };
      return store.book(appointment);
    },

    invoice(appointment: Appointment): Invoice {
      const known = store.getInvoiceForAppointment(appointment.appointment_id);
      if (known) return known;
      const estimate = store.getEstimate(appointment.estimate_id);
      if (!estimate)
        throw new DomainError('estimate_not_found', `No estimate "${appointment.estimate_id}"`);
      const issuer = dealer(appointment.dealer_id);
      const year = deps.now().getUTCFullYear();
      const seq = store.nextInvoiceNumber(issuer.dealer_id);
      return store.saveInvoice(
        buildInvoice({
          invoice_id: appointment.appointment_id.replace(/^apt-/, 'inv-'),
          invoice_number: `${issuer.dealer_id.toUpperCase()}-${year}-${String(seq).padStart(6, '0')}`,
          issued_at: deps.now(),
          appointment,
          estimate,
          dealer: issuer,
        }),
      );
    },
  };
}
