/**
 * Schemas of the catalogue data files: data/components.json (canonical components shared by
 * every model), data/vehicles/*.json (parts ontology Vehicle → Assembly → Component → Parts +
 * Labour) and data/markets/*.json (rates, taxes, thresholds). Types are inferred from them.
 *
 * Rates, shares and thresholds are plain numbers (they are exact in JSON and become decimals
 * through `new Decimal(String(n))`); money is a decimal string like the session shapes.
 */
import { z } from 'zod';
import { ComponentName, LaborCategory, Money, PartCategory, Vec3 } from '../../machines/schemas.js';

/** Text in both screen languages. */
export const LocalizedText = z.object({ 'pt-BR': z.string().min(1), en: z.string().min(1) });
export type LocalizedText = z.infer<typeof LocalizedText>;

/**
 * VW part number `TTT HUU NNN [I] [FFF]`: model/platform, main group + subgroup, part
 * (odd = left, even = right), optional revision letter, optional colour/finish suffix.
 */
export const VW_PART_NUMBER = /^[0-9A-Z]{3} [0-9]{3} [0-9]{3}( [A-Z])?( [0-9A-Z]{3})?$/;

// ---------------------------------------------------------------- components.json

export const Component = z.object({
  id: ComponentName,
  name: LocalizedText,
  zone: z.enum(['front', 'rear', 'left', 'right', 'top', 'underbody', 'interior']),
  location: Vec3,
  painted: z.boolean(),
  /** Painted panels that touch this one: refinished together, they share a masked edge, which
   *  the overlap rule deducts (market paint.overlap). Which panels a refinish *blends* into is
   *  the market's paint.blend.into. */
  adjacent_panels: z.array(ComponentName),
});
export type Component = z.infer<typeof Component>;

export const ComponentsFile = z.object({
  $comment: z.string().optional(),
  components: z.array(Component).min(1),
});

// ---------------------------------------------------------------- vehicles/*.json

export const Currency = z.enum(['BRL', 'EUR']);
export type Currency = z.infer<typeof Currency>;

/** One amount per currency: BRL consumer price (tax included), EUR net. */
export const PriceByCurrency = z.object({ BRL: Money, EUR: Money });

export const VehiclePart = z.object({
  part_number: z
    .string()
    .regex(
      VW_PART_NUMBER,
      'part numbers follow the VW format "TTT HUU NNN [I] [FFF]", e.g. "5H0 807 221 GRU"',
    ),
  name: LocalizedText,
  category: PartCategory,
  price: PriceByCurrency,
  quantity: z.number().int().positive(),
  illustrative: z.literal(true),
});
export type VehiclePart = z.infer<typeof VehiclePart>;

/** Hours of one operation (VW bills in ZE = 1/100 h) and the labour category it is billed as. */
export const LabourOperation = z.object({
  hours: z.number().positive().multipleOf(0.01),
  category: LaborCategory,
});
export type LabourOperation = z.infer<typeof LabourOperation>;

/** Work that follows a replacement: A/C evacuate & recharge (condenser), tyre mount & balance (wheel). */
export const FollowUpOperation = z.enum(['ac_evacuate_recharge', 'tyre_mount_balance']);
export type FollowUpOperation = z.infer<typeof FollowUpOperation>;

export const VehicleComponent = z.object({
  /** Canonical id from data/components.json. */
  component: ComponentName,
  parts: z.array(VehiclePart).min(1),
  labour: z.object({
    replace: LabourOperation,
    /** Maximum repair hours, at damage level 1; null when the component is replace-only. */
    repair: LabourOperation.nullable(),
    /** Paint hours for the whole panel; null when the component is not painted. */
    refinish: LabourOperation.nullable(),
    /** Remove & install to reach something behind it; null when it cannot be removed (welded). */
    remove_install: LabourOperation.nullable(),
  }),
  repairable: z.boolean(),
  /** Driver-assistance sensor whose calibration a replace or R&I of this component requires. */
  adas: z.enum(['front_radar', 'front_camera']).nullable(),
  /** Components that must be removed & installed to work on this one (e.g. bumper for a grille). */
  access: z.array(ComponentName).default([]),
  /** Replacing or repairing this component requires a wheel alignment (sublet). */
  alignment: z.boolean().default(false),
  /** Repairing this component is done off the car (a bumper cover): a repair books its own R&I,
   *  and with it the calibration of its ADAS sensor. */
  remove_for_repair: z.boolean().default(false),
  /** Work a replacement of this component brings with it, priced by the market's follow_up. */
  on_replace: z.array(FollowUpOperation).default([]),
});
export type VehicleComponent = z.infer<typeof VehicleComponent>;

export const Assembly = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: LocalizedText,
  components: z.array(VehicleComponent).min(1),
});
export type Assembly = z.infer<typeof Assembly>;

