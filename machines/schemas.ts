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
  /** Check and measure a part hit too lightly to condemn it (labour, no part). */
  'check',
  /** Work that completes a replacement: A/C evacuate and recharge, tyre mount and balance. */
  'service',
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
  /** Priced by this dealer (its state's market and its own labour rates): version 2 of the
   *  estimate, the same lines. Null: priced at the venue's market (version 1). */
  dealer_id: Id.nullable().default(null),
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
  /** The orçamento's payment terms (consumer code art. 40), as the market words them. */
  payment_terms: z.string().default(''),
  /** When the repair can start and be finished: known once a dealer prices it (its parts plan
   *  and calendar); null at the venue's pricing. */
  start_date: IsoDateTime.nullable().default(null),
  finish_date: IsoDateTime.nullable().default(null),
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

/** What a dealer's workshop offers (the search's `service` filter). */
export const DealerService = z.enum([
  'funilaria',
  'pintura',
  'mecanica',
  'eletrica',
  'alinhamento',
  'calibracao_adas',
]);
export type DealerService = z.infer<typeof DealerService>;

/** A dealer's own hourly labour rates per category, tax included in Brazil (its price list). */
export const LabourRates = z.object({
  body: Money,
  paint: Money,
  mechanical: Money,
  electrical: Money,
});
export type LabourRates = z.infer<typeof LabourRates>;

export const Dealer = z.object({
  dealer_id: Id,
  name: z.string(),
  cnpj: z.string(),
  street: z.string(),
  /** The bairro, as people name where a dealer is ("by courier from Vila Mariana"). */
  district: z.string().min(1),
  city: z.string(),
  /** The state (UF) decides the market: its taxes (ICMS, ISS) and invoice rules. */
  state: z.string().length(2),
  cep: z.string(),
  phone: z.string(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  services: z.array(DealerService).min(1),
  hours: OpeningHours,
  /** Repair bays in the workshop: how many repairs it runs at once. */
  bays: z.number().int().positive().max(60),
  labour_rates: LabourRates,
  courtesy_car: z.boolean(),
  illustrative: z.literal(true),
});
export type Dealer = z.infer<typeof Dealer>;

/** Where one part of a repair comes from: the dealer's own shelf, another dealer by courier,
 *  or the regional VW parts centre (holds everything, at a longer lead time). */
export const PartSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('own') }),
  z.object({ kind: z.literal('dealer'), dealer_id: Id }),
  z.object({ kind: z.literal('parts_centre') }),
]);
export type PartSource = z.infer<typeof PartSource>;

export const PlanLine = z.object({
  part_number: z.string(),
  part_name: z.string(),
  quantity: z.number().int().positive(),
  source: PartSource,
  /** When the part is on the repairing dealer's shelf. */
  eta: IsoDateTime,
  /** This line's share of the freight (its courier trip's, or the parts centre's order). */
  cost: Money,
});
export type PlanLine = z.infer<typeof PlanLine>;

/** One courier trip from a sending dealer (or the parts centre's order) with what it carries. */
export const PlanShipment = z.object({
  source: PartSource,
  /** The sender's name and bairro, for the screen's words; the parts centre's name. */
  from_name: z.string(),
  from_district: z.string().nullable(),
  /** Where it comes from, for the map's route line. */
  from_position: z.object({ lat: z.number(), lon: z.number() }),
  distance_km: z.number().nonnegative(),
  part_numbers: z.array(z.string()),
  cost: Money,
  eta: IsoDateTime,
});
export type PlanShipment = z.infer<typeof PlanShipment>;

/** The parts plan: how every part of an estimate gets to one dealer, cheapest then fastest. */
export const PartsPlan = z.object({
  dealer_id: Id,
  estimate_id: Id,
  currency: z.enum(['BRL', 'EUR']),
  /** The moment the plan was made for (the stock and the clock it read). */
  planned_at: IsoDateTime,
  lines: z.array(PlanLine),
  shipments: z.array(PlanShipment),
  transfer_cost: Money,
  /** When every part is on site (the plan's time if they all are already): no slot before. */
  ready_date: IsoDateTime,
});
export type PartsPlan = z.infer<typeof PartsPlan>;

/** What a search result says of an estimate's parts at that dealer (from its parts plan). */
export const DealerAvailability = z.object({
  estimate_id: Id,
  parts_count: z.number().int().nonnegative(),
  /** Part numbers on the dealer's own shelf, and those that must come from elsewhere. */
  held: z.array(z.string()),
  missing: z.array(z.string()),
  /** Missing parts that come by courier, per sending dealer. */
  by_courier: z.array(
    z.object({ dealer_id: Id, name: z.string(), district: z.string(), count: z.number().int() }),
  ),
  from_parts_centre: z.number().int().nonnegative(),
  transfer_cost: Money,
  ready_date: IsoDateTime,
  /** The first drop-off slot free from the ready date (bays and hours allowing); null if none in 30 days. */
  earliest_start: IsoDateTime.nullable(),
});
export type DealerAvailability = z.infer<typeof DealerAvailability>;

export const DealerHit = Dealer.extend({
  distance_km: z.number().nonnegative(),
  /** With an estimate: its parts at this dealer. */
  availability: DealerAvailability.nullable().default(null),
});
export type DealerHit = z.infer<typeof DealerHit>;

export const Slot = z.object({ start: IsoDateTime, end: IsoDateTime });
export type Slot = z.infer<typeof Slot>;

