/**
 * The shapes a session carries: the one source of truth for what crosses a boundary
 * (HTTP bodies and answers, WebSocket messages, persisted snapshots). Types are inferred.
 *
 * They live beside the machines because they are the machines' context: everything here is
 * plain JSON (money as decimal strings, times as ISO-8601), so a snapshot can be stored and
 * restored as it is. Field names follow the client's seed data models (snake_case).
 */
import { z } from 'zod';

/** A decimal amount carried as a string with exactly two decimals, e.g. "1234.50". */
export const Money = z
  .string()
  .regex(/^-?\d+\.\d{2}$/, 'money is a decimal string with two decimals, e.g. "1234.50"');
export type Money = z.infer<typeof Money>;

export const IsoDateTime = z.iso.datetime({ offset: true });
export const Id = z.string().min(1).max(128);
export const ComponentName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'component names are snake_case ids, e.g. "front_bumper"');

export const DamageType = z.enum(['impact', 'scratch', 'destroyed']);
export type DamageType = z.infer<typeof DamageType>;

export const Vec3 = z.tuple([z.number(), z.number(), z.number()]);

/** One damaged component of the car, as the seed's ComponentDamage. */
export const ComponentDamage = z.object({
  component_name: ComponentName,
  damage_level: z.number().min(0).max(1),
  damage_type: DamageType,
  location: Vec3,
  /** Telemetry ids (BeamNG part ids, deform groups, mod keys) that contributed to this component. */
  sources: z.array(z.string()).default([]),
  /** How sure the mapping from telemetry to this component is, 0..1. */
  confidence: z.number().min(0).max(1).default(1),
});
export type ComponentDamage = z.infer<typeof ComponentDamage>;

/** A telemetry entry that could not be mapped to a component: reported, never dropped. */
export const UnmappedPart = z.object({
  id: z.string(),
  name: z.string().nullable().default(null),
  damage: z.number(),
});
export type UnmappedPart = z.infer<typeof UnmappedPart>;

export const TelemetryShape = z.enum(['beamng_sensor', 'legacy_mod', 'normalized', 'manual']);
export type TelemetryShape = z.infer<typeof TelemetryShape>;

/** The seed's DamageReport, plus its id, its source shape and what could not be mapped. */
export const DamageReport = z.object({
  damage_id: Id,
  vehicle_model: Id,
  session_id: Id.nullable(),
  crash_timestamp: IsoDateTime,
  components: z.array(ComponentDamage),
  /** Overall severity 0..1 (0 = untouched, 1 = wrecked). */
  severity_score: z.number().min(0).max(1),
  unmapped_parts: z.array(UnmappedPart),
  source_shape: TelemetryShape,
});
export type DamageReport = z.infer<typeof DamageReport>;

export const Operation = z.enum([
  'replace',
  'repair',
  'refinish',
  'blend',
  'remove_install',
  'sublet',
]);
export type Operation = z.infer<typeof Operation>;
export const LaborCategory = z.enum(['body', 'paint', 'mechanical', 'electrical']);
export type LaborCategory = z.infer<typeof LaborCategory>;
export const PartCategory = z.enum(['body', 'mechanical', 'electrical']);

/** The seed's PartsRequirement: one priced part. */
export const PartsRequirement = z.object({
  line_no: z.number().int().positive(),
  part_number: z.string(),
  part_name: z.string(),
  component_name: ComponentName,
  quantity: z.number().int().positive(),
  unit_price: Money,
  category: PartCategory,
  labor_hours: z.number().nonnegative(),
  confidence: z.number().min(0).max(1),
  illustrative: z.literal(true),
});
export type PartsRequirement = z.infer<typeof PartsRequirement>;

/** One numbered estimate line: an operation on a component. */
export const EstimateLine = z.object({
  line_no: z.number().int().positive(),
  operation: Operation,
  component_name: ComponentName,
  description: z.string(),
  part_number: z.string().nullable(),
  quantity: z.number().int().nonnegative(),
  unit_price: Money.nullable(),
  labor_hours: z.number().nonnegative(),
  labor_category: LaborCategory.nullable(),
  /** Parts + labour of this line (sublet lines carry their sublet amount). */
  amount: Money,
  confidence: z.number().min(0).max(1),
});
export type EstimateLine = z.infer<typeof EstimateLine>;

export const LaborLine = z.object({
  category: LaborCategory,
  hours: z.number().nonnegative(),
  rate: Money,
  amount: Money,
});
export type LaborLine = z.infer<typeof LaborLine>;

export const TaxLine = z.object({
  name: z.string(),
  rate: z.string(),
  base: Money,
  amount: Money,
  included: z.boolean(),
});

/** Lei 12.741/2012 "approximate taxes" line, Brazil only. */
export const ApproximateTaxes = z.object({
  total: Money,
  percent: z.string(),
  federal: Money,
  state: Money,
  municipal: Money,
  source: z.string(),
});

