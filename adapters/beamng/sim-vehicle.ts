/**
 * One simulated vehicle of the sim rig: its damage and motion as BeamNG's Damage and State sensors
 * report them, fed by recorded frames. The sockets and the frame loop are the rig's (sim-rig.ts).
 */
import type { Recording } from './recording.js';

export interface SimVehicleSpec {
  /** Scene object name, what StartVehicleConnection takes (unless the rig's vehicles are unnamed). */
  vid: string;
  id: number;
  /** jbeam model name reported by GetCurrentVehicles, e.g. "vw_tcross" or "golf8". */
  model: string;
  /** Deform groups reported before any recording names its own. */
  deformGroups?: string[];
}

/** Wire shapes real builds produce, so clients can be tested against each. */
export interface SimWireQuirks {
  /** Encode every integer (ids, ports, `_id`) as a float64, as Lua may. Default false. */
  floatIds?: boolean;
  /** Damage keys in the current snake_case or the older camelCase. Default 'snake'. */
  damageKeys?: 'snake' | 'camel';
  /** An empty part_damage as `[]` (what an empty Lua table becomes) or `{}`. Default 'array'. */
  emptyPartDamage?: 'array' | 'object';
}

export type PlaybackResult = 'completed' | 'cancelled';

export const DEFAULT_SIM_VEHICLE: SimVehicleSpec = {
  vid: 'thePlayer',
  id: 10000,
  model: 'vw_tcross',
};

const DEFAULT_DEFORM_GROUPS = [
  'windshield_break',
  'radiator_damage',
  'radtube_break',
  'driveshaft',
  'headlightglass_L_break',
  'headlightglass_R_break',
  'taillightglass_L_break',
  'taillightglass_R_break',
  'doorglass_FL_break',
  'doorglass_FR_break',
  'mirrorsignal_L_break',
  'mirrorsignal_R_break',
  'tailgateglass_break',
];

type Message = Record<string, unknown>;
type Vec3 = [number, number, number];

export class SimVehicle {
  deformGroups: string[];
  total = 0;
  damageExt = 0;
  lowpressure = false;
  readonly parts = new Map<string, { name: string; damage: number }>();
  readonly groups = new Map<string, number>();
  time = 0;
  pos: Vec3 = [0, 0, 0.35];
  vel: Vec3 = [0, 0, 0];
  dir: Vec3 = [0, 1, 0];
  playback: { timer: unknown; finish: (result: PlaybackResult) => void } | null = null;

  constructor(readonly spec: SimVehicleSpec) {
    this.deformGroups = [...(spec.deformGroups ?? DEFAULT_DEFORM_GROUPS)];
  }

  /** As after Recover: no damage, standing still where it is. */
  repair(): void {
    this.total = 0;
    this.damageExt = 0;
    this.lowpressure = false;
    this.parts.clear();
    this.groups.clear();
    this.vel = [0, 0, 0];
  }

  apply(frame: Recording['frames'][number]): void {
    this.time = frame.t;
    this.pos = frame.pos;
    this.vel = frame.vel;
    if (frame.dir) this.dir = frame.dir;
    if (frame.damage !== undefined) this.total = frame.damage;
    if (frame.damage_ext !== undefined) this.damageExt = frame.damage_ext;
    if (frame.lowpressure !== undefined) this.lowpressure = frame.lowpressure;
    for (const [id, part] of Object.entries(frame.part_damage ?? {})) this.parts.set(id, part);
    for (const [group, damage] of Object.entries(frame.deform_group_damage ?? {}))
      this.groups.set(group, damage);
  }

  damagePayload(wire: SimWireQuirks): Message {
    const partDamage =
      this.parts.size === 0 && (wire.emptyPartDamage ?? 'array') === 'array'
        ? []
        : Object.fromEntries(this.parts);
    const deformGroupDamage = Object.fromEntries(
      this.deformGroups.map((group) => {
        const damage = this.groups.get(group) ?? 0;
        // glass "…_break" groups break at one event; others accumulate several
        const maxEvents = group.endsWith('_break') ? 1 : 10;
        return [
          group,
          {
            damage,
            eventCount: damage > 0 ? Math.ceil(damage * maxEvents) : 0,
            maxEvents,
            invMaxEvents: 1 / maxEvents,
          },
        ];
      }),
    );
    return wire.damageKeys === 'camel'
      ? {
          damage: this.total,
          damageExt: this.damageExt,
          lowpressure: this.lowpressure,
          partDamage,
          deformGroupDamage,
        }
      : {
          damage: this.total,
          damage_ext: this.damageExt,
          lowpressure: this.lowpressure,
          part_damage: partDamage,
          deform_group_damage: deformGroupDamage,
        };
  }

  statePayload(): Message {
    const [dx, dy] = this.dir;
    const yaw = Math.atan2(-dx, dy);
    return {
      time: this.time,
      pos: this.pos,
      dir: this.dir,
      up: [0, 0, 1],
      vel: this.vel,
      front: [
        this.pos[0] + 2.1 * this.dir[0],
        this.pos[1] + 2.1 * this.dir[1],
        this.pos[2] + 2.1 * this.dir[2],
      ],
      rotation: [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)],
    };
  }
}
