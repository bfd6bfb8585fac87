/**
 * Damage analysis: telemetry in, DamageReport out. Pure: no I/O, no clock (the caller passes
 * `now`), mapping data and the component catalogue passed in (see mapping.ts for loading).
 *
 * Steps: recognise and validate the shape (telemetry.ts), resolve every telemetry entry to
 * components with the rules in data/part-mapping (mapping.ts), merge the contributions per
 * component (max level, all sources, best confidence), classify, locate, score.
 * The thresholds and the severity formula are documented beside their values in
 * data/part-mapping/common.json.
 */
import { type DamageReport } from '../../machines/schemas.js';
import type { ComponentDamage, DamageType, UnmappedPart } from '../../machines/schemas.js';
import { matchPart, modelOfAlias, modelOfPrefix, type PartMatch } from './mapping.js';
import type { ComponentRef, PartMapping } from './mapping.js';
import {
  legacyBrokenParts,
  legacyPartEntries,
  parseTelemetry,
  TelemetryError,
} from './telemetry.js';
import type { DamageEntry, ParsedTelemetry } from './telemetry.js';

export interface AnalysisArgs {
  /** The raw payload, any accepted shape (see telemetry.ts). */
  telemetry: unknown;
  /** The payload already parsed by the caller (so it is parsed once); parsed here when absent. */
  parsed?: ParsedTelemetry;
  /** The car's model when the caller knows it (the rig's configuration); wins over detection. */
  vehicle_model?: string;
  damage_id: string;
  session_id: string | null;
  /** Used as crash_timestamp when the payload carries none. */
  now: Date;
  mapping: PartMapping;
  components: ReadonlyArray<ComponentRef>;
}

/** One piece of evidence for one component. */
interface Contribution {
  component: string;
  level: number;
  confidence: number;
  source: string;
  destroyed: boolean;
  /** A type stated by the payload itself (normalized shape). */
  statedType?: DamageType;
}

const SEVERITY_RANK = { light: 0, moderate: 1, severe: 2 } as const;

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Turns crash telemetry into a DamageReport. Throws TelemetryError: `telemetry_invalid`
 * (with field paths), `telemetry_empty` (nothing above the noise threshold), or
 * `vehicle_model_required` (none given, none in the payload).
 */