export const TotalLoss = z.object({
  is_total_loss: z.boolean(),
  vehicle_value: Money,
  repair_cost: Money,
  ratio: z.number().nonnegative(),
  threshold: z.number().positive(),
});

/** The seed's RepairEstimate. Invariants (checked in tests for every sample):
 *  parts_total = Σ unit_price × quantity over parts;
 *  grand_total = parts_total + labor_total + Σ other_totals + (prices_include_tax ? 0 : tax). */
export const RepairEstimate = z.object({
  estimate_id: Id,
  version: z.number().int().positive(),
  vehicle_model: Id,
  vehicle_name: z.string(),
  damage_report_id: Id,
  session_id: Id.nullable(),
  market: Id,
  currency: z.enum(['BRL', 'EUR']),
  prices_include_tax: z.boolean(),
  created_at: IsoDateTime,
  valid_until: IsoDateTime,
  lines: z.array(EstimateLine),
  parts: z.array(PartsRequirement),
  labor: z.array(LaborLine),
  labor_total: Money,
  parts_total: Money,
  other_totals: z.record(z.string(), Money),
  tax: Money,
  tax_lines: z.array(TaxLine),
  approximate_taxes: ApproximateTaxes.nullable(),
  grand_total: Money,
  /** ISO-8601 duration, e.g. "P2DT4H": workshop time plus parts lead time. */
  estimated_duration: z.string().regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/),
  total_loss: TotalLoss,
  notes: z.array(z.string()),
});
export type RepairEstimate = z.infer<typeof RepairEstimate>;

export const OpeningHours = z.record(
  z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']),
  z.tuple([z.string(), z.string()]).nullable(),
);

export const Dealer = z.object({
  dealer_id: Id,
  name: z.string(),
  cnpj: z.string(),
  street: z.string(),
  city: z.string(),
  state: z.string(),
  cep: z.string(),
  phone: z.string(),
  lat: z.number(),
  lon: z.number(),
  services: z.array(z.string()),
  hours: OpeningHours,
  labor_rate_factor: z.number().positive().default(1),
  illustrative: z.literal(true),
});
export type Dealer = z.infer<typeof Dealer>;

export const DealerHit = Dealer.extend({ distance_km: z.number().nonnegative() });
export type DealerHit = z.infer<typeof DealerHit>;

export const Slot = z.object({ start: IsoDateTime, end: IsoDateTime });
export type Slot = z.infer<typeof Slot>;

export const Appointment = z.object({
  appointment_id: Id,
  request_id: Id,
  estimate_id: Id,
  dealer_id: Id,
  session_id: Id.nullable(),
  slot_start: IsoDateTime,
  slot_end: IsoDateTime,
  /** `rehearsal`: booked by a replay (a rehearsal): it holds no slot, and its invoice is
   *  numbered apart from the dealer's real sequence. */
  status: z.enum(['confirmed', 'cancelled', 'rehearsal']),
  created_at: IsoDateTime,
});
export type Appointment = z.infer<typeof Appointment>;

export const InvoiceLine = z.object({
  line_no: z.number().int().positive(),
  description: z.string(),
  part_number: z.string().nullable(),
  quantity: z.number().nonnegative(),
  unit_price: Money,
  amount: Money,
  kind: z.enum(['part', 'labor', 'other']),
});

export const Invoice = z.object({
  invoice_id: Id,
  invoice_number: z.string(),
  appointment_id: Id,
  estimate_id: Id,
  issued_at: IsoDateTime,
  currency: z.enum(['BRL', 'EUR']),
  seller: z.object({ name: z.string(), tax_id: z.string(), address: z.string() }),
  buyer: z.object({ name: z.string() }),
  lines: z.array(InvoiceLine),
  prices_include_tax: z.boolean(),
  net_total: Money,
  tax: Money,
  tax_lines: z.array(TaxLine),
  approximate_taxes: ApproximateTaxes.nullable(),
  grand_total: Money,
  illustrative: z.literal(true),
});
export type Invoice = z.infer<typeof Invoice>;

/** An error a person can act on, kept in context so screens can show it. */
export const SessionError = z.object({ code: z.string(), message: z.string() });
export type SessionError = z.infer<typeof SessionError>;

export const Locale = z.enum(['pt-BR', 'en']);
export type Locale = z.infer<typeof Locale>;

/** Where an event came from: what the journal records for replays and audits. */
export const EventSource = z.enum(['kiosk', 'staff', 'simulator', 'mod', 'replay', 'timer', 'api']);
export type EventSource = z.infer<typeof EventSource>;

/** Live damage shown on the landing screen while the attendee drives. */
export const LiveDamage = z.object({
  total_damage: z.number().nonnegative(),
  received_at: IsoDateTime,
});