export const Vehicle = z.object({
  $comment: z.string().optional(),
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  name: z.string().min(1),
  variant: z.string().min(1),
  year: z.number().int().min(2000).max(2100),
  /** World manufacturer identifier: 9BW built by VW do Brasil, WVW built in Germany. */
  vin_prefix: z.string().regex(/^[A-HJ-NPR-Z0-9]{3,8}$/),
  part_number_prefix: z.string().regex(/^[0-9A-Z]{3}$/),
  /** Replacement value: BRL consumer price, EUR gross replacement value (German total-loss basis). */
  vehicle_value: PriceByCurrency,
  illustrative: z.literal(true),
  assemblies: z.array(Assembly).min(1),
});
export type Vehicle = z.infer<typeof Vehicle>;

// ---------------------------------------------------------------- markets/*.json

const Share = z.number().min(0).max(1);
/** A tax rate in percent, e.g. 18 for ICMS in São Paulo. */
const Percent = z.number().min(0).max(100);

export const TaxBase = z.enum(['parts', 'services']);
export type TaxBase = z.infer<typeof TaxBase>;

export const MarketTax = z.object({
  name: z.string().min(1),
  rate: Percent,
  /** parts = parts + small parts (ICMS in Brazil); services = labour, paint materials, sublet (ISS). */
  applies_to: z.array(TaxBase).min(1),
});
export type MarketTax = z.infer<typeof MarketTax>;

const TaxSplit = z.object({ federal: Percent, state: Percent, municipal: Percent });

export const Market = z.object({
  $comment: z.string().optional(),
  id: z.string().regex(/^[A-Z]{2}(-[A-Z]{2})?$/),
  name: LocalizedText,
  country: z.string().length(2),
  region: z.string().nullable(),
  currency: Currency,
  /** Language of estimate descriptions and notes. */
  locale: z.enum(['pt-BR', 'en']),
  prices_include_tax: z.boolean(),
  labour_rates: z.record(LaborCategory, Money),
  paint_materials_per_hour: Money,
  small_parts_share: Share,
  sublet_prices: z.object({
    front_radar_calibration: Money,
    front_camera_calibration: Money,
    wheel_alignment: Money,
  }),
  paint: z.object({
    blend: z.object({
      /** Blend hours as a share of the blended panel's refinish hours. */
      share: Share,
      /** Per refinished panel, the painted panels it blends into when they are not refinished
       *  themselves (at most its neighbours in the same plane); a panel left out blends into none. */
      into: z.record(ComponentName, z.array(ComponentName)),
      /** Whether a refinish without repair or replace (a light scratch) blends too. */
      refinish_only: z.boolean(),
    }),
    clear_coat_first: Share,
    clear_coat_further: Share,
    clear_coat_cap_hours: z.number().nonnegative(),
    /** Overlap: the largest refinished panel is paid in full; every further one loses
     *  adjacent_hours when it touches another refinished panel, else non_adjacent_hours. */
    overlap: z.object({
      adjacent_hours: z.number().nonnegative().multipleOf(0.01),
      non_adjacent_hours: z.number().nonnegative().multipleOf(0.01),
    }),
  }),
  /** Labour for a non-repairable mechanical part hit below thresholds.mechanical_replace_from. */
  check_measure: LabourOperation,
  /** The work a replacement brings with it (VehicleComponent.on_replace). */
  follow_up: z.object({
    /** Evacuate and recharge the A/C circuit (R-1234yf): labour, plus the refrigerant charge as
     *  a material (other_totals.ac_refrigerant). */
    ac_evacuate_recharge: z.object({ labour: LabourOperation, refrigerant: Money }),
    /** Mount and balance the tyre on a new rim, per wheel. */
    tyre_mount_balance: z.object({ labour: LabourOperation }),
  }),
  /** The orçamento's payment terms (consumer code art. 40), in both screen languages. */
  payment_terms: LocalizedText,
  taxes: z.array(MarketTax),
  /** Lei 12.741/2012 approximate-tax shares (percent), Brazil only. */
  approximate_taxes: z
    .object({ source: z.string().min(1), parts: TaxSplit, services: TaxSplit })
    .nullable(),
  total_loss: z.object({
    threshold: z.number().positive(),
    /** at_or_above: repair cost ≥ value × threshold (Brazil's 75%); above: > (Germany: repair
     *  cost above the replacement value). */
    rule: z.enum(['at_or_above', 'above']),
    note: LocalizedText,
  }),
  estimate_validity_days: z.number().int().positive(),
  workshop_hours_per_day: z.number().positive(),
  parts_lead_time_days: z.number().int().nonnegative(),
  thresholds: z.object({
    /** Damage below this level needs no operation. */
    ignore_below: Share,
    /** Impact damage at or above this level is replaced, below it repaired. */
    replace_from: Share,
    /** A scratch at or above this level needs a light repair before refinish. */
    scratch_repair_from: Share,
    /** Share of the repair hours a scratch repair takes (at the scratch's damage level). */
    scratch_repair_factor: Share,
    /** Impact on a non-repairable mechanical part (steering rack, suspension, wheel, radiator)
     *  below this level is checked and measured (check_measure), from it on replaced. */
    mechanical_replace_from: Share,
  }),
});
export type Market = z.infer<typeof Market>;