export function analyzeDamage(input: AnalysisArgs): DamageReport {
  const { mapping } = input;
  const t = mapping.common.thresholds;
  const parsed = input.parsed ?? parseTelemetry(input.telemetry);

  const vehicleModel =
    input.vehicle_model?.trim() || modelNamedIn(parsed, mapping) || declaredModel(parsed);
  if (!vehicleModel) {
    throw new TelemetryError(
      'vehicle_model_required',
      'the vehicle model was not given and cannot be read from the telemetry',
      [{ path: ['vehicle_model'], message: 'required when the payload does not name the model' }],
    );
  }
  // Model-specific overrides apply to a known model, however the caller spelled it.
  const overrideModel = mapping.models.some((m) => m.model === vehicleModel)
    ? vehicleModel
    : modelOfAlias(vehicleModel, mapping);

  const { catalogue, componentIds } = indexComponents(input.components);
  const contributions: Contribution[] = [];
  const unmapped = new Map<string, UnmappedPart>();
  const addUnmapped = (id: string, name: string | null, damage: number) => {
    const prev = unmapped.get(id);
    if (!prev || damage > prev.damage)
      unmapped.set(id, { id, name: name ?? prev?.name ?? null, damage: round3(damage) });
  };

  /** Maps one id-bearing entry; `broken` marks the legacy mod's broken parts. */
  const mapEntry = (entry: DamageEntry, broken = false) => {
    if (entry.damage < t.noise) return;
    const match = cachedMatch(entry.id, entry.name, mapping, componentIds, overrideModel);
    if (!match || match.components.length === 0)
      return addUnmapped(entry.id, entry.name, entry.damage);
    const confidence = mapping.common.confidence[match.kind];
    const destroyed =
      broken || (match.breakGroup && match.breakDestroys && entry.damage >= t.break_min);
    for (const component of match.components) {
      const level = clamp01(entry.damage * match.weight);
      contributions.push({
        component,
        level: destroyed ? Math.max(level, t.destroyed_at) : level,
        confidence,
        source: entry.id,
        destroyed,
      });
    }
  };

  let accumulator: number | null = null;
  let crashTime: Date | null = null;

  switch (parsed.shape) {
    case 'beamng_sensor': {
      accumulator = parsed.payload.damage;
      for (const e of parsed.payload.part_damage) mapEntry(e);
      for (const e of parsed.payload.deform_group_damage) mapEntry(e);
      break;
    }
    case 'legacy_mod': {
      const ev = parsed.event;
      accumulator = ev.damage.total_damage ?? null;
      crashTime = legacyTime(ev.timestamp_iso, ev.timestamp);
      for (const e of legacyPartEntries(ev)) mapEntry(e);
      for (const b of legacyBrokenParts(ev)) mapEntry({ id: b.id, name: b.name, damage: 1 }, true);
      applyLegacyZones(ev.damage.damage_by_zone, contributions, catalogue, mapping, addUnmapped);
      break;
    }
    case 'normalized': {
      const n = parsed.telemetry;
      crashTime = n.crash_timestamp ? new Date(n.crash_timestamp) : null;
      for (const c of n.components) {
        if (c.damage_level < t.noise) continue;
        if (componentIds.has(c.component_name)) {
          contributions.push({
            component: c.component_name,
            level: c.damage_level,
            confidence: mapping.common.confidence.exact,
            source: c.component_name,
            destroyed: false,
            ...(c.damage_type ? { statedType: c.damage_type } : {}),
          });
        } else {
          // Not a canonical id: try it as a part id, then as a display name.
          mapEntry({ id: c.component_name, name: c.component_name, damage: c.damage_level });
        }
      }
      break;
    }
    case 'manual': {
      const { severity_levels, zones } = mapping.common.manual;
      for (const { zone, severity } of parsed.telemetry.zones) {
        for (const reach of zones[zone]) {
          if (SEVERITY_RANK[reach.from] > SEVERITY_RANK[severity]) continue;
          contributions.push({
            component: reach.component,
            level: clamp01(severity_levels[severity] * reach.weight),
            confidence: mapping.common.confidence.zone,
            source: `manual.${zone}.${severity}`,
            destroyed: false,
          });
        }
      }
      break;
    }
  }

  const components = mergeContributions(contributions, catalogue, mapping);
  const unmappedParts = [...unmapped.values()].sort(
    (a, b) => b.damage - a.damage || a.id.localeCompare(b.id),
  );
  if (components.length === 0 && unmappedParts.length === 0) {
    throw new TelemetryError(
      'telemetry_empty',
      `no damage above the noise threshold (${t.noise}) in the ${parsed.shape} telemetry`,
    );
  }

  // Built to the DamageReport type; not re-parsed here (that doubled the cost of an analysis —
  // test/actors/damage.test.ts checks every report against the schema instead).
  return {
    damage_id: input.damage_id,
    vehicle_model: vehicleModel,
    session_id: input.session_id,
    crash_timestamp: (crashTime ?? input.now).toISOString(),
    components,
    severity_score: severityScore(components, accumulator, mapping),
    unmapped_parts: unmappedParts,
    source_shape: parsed.shape,
  } satisfies DamageReport;
}

const componentIndexes = new WeakMap<
  ReadonlyArray<ComponentRef>,
  { catalogue: Map<string, ComponentRef>; componentIds: Set<string> }
>();

/** The component list by id, built once per list. */
function indexComponents(components: ReadonlyArray<ComponentRef>) {
  let index = componentIndexes.get(components);
  if (!index) {
    const catalogue = new Map(components.map((c) => [c.id, c] as const));
    index = { catalogue, componentIds: new Set(catalogue.keys()) };
    componentIndexes.set(components, index);
  }
  return index;
}

const matchCaches = new WeakMap<PartMapping, Map<string, PartMatch | null>>();
/** Caps the memo so a stream of made-up ids cannot grow it without bound. */
const MATCH_CACHE_LIMIT = 20_000;

