/**
 * The part-mapping data (data/part-mapping/*.json): schemas, loading, cross-checking against
 * data/components.json, and the lookup that turns one telemetry id or display name into
 * components. All knowledge of BeamNG's naming lives in the data; this file only applies it.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ComponentName, Vec3 } from '../../machines/schemas.js';
import { DataFileError, readDataFile } from '../catalog/read-data-file.js';
import { ManualSeverity, ManualZone } from './telemetry.js';

/** The repo's data/ directory, resolved from this file so it works from any cwd. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

const Level = z.number().min(0).max(1);
const Side = z.enum(['F', 'R', 'L', 'FL', 'FR', 'RL', 'RR', 'none', 'any']);
export type Side = z.infer<typeof Side>;

/** One component id or several; an empty list means "known, but no component of ours". */
const ComponentList = z.union([ComponentName.transform((c) => [c]), z.array(ComponentName)]);

const RuleEffect = {
  /** Multiplies the telemetry level (a broken signal lamp is a light hit on its panel). */
  weight: Level.default(1),
  /** Whether a broken `…_break` group means this component is destroyed. */
  break_destroys: z.boolean().default(true),
};

const ExactRule = z.object({ components: ComponentList, ...RuleEffect });
const CoreRule = z.object({
  names: z.array(z.string().min(1)).min(1),
  sides: z.partialRecord(Side, ComponentList),
  ...RuleEffect,
});
const KeywordRule = z.object({ all: z.array(z.string().min(1)).min(1), components: ComponentList });

/** data/part-mapping/common.json: rules that rest on BeamNG's conventions alone. */
export const CommonMappingFile = z.object({
  thresholds: z.object({
    noise: Level,
    scratch_below: Level,
    destroyed_at: Level,
    break_min: Level,
  }),
  confidence: z.object({ exact: Level, suffix: Level, display_name: Level, zone: Level }),
  severity: z
    .object({
      component_scale: z.number().positive(),
      accumulator_scale: z.number().positive(),
      component_weight: Level,
      accumulator_weight: Level,
    })
    .refine((s) => Math.abs(s.component_weight + s.accumulator_weight - 1) < 1e-9, {
      message: 'component_weight + accumulator_weight must be 1',
      path: ['component_weight'],
    }),
  side_suffixes: z.array(z.string().min(1)).min(1),
  break_tokens: z.array(z.string().min(1)),
  exact: z.record(z.string().min(1), ExactRule),
  core_names: z.array(CoreRule),
  display_keywords: z.array(KeywordRule),
  legacy_zones: z.object({
    min_level: Level,
    zones: z.record(
      z.string(),
      z.object({ catalog_zones: z.array(z.string()), components: z.array(ComponentName) }),
    ),
  }),
  manual: z.object({
    severity_levels: z.record(ManualSeverity, Level),
    zones: z.record(
      ManualZone,
      z
        .array(
          z.object({ component: ComponentName, from: ManualSeverity, weight: Level.default(1) }),
        )
        .min(1),
    ),
  }),
});
export type CommonMappingFile = z.output<typeof CommonMappingFile>;

/** data/part-mapping/<model>.json: one vehicle model's aliases, prefixes and overrides. */
export const ModelMappingFile = z.object({
  model: z.string().regex(/^[a-z][a-z0-9_]*$/),
  display_name: z.string().min(1),
  aliases: z.array(z.string().min(1)).min(1),
  id_prefixes: z.array(z.string().min(1)),
  exact: z.record(z.string().min(1), ExactRule).default({}),
  display_keywords: z.array(KeywordRule).default([]),
});
export type ModelMappingFile = z.output<typeof ModelMappingFile>;

type Effect = { components: string[]; weight: number; break_destroys: boolean };

/** The loaded mapping, with lookups prepared (lower-cased keys, rules sorted by specificity). */
export interface PartMapping {
  common: CommonMappingFile;
  models: ModelMappingFile[];
  /** Common exact rules by lower-cased id. */
  exact: Map<string, Effect>;
  /** Per model: exact rules by lower-cased id. */
  modelExact: Map<string, Map<string, Effect>>;
  /** Core name (lower-case) → its rule. */
  cores: Map<string, z.output<typeof CoreRule>>;
  /** Upper-cased side suffixes. */
  sides: Set<string>;
  breakTokens: Set<string>;
  /** Keyword rules, most keywords first, each keyword a set of alternatives. */
  keywords: Array<{ all: Array<Set<string>>; components: string[]; model: string | null }>;
  /** All known id prefixes, longest first, with their model. */
  prefixes: Array<{ prefix: string; model: string }>;
}

