/**
 * The real `rigConnection` of machines/link.ts: the link actor's one piece of I/O, as a callback
 * actor over a `BeamNGClient`.
 *
 * On start it connects (RIG.TCP_CONNECTED as soon as the socket is up, before Hello), performs
 * Hello, finds the player vehicle, opens its socket and reports RIG.READY with the vehicle and the
 * ontology model its name maps to. Then it only answers: each POLL reads the Damage and State
 * sensors (RIG.READING) and, when asked, polls the in-game mod's "Repair My Car"
 * (RIG.REPAIR_PRESSED); RECOVER repairs the car in the game. Time — poll interval, backoff — is
 * the machine's, on XState's clock; this actor keeps no timers of its own beyond request timeouts.
 *
 * Any failure that makes the link unusable (unreachable, protocol mismatch, closed socket, a
 * sensor read or Recover that fails or times out) is reported once as RIG.FAILED, after which the
 * actor is silent; the machine stops it, which closes the client. The mod poll is the exception:
 * a rig without the mod never answers it, so a failure there only means "no mod" and the actor
 * stops asking for `modRetryAfterMs` — the link stays up.
 */
import { fromCallback } from 'xstate';
import { loadPartMapping, modelOfAlias, type PartMapping } from '../../actors/damage/mapping.js';
import type {
  RigCommand,
  RigConnectionInput,
  RigEvent,
  RigReading,
  RigVehicle,
} from '../../machines/link.js';
import { BeamNGClient } from './client.js';
import type { BeamNGConnection } from './connection.js';
import { BeamNGClosedError, describeBeamNGError } from './errors.js';
import { speedOf, type SensorReading } from './schemas.js';

export interface RigConnectionOptions {
  /** Part mapping whose model aliases name the ontology model. Default: loaded from data/ on first connect. */
  mapping?: PartMapping;
  /** TCP connect timeout. Default 3000 ms. */
  connectTimeoutMs?: number;
  /** Timeout of every request (Hello, vehicle lookup, sensor reads, Recover). Default 2000 ms. */
  requestTimeoutMs?: number;
  /** GetPlayerVehicleID timeout before falling back to GetCurrentVehicles. Default 1000 ms. */
  playerVehicleTimeoutMs?: number;
  /** Timeout of the mod's VWRepairPressed poll: short, since a rig without the mod never answers. Default 250 ms. */
  repairPollTimeoutMs?: number;
  /** After the mod failed to answer, stop asking it for this long. Default 30 000 ms. */
  modRetryAfterMs?: number;
  /** Told each time the mod's poll fails (so the server can log "no in-game mod at …"). */
  onModMissing?: (address: string, error: { code: string; message: string }) => void;
  /** Clock of `received_at`, `at` and the mod's retry time. Default: the wall clock. */
  now?: () => Date;
}

/** The ontology model ('tcross', 'golf', …) a simulator vehicle is, from its model or else its name; null when unknown. */
export function vehicleModelOf(
  vehicle: { model: string; name?: string | null },
  mapping: PartMapping,
): string | null {
  return (
    modelOfAlias(vehicle.model, mapping) ??
    (vehicle.name ? modelOfAlias(vehicle.name, mapping) : null)
  );
}

/** A sensor reading as the link machine takes it: the Damage payload as plain JSON, speed, time. */
export function rigReadingOf(reading: SensorReading, receivedAt: Date): RigReading {
  return {
    damage: structuredClone(reading.damage),
    speed_ms: speedOf(reading.state),
    received_at: receivedAt.toISOString(),
  };
}

/** Builds the `rigConnection` actor logic for `linkMachine.provide({ actors: { rigConnection } })`. */
export function createRigConnection(options: RigConnectionOptions = {}) {
  const now = options.now ?? (() => new Date());
  const repairPollTimeoutMs = options.repairPollTimeoutMs ?? 250;
  const modRetryAfterMs = options.modRetryAfterMs ?? 30_000;
  let mapping = options.mapping ?? null;

  return fromCallback<RigCommand, RigConnectionInput>(({ input, sendBack, receive }) => {
    const address = `${input.address.host}:${input.address.port}`;
    const client = new BeamNGClient({
      host: input.address.host,
      port: input.address.port,
      protocolVersion: input.protocol_version,
      connectTimeoutMs: options.connectTimeoutMs ?? 3_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 2_000,
      playerVehicleTimeoutMs: options.playerVehicleTimeoutMs ?? 1_000,
    });
    /** Set once RIG.FAILED went out or the machine stopped us: from then on, silence. */
    let finished = false;
    let vehicle: BeamNGConnection | null = null;
    let readingInFlight = false;
    let modPollInFlight = false;
    let askModAfter = 0;

    const send = (event: RigEvent): void => {
      if (!finished) sendBack(event);
    };
    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      const error = describeBeamNGError(err);
      client.close(`link failed: ${error.message}`);
      sendBack({ type: 'RIG.FAILED', error });
    };

    const poll = (askRepairButton: boolean, open: BeamNGConnection): void => {
      // The machine waits for each reading before the next POLL; a stray one joins the read in flight.
      if (!readingInFlight) {
        readingInFlight = true;
        client.readSensors(open).then((reading) => {
          readingInFlight = false;
          send({ type: 'RIG.READING', reading: rigReadingOf(reading, now()) });
        }, fail);
      }
      if (askRepairButton && !modPollInFlight && now().getTime() >= askModAfter) {
        modPollInFlight = true;
        client.pollRepairPressed({ timeoutMs: repairPollTimeoutMs }).then(
          (pressed) => {
            modPollInFlight = false;
            if (pressed) send({ type: 'RIG.REPAIR_PRESSED' });
          },
          (err: unknown) => {
            modPollInFlight = false;
            // A closed socket is the link's failure, reported by the close listener, not the mod's.
            if (err instanceof BeamNGClosedError || finished) return;
            askModAfter = now().getTime() + modRetryAfterMs;
            options.onModMissing?.(address, describeBeamNGError(err));
          },
        );
      }
    };

    receive((command) => {
      if (finished || !vehicle) return; // nothing to read or recover before RIG.READY
      if (command.type === 'POLL') poll(command.ask_repair_button, vehicle);
      else client.recover(vehicle).catch(fail);
    });

    const start = async (): Promise<void> => {
      await client.connect({ onTcpConnected: () => send({ type: 'RIG.TCP_CONNECTED' }) });
      client.onClose(fail);
      const player = await client.findPlayerVehicle();
      const opened = await client.openVehicle(player.vid);
      opened.onClose(fail);
      mapping ??= loadPartMapping();
      const rigVehicle: RigVehicle = {
        model: player.model,
        name: player.name,
        vehicle_model: vehicleModelOf(player, mapping),
      };
      vehicle = opened;
      send({ type: 'RIG.READY', vehicle: rigVehicle, at: now().toISOString() });
    };
    start().catch(fail);

    return () => {
      finished = true;
      client.close('link stopped');
    };
  });
}

/** `rigConnection` with the default options (timeouts above, the part mapping from data/). */
export const rigConnection = createRigConnection();