/** `matchPart`, remembered per mapping: a rig reports the same part ids on every poll. */
function cachedMatch(
  id: string,
  name: string | null,
  mapping: PartMapping,
  componentIds: ReadonlySet<string>,
  model: string | null,
): PartMatch | null {
  let cache = matchCaches.get(mapping);
  if (!cache) matchCaches.set(mapping, (cache = new Map()));
  const key = `${model ?? ''}\u0000${id}\u0000${name ?? ''}`;
  let match = cache.get(key);
  if (match === undefined) {
    match = matchPart(id, name, mapping, componentIds, model);
    if (cache.size >= MATCH_CACHE_LIMIT) cache.clear();
    cache.set(key, match);
  }
  return match;
}

/** Merges contributions per component: max level, every source, best confidence; then classifies. */
function mergeContributions(
  contributions: Contribution[],
  catalogue: Map<string, ComponentRef>,
  mapping: PartMapping,
): ComponentDamage[] {
  const t = mapping.common.thresholds;
  const merged = new Map<
    string,
    {
      level: number;
      sources: string[];
      confidence: number;
      destroyed: boolean;
      statedType?: DamageType;
      statedLevel: number;
    }
  >();
  for (const c of contributions) {
    const m = merged.get(c.component) ?? {
      level: 0,
      sources: [],
      confidence: 0,
      destroyed: false,
      statedLevel: -1,
    };
    m.level = Math.max(m.level, c.level);
    if (!m.sources.includes(c.source)) m.sources.push(c.source);
    m.confidence = Math.max(m.confidence, c.confidence);
    m.destroyed ||= c.destroyed;
    if (c.statedType && c.level > m.statedLevel) {
      m.statedType = c.statedType;
      m.statedLevel = c.level;
    }
    merged.set(c.component, m);
  }

  const out: ComponentDamage[] = [];
  for (const [component, m] of merged) {
    const level = round3(m.level);
    if (level < t.noise) continue;
    const ref = catalogue.get(component);
    if (!ref)
      throw new Error(
        `component "${component}" is mapped but missing from the component catalogue passed to analyzeDamage`,
      );
    const derived: DamageType =
      m.destroyed || level >= t.destroyed_at
        ? 'destroyed'
        : level < t.scratch_below
          ? 'scratch'
          : 'impact';
    out.push({
      component_name: component,
      damage_level: level,
      damage_type: m.statedType ?? derived,
      location: [ref.location[0], ref.location[1], ref.location[2]],
      sources: m.sources,
      confidence: m.confidence,
    });
  }
  return out.sort(
    (a, b) => b.damage_level - a.damage_level || a.component_name.localeCompare(b.component_name),
  );
}

/**
 * The legacy mod's damage_by_zone as a fallback: a zone only speaks for components when no
 * component of its catalogue zones was mapped from a part and its value reaches min_level
 * (lower values are spill-over from a hit elsewhere); values are clamped to 0..1.
 */
function applyLegacyZones(
  byZone: Record<string, number> | unknown[] | undefined,
  contributions: Contribution[],
  catalogue: Map<string, ComponentRef>,
  mapping: PartMapping,
  addUnmapped: (id: string, name: string | null, damage: number) => void,
): void {
  if (!byZone || Array.isArray(byZone)) return;
  const covered = new Set(
    contributions
      .map((c) => catalogue.get(c.component)?.zone)
      .filter((z): z is string => Boolean(z)),
  );
  for (const [zone, value] of Object.entries(byZone)) {
    if (value < Math.max(mapping.common.thresholds.noise, mapping.common.legacy_zones.min_level))
      continue;
    const id = `damage_by_zone.${zone}`;
    const rule = mapping.common.legacy_zones.zones[zone];
    if (!rule) {
      addUnmapped(id, zone, value);
      continue;
    }
    if (rule.catalog_zones.some((z) => covered.has(z))) continue;
    if (rule.components.length === 0) {
      addUnmapped(id, zone, value);
      continue;
    }
    for (const component of rule.components) {
      contributions.push({
        component,
        level: clamp01(value),
        confidence: mapping.common.confidence.zone,
        source: id,
        destroyed: false,
      });
    }
  }
}

