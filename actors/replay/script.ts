/**
 * A replay script: a rehearsal of the floor written down — who crashes where, and what they
 * press after — so staff can run the brand day's flow before the doors open, and any session can
 * be replayed from its journal (actors/replay/export.ts). Shipped scripts live in
 * data/replays/<name>.json; the API also takes one inline.
 *
 * ```json
 * { "name": "tcross-front-crash", "title": "…", "stations": 1,
 *   "steps": [
 *     { "at_ms": 0,     "action": "crash", "sample": "tcross-front" },
 *     { "at_ms": 2500,  "action": "repair" },
 *     { "at_ms": 6000,  "action": "continue" },
 *     { "at_ms": 9000,  "action": "continue" },
 *     { "at_ms": 12000, "action": "choose_dealer" },
 *     { "at_ms": 15000, "action": "choose_slot", "index": 0 },
 *     { "at_ms": 22000, "action": "next_driver" } ] }
 * ```
 *
 * - **Stations.** A script drives `stations` stations (1 unless told; `"all"`: every station
 *   of the floor). They are its lanes, numbered from 0: lane 0 is the station the replay is
 *   started on, lane 1 the next one in the floor's order, and so on (wrapping round). A step's
 *   `station` is its lane (0 when absent); `"all"` runs the step on every lane, lane i
 *   `stagger_ms × i` later.
 * - **Time.** `at_ms` is counted from the start of the replay, divided by the replay's speed,
 *   on the floor's clock (XState's: a SimulatedClock in tests). Each lane takes its steps in
 *   time order (ties in script order), one at a time: a step whose time has come but that the
 *   session cannot take yet (the analysis is still running, the dealers are still loading)
 *   waits for it, up to `timeout_ms` (30 s by default), and then fails the replay.
 * - **Actions** (each becomes the input a kiosk, rig or the API would send, with source
 *   `replay` and a request id made of the replay id, the step's index and its lane):
 *   - `crash` — the rig's crash: the station holds the telemetry and shows it (`report: true`:
 *     reported and analysed at once, as the API and the earlier mod do). The telemetry is a
 *     recorded sample's (`sample`, an id of data/telemetry/index.json), inline (`telemetry`),
 *     or, with neither, the first sample recorded for the station's car. `vehicle_model` names
 *     the car explicitly (it wins over what the telemetry names).
 *   - `repair` — "Repair My Car". After a replay's own held crash, the press reports that crash
 *     again with its telemetry, so a live rig's readings in between cannot change what is
 *     analysed; otherwise it presses repair on what the station holds.
 *   - `manual_damage` — staff enter the damage by hand (`telemetry`: manual zones).
 *   - `continue`, `back`, `retry`, `change_dealer`, `next_driver` — the kiosk's buttons.
 *   - `choose_dealer` — a dealer of the list: `dealer_id`, or the `rank`-th nearest (0).
 *   - `choose_slot` — the `index`-th slot offered (0), which books it, as on the kiosk.
 *   - `book` — a booking from outside the kiosk (the API's): the dealer (`dealer_id`, or the
 *     `rank`-th nearest; the one chosen, when there is one) and its `index`-th open slot.
 *   - `set_locale` — the screen's language.
 *   - `wait_for` — waits until the lane's session is at `step` (a state path as SessionView's
 *     `step`, e.g. "Booked.confirmationShown", or a prefix of one, e.g. "Booked").
 */
import { z } from 'zod';
import { Id, Locale } from '../../machines/schemas.js';

/** A script's name: its file name in data/replays/ without `.json`. */
export const ScriptName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a script name is lower-case letters, digits, . _ -');

/** The most steps (after "all" is spread over the lanes) and stations a script may use. */
export const MAX_STEPS = 2000;
export const MAX_STATIONS = 200;

/** How long a step waits for the session to be able to take it, unless it says. */
export const DEFAULT_STEP_TIMEOUT_MS = 30_000;

const Lane = z
  .number()
  .int()
  .min(0)
  .max(MAX_STATIONS - 1);
export const Telemetry = z
  .unknown()
  .refine((t) => t !== undefined && t !== null, 'telemetry is required')
  .describe('Crash telemetry of any accepted shape, as a rig or the API would send it');

/** What every step has besides its action. */
const StepBase = {
  at_ms: z
    .number()
    .int()
    .min(0)
    .max(24 * 3_600_000)
    .describe('When, in ms from the start of the replay (divided by its speed)'),
  station: z
    .union([Lane, z.literal('all')])
    .optional()
    .describe('The lane: 0 (the default) is the station the replay runs on; "all": every lane'),
  stagger_ms: z
    .number()
    .int()
    .min(0)
    .max(600_000)
    .optional()
    .describe('With station "all": lane i takes the step stagger_ms × i later'),
  timeout_ms: z
    .number()
    .int()
    .positive()
    .max(3_600_000)
    .optional()
    .describe('How long the step waits for the session to be able to take it (30 s)'),
  note: z.string().max(500).optional().describe('For people reading the script'),
};

