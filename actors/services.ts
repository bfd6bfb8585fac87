/**
 * The domain operations a session invokes — analyse, estimate, find dealers, check a dealer,
 * book, invoice — written once and used both by the session actors and by the stateless API
 * (the dealer network's own in actors/dealers/network.ts).
 * Each write is keyed by an id derived from the caller's request id, so a repeat is harmless.
 */
import type { Catalog } from './catalog/load.js';
import { analyzeDamage, modelNamedIn } from './damage/analyze.js';
import type { PartMapping } from './damage/mapping.js';
import { parseTelemetry } from './damage/telemetry.js';
import { createDealerNetwork, type DealerNetworkDeps } from './dealers/network.js';
import type { PartsNetwork } from './dealers/parts-plan.js';
import type { AuditEntry, AuditQuery } from './audit.js';
import type { HistoryQuery } from './history.js';
import { DomainError } from './errors.js';
import { estimateRepair } from './estimate/estimate.js';
import { invoiceOfBooking } from './invoice.js';
import type { Inventory, RecordStore } from './ports.js';
import type {
  Appointment,
  DamageReport,
  Dealer,
  Invoice,
  RepairEstimate,
} from '../machines/schemas.js';
import { damageIdOf, estimateIdOf } from '../machines/ids.js';
import type { AnalyzeDamageInput } from '../machines/session.js';

export interface ServiceDeps {
  catalog: Catalog;
  mapping: PartMapping;
  dealers: readonly Dealer[];
  store: RecordStore;
  inventory: Inventory;
  /** The parts centres and the courier between dealers (data/parts-network.json). */
  network: PartsNetwork;
  /** A CEP or city name as a position (the offline table); null when unknown. */
  resolvePlace?: DealerNetworkDeps['resolvePlace'];
  /** Wall-clock time for records (ids and timestamps); replays may pass their own. */
  now: () => Date;
}

/** The candidates for a crash's vehicle model, in the order `resolveVehicleModel` weighs them. */
export interface ModelChoice {
  /** Asked for explicitly (an API body): must be a known model. */
  requested?: string | null;
  /** Named by the telemetry itself. */
  named?: string | null;
  /** The simulator's word for the car (the link's vehicle). */
  simulator?: string | null;
  /** The station's configured model. */
  station?: string | null;
}

export type Services = ReturnType<typeof createServices>;

export function createServices(deps: ServiceDeps) {
  const { catalog, mapping, store } = deps;
  const componentList = [...catalog.components.values()];

  function supportedModels(): string[] {
    return [...catalog.vehicles.keys()];
  }

  /**
   * The one rule for which car a crash is: the model asked for explicitly (it must be known) >
   * the model the telemetry names (its vehicle fields or part-id prefixes, else the simulator's
   * word for the car) > the station's model.
   */
  function resolveVehicleModel(choice: ModelChoice): string {
    const asked = choice.requested ?? null;
    if (asked !== null) {
      if (!catalog.vehicles.has(asked)) {
        throw new DomainError(
          'unknown_vehicle_model',
          `Unknown vehicle model "${asked}". Supported: ${supportedModels().join(', ')}`,
          { supported: supportedModels() },
        );
      }
      return asked;
    }
    for (const named of [choice.named, choice.simulator, choice.station]) {
      if (named && catalog.vehicles.has(named)) return named;
    }
    throw new DomainError(
      'vehicle_model_required',
      `The telemetry does not say which car it is: send vehicle_model (one of ${supportedModels().join(', ')})`,
      { supported: supportedModels() },
    );
  }

  const dealerNetwork = createDealerNetwork(deps);
  const { dealer } = dealerNetwork;

  return {
    supportedModels,
    /** What `GET /api/health` says of the store. */
    storeStatus: () => store.status(),
    /** A session's journal, in order. */
    journalOf: (session_id: string) => store.journalOf(session_id),
    /** Finished sessions, newest first. */
    history: (query: HistoryQuery) => store.history(query),
    /** Records a staff action. */
    audit: (entry: Omit<AuditEntry, 'seq'>) => store.appendAudit(entry),
    /** The audit log, newest first. */
    auditLog: (query: AuditQuery) => store.audit(query),
    /** Display name of a model, e.g. "VW T-Cross"; the id itself when unknown. */
    vehicleName: (model: string) => catalog.vehicles.get(model)?.name ?? model,
    resolveVehicleModel,

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

    /**
     * The damage report of a crash request: made once (parsed once, analysed once, stored once)
     * and found again on any repeat — a retry, the session's analysis step after the intake, a
     * restore. Unreadable or empty telemetry and an unknown model throw their 4xx errors and store
     * nothing.
     */
    analyze(input: AnalyzeDamageInput): DamageReport {
      const damage_id = damageIdOf(input.request_id);
      const known = store.getDamage(damage_id);
      if (known) return known;
      const parsed = parseTelemetry(input.telemetry);
      const vehicle_model = resolveVehicleModel({
        requested: input.vehicle_model,
        named: modelNamedIn(parsed, mapping),
        simulator: input.simulator_model,
        station: input.station_model,
      });
      return store.saveDamage(
        analyzeDamage({
          telemetry: input.telemetry,
          parsed,
          vehicle_model,
          damage_id,
          session_id: input.session_id,
          now: deps.now(),
          mapping,
          components: componentList,
        }),
      );
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
      const estimate_id = estimateIdOf(damage.damage_id, market, catalog.defaultMarket);
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

    ...dealerNetwork,

    /** The invoice of an appointment: issued with its booking; one booked before invoices
     *  were issued at booking gets its documents now, numbered in the same series. */
    invoice(appointment: Appointment): Invoice {
      const known = store.getInvoiceForAppointment(appointment.appointment_id);
      if (known) return known;
      const estimate = store.getEstimate(appointment.estimate_id);
      if (!estimate)
        throw new DomainError('estimate_not_found', `No estimate "${appointment.estimate_id}"`);
      const issuer = dealer(appointment.dealer_id);
      return store.issueInvoice(appointment.appointment_id, (next) =>
        invoiceOfBooking({
          appointment,
          estimate,
          dealer: issuer,
          market: catalog.markets.get(estimate.market),
          issued_at: deps.now(),
          next,
        }),
      );
    },
  };
}