/** The slice of a data/components.json entry the analysis needs. */
export interface ComponentRef {
  id: string;
  zone?: string;
  location: readonly [number, number, number];
}

const ComponentsFile = z.object({
  components: z.array(z.object({ id: ComponentName, zone: z.string(), location: Vec3 })).min(1),
});

/** Reads data/components.json (only ids, zones and locations). */
export function loadComponentRefs(dataDir: string = DEFAULT_DATA_DIR): ComponentRef[] {
  return readDataFile(join(dataDir, 'components.json'), ComponentsFile).components;
}

/** Lower-cases and keeps letters and digits only: "VW T-Cross" → "vwtcross". */
export function compact(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function checkComponentIds(
  file: string,
  known: Set<string>,
  refs: Array<{ field: string; id: string }>,
): void {
  for (const { field, id } of refs) {
    if (!known.has(id))
      throw new DataFileError(
        file,
        field,
        `unknown component "${id}" (not in data/components.json)`,
      );
  }
}

function commonRefs(c: CommonMappingFile): Array<{ field: string; id: string }> {
  const refs: Array<{ field: string; id: string }> = [];
  const list = (field: string, ids: string[]) =>
    ids.forEach((id, i) => refs.push({ field: `${field}.${i}`, id }));
  for (const [k, r] of Object.entries(c.exact)) list(`exact.${k}.components`, r.components);
  c.core_names.forEach((r, i) => {
    for (const [side, ids] of Object.entries(r.sides))
      list(`core_names.${i}.sides.${side}`, ids ?? []);
  });
  c.display_keywords.forEach((r, i) => list(`display_keywords.${i}.components`, r.components));
  for (const [z, r] of Object.entries(c.legacy_zones.zones))
    list(`legacy_zones.zones.${z}.components`, r.components);
  for (const [z, entries] of Object.entries(c.manual.zones)) {
    entries.forEach((e, i) =>
      refs.push({ field: `manual.zones.${z}.${i}.component`, id: e.component }),
    );
  }
  return refs;
}

function modelRefs(m: ModelMappingFile): Array<{ field: string; id: string }> {
  const refs: Array<{ field: string; id: string }> = [];
  for (const [k, r] of Object.entries(m.exact))
    r.components.forEach((id, i) => refs.push({ field: `exact.${k}.components.${i}`, id }));
  m.display_keywords.forEach((r, i) =>
    r.components.forEach((id, j) =>
      refs.push({ field: `display_keywords.${i}.components.${j}`, id }),
    ),
  );
  return refs;
}

function keywordRules(
  rules: Array<z.output<typeof KeywordRule>>,
  model: string | null,
): PartMapping['keywords'] {
  return rules.map((r) => ({
    all: r.all.map((k) => new Set(k.toLowerCase().split('|'))),
    components: r.components,
    model,
  }));
}

/**
 * Loads and validates data/part-mapping/common.json and every other JSON file there as a
 * model file; every component id is checked against data/components.json.
 * Throws DataFileError naming the file and field.
 */
export function loadPartMapping(dataDir: string = DEFAULT_DATA_DIR): PartMapping {
  const dir = join(dataDir, 'part-mapping');
  const display = (path: string) => relative(process.cwd(), path) || path;
  const known = new Set(loadComponentRefs(dataDir).map((c) => c.id));

  const commonPath = join(dir, 'common.json');
  const common = readDataFile(commonPath, CommonMappingFile);
  checkComponentIds(display(commonPath), known, commonRefs(common));

  const models: ModelMappingFile[] = [];
  for (const name of readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'common.json')
    .sort()) {
    const path = join(dir, name);
    const model = readDataFile(path, ModelMappingFile);
    checkComponentIds(display(path), known, modelRefs(model));
    if (models.some((m) => m.model === model.model))
      throw new DataFileError(display(path), 'model', `model "${model.model}" is defined twice`);
    models.push(model);
  }

  const cores = new Map<string, z.output<typeof CoreRule>>();
  common.core_names.forEach((rule, i) => {
    for (const n of rule.names) {
      const key = n.toLowerCase();
      if (cores.has(key))
        throw new DataFileError(
          display(commonPath),
          `core_names.${i}.names`,
          `core name "${n}" is listed twice`,
        );
      cores.set(key, rule);
    }
  });

  const lowerKeys = (rec: Record<string, Effect>) =>
    new Map(Object.entries(rec).map(([k, v]) => [k.toLowerCase(), v] as const));
  const keywords = [
    ...models.flatMap((m) => keywordRules(m.display_keywords, m.model)),
    ...keywordRules(common.display_keywords, null),
  ];
  // Most specific first; the sort is stable, so data order breaks ties.
  keywords.sort((a, b) => b.all.length - a.all.length);

  return {
    common,
    models,
    exact: lowerKeys(common.exact),
    modelExact: new Map(models.map((m) => [m.model, lowerKeys(m.exact)])),
    cores,
    sides: new Set(common.side_suffixes.map((s) => s.toUpperCase())),
    breakTokens: new Set(common.break_tokens.map((s) => s.toLowerCase())),
    keywords,
    prefixes: models
      .flatMap((m) => m.id_prefixes.map((p) => ({ prefix: p.toLowerCase(), model: m.model })))
      .sort((a, b) => b.prefix.length - a.prefix.length),
  };
}