const step = <const A extends string, S extends z.ZodRawShape>(action: A, shape: S) =>
  z.object({ action: z.literal(action), ...StepBase, ...shape });

const DealerPick = {
  dealer_id: Id.optional().describe('This dealer (it must be one the session offers)'),
  rank: z.number().int().min(0).max(99).optional().describe('The rank-th nearest dealer (0)'),
};
const SlotPick = {
  index: z.number().int().min(0).max(999).optional().describe('The index-th open slot (0)'),
};

export const ReplayStep = z.discriminatedUnion('action', [
  step('crash', {
    sample: Id.optional().describe('A recorded sample (data/telemetry/index.json)'),
    telemetry: Telemetry.optional(),
    vehicle_model: Id.optional().describe('The car, named explicitly'),
    report: z
      .boolean()
      .optional()
      .describe(
        'Reported and analysed at once (the API) rather than held by the station (the rig)',
      ),
    total_damage: z
      .number()
      .nonnegative()
      .optional()
      .describe("The rig's damage figure a held crash shows (the telemetry's own by default)"),
  }).refine((s) => s.sample === undefined || s.telemetry === undefined, {
    message: 'give a sample or inline telemetry, not both',
    path: ['telemetry'],
  }),
  step('repair', {}),
  step('manual_damage', { telemetry: Telemetry }),
  step('retry', {}),
  step('continue', {}),
  step('back', {}),
  step('choose_dealer', DealerPick).refine(
    (s) => s.dealer_id === undefined || s.rank === undefined,
    { message: 'give a dealer_id or a rank, not both', path: ['rank'] },
  ),
  step('change_dealer', {}),
  step('choose_slot', SlotPick),
  step('book', { ...DealerPick, ...SlotPick }).refine(
    (s) => s.dealer_id === undefined || s.rank === undefined,
    { message: 'give a dealer_id or a rank, not both', path: ['rank'] },
  ),
  step('next_driver', {}),
  step('set_locale', { locale: Locale }),
  step('wait_for', {
    step: z
      .string()
      .regex(/^[A-Za-z]+(\.[A-Za-z]+)*$/, 'a state path, e.g. "Booked.confirmationShown"')
      .describe('A session step (SessionView.step) or a prefix of one'),
  }),
]);
export type ReplayStep = z.infer<typeof ReplayStep>;
export type ReplayAction = ReplayStep['action'];

export const ReplayScript = z
  .object({
    name: ScriptName,
    title: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    stations: z
      .union([z.number().int().min(1).max(MAX_STATIONS), z.literal('all')])
      .default(1)
      .describe('How many stations the script drives (its lanes); "all": every station'),
    steps: z.array(ReplayStep).min(1).max(MAX_STEPS),
  })
  .superRefine((script, ctx) => {
    script.steps.forEach((s, i) => {
      if (typeof s.station === 'number' && typeof script.stations === 'number') {
        if (s.station >= script.stations) {
          ctx.addIssue({
            code: 'custom',
            path: ['steps', i, 'station'],
            message: `lane ${s.station} is beyond the script's ${script.stations} station(s) (lanes 0..${script.stations - 1})`,
          });
        }
      }
      if (s.stagger_ms !== undefined && s.station !== 'all') {
        ctx.addIssue({
          code: 'custom',
          path: ['steps', i, 'stagger_ms'],
          message: 'stagger_ms is for a step on station "all"',
        });
      }
    });
  });
export type ReplayScript = z.infer<typeof ReplayScript>;
/** A script as written (defaults not yet filled in). */
export type ReplayScriptInput = z.input<typeof ReplayScript>;

/** One step on one lane, as the runner takes it. */
export interface LaneStep {
  /** The step's index in the script. */
  index: number;
  lane: number;
  /** When, in script ms (before the speed divides it). */
  at_ms: number;
  step: ReplayStep;
}

/**
 * The script's steps spread over its lanes: a step on "all" becomes one per lane, staggered.
 * Each lane's steps are in time order, ties in script order.
 */
export function laneSteps(script: ReplayScript, lanes: number): LaneStep[][] {
  const out: LaneStep[][] = Array.from({ length: lanes }, () => []);
  script.steps.forEach((step, index) => {
    if (step.station === 'all') {
      for (let lane = 0; lane < lanes; lane++) {
        out[lane]!.push({ index, lane, at_ms: step.at_ms + (step.stagger_ms ?? 0) * lane, step });
      }
    } else {
      const lane = step.station ?? 0;
      out[lane]?.push({ index, lane, at_ms: step.at_ms, step });
    }
  });
  for (const list of out) list.sort((a, b) => a.at_ms - b.at_ms || a.index - b.index);
  return out;
}

/** The sample ids a script names (each must be a recorded one). */
export function samplesNamed(script: ReplayScript): { index: number; sample: string }[] {
  return script.steps.flatMap((s, index) =>
    s.action === 'crash' && s.sample !== undefined ? [{ index, sample: s.sample }] : [],
  );
}