/** Who is bringing the car: optional, checked, and always demo data at the event. */
export const Contact = z
  .object({
    name: z.string().trim().min(2).max(80),
    email: z.email().max(120).optional(),
    /** A Brazilian mobile: +55, area code, 9 and eight digits ("+55 (21) 98765-4321" or bare digits). */
    mobile: z
      .string()
      .transform((v) => v.replace(/[\s().-]/g, ''))
      .pipe(
        z
          .string()
          .regex(
            /^(\+55)?[1-9][1-9]9\d{8}$/,
            'a Brazilian mobile: area code, 9 and eight digits, e.g. +55 (21) 98765-4321',
          ),
      )
      .optional(),
    demo: z.literal(true).default(true),
  })
  .refine((c) => c.email !== undefined || c.mobile !== undefined, {
    message: 'give an e-mail or a Brazilian mobile with the name',
    path: ['email'],
  });
export type Contact = z.infer<typeof Contact>;

export const Appointment = z.object({
  appointment_id: Id,
  request_id: Id,
  estimate_id: Id,
  dealer_id: Id,
  session_id: Id.nullable(),
  /** The drop-off slot at the service desk: one car per slot start. */
  slot_start: IsoDateTime,
  slot_end: IsoDateTime,
  /** When the repair is done: the labour hours in the dealer's opening hours from the drop-off;
   *  a bay is held from slot_start until then. */
  work_until: IsoDateTime,
  /** `rehearsal`: booked by a replay (a rehearsal): it holds no slot, bay or stock, and its
   *  invoice is numbered apart from the dealer's real sequence. */
  status: z.enum(['confirmed', 'cancelled', 'rehearsal']),
  /** How the parts get there, as planned at booking (the reserved stock). */
  parts_plan: PartsPlan,
  contact: Contact.nullable(),
  created_at: IsoDateTime,
  updated_at: IsoDateTime,
});
export type Appointment = z.infer<typeof Appointment>;

/** A party of a fiscal document: the issuing dealer, or the attendee. */
export const InvoiceParty = z.object({
  name: z.string().min(1),
  /** CNPJ (Brazil) or USt-IdNr. (Germany); null for a consumer without one. */
  tax_id: z.string().nullable(),
  tax_id_label: z.string(),
  /** Street and number, then postcode and city, as printed. */
  address_lines: z.array(z.string()),
});
export type InvoiceParty = z.infer<typeof InvoiceParty>;

export const DocumentLine = z.object({
  line_no: z.number().int().positive(),
  /** The part number, the service code or null. */
  code: z.string().nullable(),
  description: z.string(),
  /** Units, or hours to the hundredth (ZE). */
  quantity: z.number().nonnegative(),
  unit: z.enum(['UN', 'H', 'SV']),
  unit_price: Money,
  amount: Money,
  kind: z.enum(['part', 'labor', 'material', 'sublet']),
  /** The tax rate on this line, percent ("19.00"); null where the document states it once. */
  tax_rate: z.string().nullable(),
});
export type DocumentLine = z.infer<typeof DocumentLine>;

/**
 * One fiscal document as printed: an NF-e for the parts (printed as a DANFE), an NFS-e for the
 * services (Brazil), or a Rechnung (Germany). A simulation without fiscal value, and says so.
 */
export const FiscalDocument = z.object({
  kind: z.enum(['nfe', 'nfse', 'rechnung']),
  title: z.string(),
  /** The issuer's series: "1" (NF-e), "NFS" (NFS-e), "RE" (Rechnung); "…-ENSAIO" for a rehearsal. */
  series: z.string(),
  /** Gap-free per issuing dealer and series. */
  number: z.number().int().positive(),
  display_number: z.string(),
  issued_at: IsoDateTime,
  /** The date of supply (Leistungsdatum): the drop-off day. */
  supplied_on: z.iso.date(),
  seller: InvoiceParty,
  buyer: InvoiceParty,
  lines: z.array(DocumentLine),
  currency: z.enum(['BRL', 'EUR']),
  prices_include_tax: z.boolean(),
  /** Without tax; with it (Brazil: the tax contained); the document's total. */
  net_total: Money,
  tax_total: Money,
  grand_total: Money,
  /** Per tax and rate: ICMS (and FECP) on an NF-e, ISS on an NFS-e, VAT per rate on a Rechnung. */
  tax_lines: z.array(TaxLine),
  /** Lei 12.741/2012 on a Brazilian consumer document. */
  approximate_taxes: ApproximateTaxes.nullable(),
  /** LC 116/2003 item and national code of the services ("14.01 / 140101"), NFS-e only. */
  service_code: z.string().nullable(),
  /** The NF-e's 44-digit access key (simulated, with its check digit); null elsewhere. */
  access_key: z.string().nullable(),
  /** "Simulação — documento sem valor fiscal" and the like, printed plainly. */
  notices: z.array(z.string()).min(1),
});
export type FiscalDocument = z.infer<typeof FiscalDocument>;

/** What a booked repair is invoiced with: its fiscal documents, issued once at booking. */
export const Invoice = z.object({
  invoice_id: Id,
  /** The first document's number, for the screens ("NF-e 1/000.000.042"). */
  invoice_number: z.string(),
  appointment_id: Id,
  estimate_id: Id,
  dealer_id: Id,
  market: Id,
  issued_at: IsoDateTime,
  currency: z.enum(['BRL', 'EUR']),
  rehearsal: z.boolean(),
  documents: z.array(FiscalDocument).min(1),
  /** Σ of the documents' totals: the estimate's grand total to the cent. */
  grand_total: Money,
  /** Lei 12.741 over all documents (Brazil). */
  approximate_taxes: ApproximateTaxes.nullable(),
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