/** Severity 0..1; the formula and its constants are documented in common.json `severity`. */
function severityScore(
  components: ComponentDamage[],
  accumulator: number | null,
  mapping: PartMapping,
): number {
  const s = mapping.common.severity;
  const sum = components.reduce((acc, c) => acc + c.damage_level, 0);
  const fromComponents = 1 - Math.exp(-sum / s.component_scale);
  if (accumulator === null) return round3(clamp01(fromComponents));
  const fromAccumulator = 1 - Math.exp(-Math.max(0, accumulator) / s.accumulator_scale);
  return round3(
    clamp01(s.component_weight * fromComponents + s.accumulator_weight * fromAccumulator),
  );
}

/** The legacy mod's time: timestamp_iso when it parses, else `timestamp` (unix seconds; ms tolerated). */
function legacyTime(iso: string | undefined, unix: number | undefined): Date | null {
  if (iso) {
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) return d;
  }
  if (unix !== undefined && unix > 0) {
    const d = new Date(unix > 1e11 ? unix : unix * 1000);
    if (!Number.isNaN(d.getTime())) return d;
  }
  return null;
}

/** Ids in the payload that may carry a model prefix. */
function partIds(parsed: ParsedTelemetry): string[] {
  switch (parsed.shape) {
    case 'beamng_sensor':
      return parsed.payload.part_damage.map((e) => e.id);
    case 'legacy_mod':
      return [
        ...legacyPartEntries(parsed.event).map((e) => e.id),
        ...legacyBrokenParts(parsed.event).map((b) => b.id),
      ];
    case 'normalized':
      return parsed.telemetry.components.map((c) => c.component_name);
    case 'manual':
      return [];
  }
}

/** A model the payload names explicitly, as written (used when it matches no known alias). */
function declaredModel(parsed: ParsedTelemetry): string | null {
  switch (parsed.shape) {
    case 'legacy_mod':
      return parsed.event.vehicle?.model?.trim() || null;
    case 'normalized':
    case 'manual':
      return parsed.telemetry.vehicle_model?.trim() || null;
    default:
      return null;
  }
}

/** The known model a parsed payload names (vehicle fields, else a majority of part-id prefixes). */
export function modelNamedIn(parsed: ParsedTelemetry, mapping: PartMapping): string | null {
  const named: string[] = [];
  if (parsed.shape === 'legacy_mod') {
    const v = parsed.event.vehicle;
    for (const s of [v?.model, v?.name, typeof v?.config === 'string' ? v.config : null])
      if (s) named.push(s);
  } else if (parsed.shape === 'normalized' || parsed.shape === 'manual') {
    if (parsed.telemetry.vehicle_model) named.push(parsed.telemetry.vehicle_model);
  }
  for (const s of named) {
    const m = modelOfAlias(s, mapping);
    if (m) return m;
  }
  // Majority of the model prefixes found on part ids; a tie says nothing.
  const votes = new Map<string, number>();
  for (const id of partIds(parsed)) {
    const m = modelOfPrefix(id, mapping);
    if (m) votes.set(m, (votes.get(m) ?? 0) + 1);
  }
  const ranked = [...votes.entries()].sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0 || (ranked.length > 1 && ranked[0]![1] === ranked[1]![1])) return null;
  return ranked[0]![0];
}

/**
 * The known model (a data/part-mapping model id) the telemetry comes from, read from the
 * legacy mod's vehicle.model / name / config or a declared vehicle_model, else from the
 * part-id prefixes; null when unknown or the payload is invalid.
 */
export function detectVehicleModel(telemetry: unknown, mapping: PartMapping): string | null {
  let parsed: ParsedTelemetry;
  try {
    parsed = parseTelemetry(telemetry);
  } catch (err) {
    if (err instanceof TelemetryError) return null;
    throw err;
  }
  return modelNamedIn(parsed, mapping);
}