// ---------------------------------------------------------------------------------------------
// Lookup

export type MatchKind = 'exact' | 'suffix' | 'display_name';

/** What one telemetry id resolved to. `components` may be empty: known, but none of ours. */
export interface PartMatch {
  kind: MatchKind;
  components: string[];
  weight: number;
  /** True when the id is a break group (`…_break`) and the rule says breaking destroys. */
  breakGroup: boolean;
  breakDestroys: boolean;
}

function stripKnownPrefix(id: string, mapping: PartMapping): string | null {
  const lower = id.toLowerCase();
  const hit = mapping.prefixes.find((p) => lower.startsWith(p.prefix));
  return hit ? id.slice(hit.prefix.length) : null;
}

function isBreakId(tokens: string[], mapping: PartMapping): boolean {
  return tokens.some((t) => mapping.breakTokens.has(t.toLowerCase()));
}

/**
 * Resolves a telemetry id (and its display name, if any) to components, trying in order:
 * the model's exact ids, the common exact ids and canonical component ids (also with a known
 * model prefix removed), the core name + side suffix, then display-name keywords.
 */
export function matchPart(
  id: string,
  name: string | null,
  mapping: PartMapping,
  componentIds: ReadonlySet<string>,
  model: string | null,
): PartMatch | null {
  const lower = id.toLowerCase();
  const tokens = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const breakGroup = isBreakId(tokens, mapping);
  const exactEffect = (e: Effect): PartMatch => ({
    kind: 'exact',
    components: e.components,
    weight: e.weight,
    breakGroup,
    breakDestroys: e.break_destroys,
  });

  const modelExact = model ? mapping.modelExact.get(model)?.get(lower) : undefined;
  if (modelExact) return exactEffect(modelExact);
  const stripped = stripKnownPrefix(id, mapping);
  for (const key of stripped === null ? [lower] : [lower, stripped.toLowerCase()]) {
    const common = mapping.exact.get(key);
    if (common) return exactEffect(common);
    if (componentIds.has(key))
      return exactEffect({ components: [key], weight: 1, break_destroys: true });
  }

  // Core name + side: the side is the last suffix token; the core the nearest known name to the
  // right (an unknown prefix, a trailing variant or "break" are skipped).
  let side: string | null = null;
  for (const t of tokens) if (mapping.sides.has(t.toUpperCase())) side = t.toUpperCase();
  for (let i = tokens.length - 1; i >= 0; i--) {
    const rule = mapping.cores.get(tokens[i]!.toLowerCase());
    if (!rule) continue;
    const ids = rule.sides[(side ?? 'none') as Side] ?? rule.sides.any;
    if (ids)
      return {
        kind: 'suffix',
        components: ids,
        weight: rule.weight,
        breakGroup,
        breakDestroys: rule.break_destroys,
      };
    break; // the core is known but this side is not: let the display name decide.
  }

  if (name) {
    const words = new Set(
      name
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean),
    );
    const rule = mapping.keywords.find(
      (r) =>
        (r.model === null || r.model === model) &&
        r.all.every((alts) => [...alts].some((a) => words.has(a))),
    );
    if (rule)
      return {
        kind: 'display_name',
        components: rule.components,
        weight: 1,
        breakGroup,
        breakDestroys: true,
      };
  }
  return null;
}

/** The model whose id prefix starts `id`, or null. */
export function modelOfPrefix(id: string, mapping: PartMapping): string | null {
  const lower = id.toLowerCase();
  return mapping.prefixes.find((p) => lower.startsWith(p.prefix))?.model ?? null;
}

/** The model one of whose aliases appears in `text` (longest alias wins), or null. */
export function modelOfAlias(text: string, mapping: PartMapping): string | null {
  const c = compact(text);
  if (!c) return null;
  let best: { model: string; len: number } | null = null;
  for (const m of mapping.models) {
    for (const a of [m.model, ...m.aliases]) {
      const ca = compact(a);
      if (ca && c.includes(ca) && (!best || ca.length > best.len))
        best = { model: m.model, len: ca.length };
    }
  }
  return best?.model ?? null;
}
