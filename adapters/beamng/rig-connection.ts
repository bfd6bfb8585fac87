/**
 * The real `rigConnection` of machines/link.ts: the link actor's one piece of I/O, as a callback
 * actor over a `BeamNGClient`.
 *
 * On start it connects (RIG.TCP_CONNECTED as soon as the socket is up, before Hello), performs
 * Hello, finds the player vehicle, opens its socket (retried a few times: a car's socket accepts a
 * client only every 60 vehicle frames) and reports RIG.READY with the vehicle and the ontology
 * model its name maps to. Then it only answers: each POLL reads the Damage and State sensors
 * (RIG.READING) and, when asked, polls the in-game mod's "Repair My Car" (RIG.REPAIR_PRESSED);
 * RECOVER repairs the car in the game. Time — poll interval, backoff — is the machine's, on
 * XState's clock; this actor keeps no timers of its own beyond request timeouts and the wait
 * between vehicle connect attempts.
 *
 * Timing is the game's (see client.ts): connect + Hello within `connectTimeoutMs` on either
 * socket, blocking game requests within `requestTimeoutMs`, sensor reads and the mod's poll within
 * `sensorTimeoutMs`. A read or a mod poll still outstanding is never sent again: a POLL that comes
 * meanwhile joins it.
 *
 * Any failure that makes the link unusable (unreachable, protocol mismatch, closed socket, no or
 * an ambiguous player vehicle, a vehicle socket for another car, a sensor read or Recover that
 * fails or times out) is reported once as RIG.FAILED, after which the actor is silent; the machine
 * stops it, which closes the client.
 *
 * The mod's poll never fails the link. Its outcome is reported as RIG.MOD_STATUS whenever it
 * changes: `installed` (it answered), `missing` (the game answered "The request was not handled
 * by BeamNG.tech…": no handler took VWRepairPressed, so the mod is not installed or not loaded)
 * or `fault` (any other refusal, an answer of another shape, or no answer in time). After a
 * missing or faulty answer the actor stops asking for `modRetryAfterMs`; damage polling goes on.
 *
 * Presses. The current mod answers `{presses}`, a running count it never clears on read. The
 * actor remembers, per rig address, the last count it acted on — across reconnects, for as long as
 * the factory lives (the server's run) — and sends one RIG.REPAIR_PRESSED for each answer whose
 * count is higher, so a late, repeated or re-sent answer fires nothing twice and a press made
 * while the link was reconnecting still fires once it is back. The actor asks the mod once as it
 * connects, before the vehicle lookup (so the game reads the count before the vehicle socket, and
 * RIG.READY, exist), whatever the link's `ask_repair_button`; from a rig with no remembered count
 * that answer is the baseline, without firing: a press made before the server linked to the rig
 * belongs to nobody, and every press after RIG.READY counts. A count lower than the remembered one
 * means the game or its Lua restarted: it becomes the new baseline, without firing. An older mod
 * answers only `{pressed}` (true once per press, cleared on read): each true fires, as before. An
 * answer that arrives after its poll timed out is still taken. Mod events found before RIG.READY
 * (the status, a press made while the link was down) are sent right after it.
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
import {
  BeamNGClient,
  DEFAULT_SENSOR_TIMEOUT_MS,
  DEFAULT_VEHICLE_CONNECT_ATTEMPTS,
  DEFAULT_VEHICLE_RETRY_MS,
  REPAIR_PRESSED_REQUEST,
  type LateRepairAnswer,
} from './client.js';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type BeamNGConnection,
} from './connection.js';
import {
  BeamNGClosedError,
  BeamNGNotHandledError,
  BeamNGTimeoutError,
  describeBeamNGError,
} from './errors.js';
import {
  isUnnamedVehicle,
  speedOf,
  type RepairPressedReply,
  type SensorReading,
} from './schemas.js';

/** What the in-game mod is, as far as the link can tell. */
export type RigModState = 'installed' | 'missing' | 'fault';

/** The mod's status as this actor reports it (RIG.MOD_STATUS, whenever it changes and once
 *  per connection; `detail` for staff: why missing or faulty, or that an older mod answered). */
export type RigModStatusEvent = Extract<RigEvent, { type: 'RIG.MOD_STATUS' }>;

/** Everything this actor sends to the link. */
export type RigConnectionEvent = RigEvent;

export interface RigConnectionOptions {
  /** Part mapping whose model aliases name the ontology model. Default: loaded from data/ on first connect. */
  mapping?: PartMapping;
  /** TCP connect and Hello together, on the game socket and on the vehicle socket. Default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Blocking and other game requests (vehicle lookup, StartVehicleConnection, Recover). Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** GetPlayerVehicleID before falling back to GetCurrentVehicles. Default: `requestTimeoutMs`. */
  playerVehicleTimeoutMs?: number;
  /** Sensor reads (a timeout fails the link). Default 2000 ms. */
  sensorTimeoutMs?: number;
  /** The mod's VWRepairPressed poll; a late answer is still taken. Default: `sensorTimeoutMs`. */
  repairPollTimeoutMs?: number;
  /** Connect + Hello attempts on the vehicle socket before the link fails. Default 5. */
  vehicleConnectAttempts?: number;
  /** Wait between those attempts. Default 2000 ms. */
  vehicleRetryMs?: number;
  /** After the mod was missing, faulty or silent, stop asking it for this long. Default 30 000 ms. */
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

/** The first line of a simulator message (the "not handled" text goes on for several). */
function firstLine(message: string): string {
  return message.split('\n', 1)[0]!.trim();
}

/** Builds the `rigConnection` actor logic for `linkMachine.provide({ actors: { rigConnection } })`. */
export function createRigConnection(options: RigConnectionOptions = {}) {
  const now = options.now ?? (() => new Date());
  const sensorTimeoutMs = options.sensorTimeoutMs ?? DEFAULT_SENSOR_TIMEOUT_MS;
  const repairPollTimeoutMs = options.repairPollTimeoutMs ?? sensorTimeoutMs;
  const modRetryAfterMs = options.modRetryAfterMs ?? 30_000;
  /** Per rig address: the last press count acted on (or taken as the baseline). */
  const pressCounts = new Map<string, number>();
  let mapping = options.mapping ?? null;

  return fromCallback<RigCommand, RigConnectionInput>(({ input, sendBack, receive }) => {
    const address = `${input.address.host}:${input.address.port}`;
    const client = new BeamNGClient({
      host: input.address.host,
      port: input.address.port,
      protocolVersion: input.protocol_version,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      sensorTimeoutMs,
      vehicleConnectAttempts: options.vehicleConnectAttempts ?? DEFAULT_VEHICLE_CONNECT_ATTEMPTS,
      vehicleRetryMs: options.vehicleRetryMs ?? DEFAULT_VEHICLE_RETRY_MS,
      ...(options.playerVehicleTimeoutMs === undefined
        ? {}
        : { playerVehicleTimeoutMs: options.playerVehicleTimeoutMs }),
    });
    /** Set once RIG.FAILED went out or the machine stopped us: from then on, silence. */
    let finished = false;
    let vehicle: BeamNGConnection | null = null;
    let readingInFlight = false;
    let modPollInFlight = false;
    let askModAfter = 0;
    let lastModStatus: string | null = null;
    /** Mod events before RIG.READY wait for it: the link takes them only once it polls. */
    const beforeReady: RigConnectionEvent[] = [];
    let ready = false;

    const send = (event: RigConnectionEvent): void => {
      if (!finished) sendBack(event);
    };
    const sendMod = (event: RigConnectionEvent): void => {
      if (ready) send(event);
      else beforeReady.push(event);
    };
    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      const error = describeBeamNGError(err);
      client.close(`link failed: ${error.message}`);
      sendBack({ type: 'RIG.FAILED', error } satisfies RigEvent);
    };
    const reportMod = (mod: RigModState, detail?: string): void => {
      const key = `${mod}\n${detail ?? ''}`;
      if (key === lastModStatus) return;
      lastModStatus = key;
      sendMod({ type: 'RIG.MOD_STATUS', mod, ...(detail === undefined ? {} : { detail }) });
    };

    /** One answer of the mod, in time or late: the status, and a press if the count rose. */
    const takeModAnswer = (answer: RepairPressedReply): void => {
      if (finished) return;
      if (answer.presses === null) {
        reportMod('installed', 'older mod: answers "pressed" without a press count; update it');
        if (answer.pressed) sendMod({ type: 'RIG.REPAIR_PRESSED' });
        return;
      }
      reportMod('installed');
      const last = pressCounts.get(address);
      pressCounts.set(address, answer.presses);
      if (last !== undefined && answer.presses > last) sendMod({ type: 'RIG.REPAIR_PRESSED' });
    };

    /** The mod's poll failed: missing or faulty, said once; ask again after `modRetryAfterMs`. */
    const takeModFailure = (err: unknown): void => {
      if (finished) return;
      askModAfter = now().getTime() + modRetryAfterMs;
      if (err instanceof BeamNGNotHandledError)
        reportMod(
          'missing',
          `the game did not handle ${REPAIR_PRESSED_REQUEST} (${firstLine(err.simulatorMessage)}): install or enable the mod`,
        );
      else if (err instanceof BeamNGTimeoutError)
        reportMod('fault', `no answer to ${REPAIR_PRESSED_REQUEST} within ${err.timeoutMs} ms`);
      else reportMod('fault', describeBeamNGError(err).message);
      options.onModMissing?.(address, describeBeamNGError(err));
    };

    const onLateModAnswer = (late: LateRepairAnswer): void => {
      if (late instanceof Error) return takeModFailure(late);
      askModAfter = 0; // the mod answers after all: ask it again from the next POLL
      takeModAnswer(late);
    };

    /** Asks the mod, unless a poll is outstanding or it is resting; settles once taken, never rejects. */
    const pollMod = async (): Promise<void> => {
      if (modPollInFlight || now().getTime() < askModAfter) return;
      modPollInFlight = true;
      try {
        takeModAnswer(
          await client.pollRepairButton({
            timeoutMs: repairPollTimeoutMs,
            onLateAnswer: onLateModAnswer,
          }),
        );
      } catch (err) {
        // A closed socket is the link's failure, reported by the close listener, not the mod's.
        if (!(err instanceof BeamNGClosedError)) takeModFailure(err);
      } finally {
        modPollInFlight = false;
      }
    };

    const poll = (askRepairButton: boolean, open: BeamNGConnection): void => {
      // The machine waits for each reading before the next POLL; a stray one joins the read in flight.
      if (!readingInFlight) {
        readingInFlight = true;
        client.readSensors(open, { timeoutMs: sensorTimeoutMs }).then((reading) => {
          readingInFlight = false;
          send({ type: 'RIG.READING', reading: rigReadingOf(reading, now()) });
        }, fail);
      }
      if (askRepairButton) void pollMod();
    };

    receive((command) => {
      if (finished || !vehicle) return; // nothing to read or recover before RIG.READY
      if (command.type === 'POLL') poll(command.ask_repair_button, vehicle);
      else client.recover(vehicle).catch(fail);
    });

    const start = async (): Promise<void> => {
      await client.connect({ onTcpConnected: () => send({ type: 'RIG.TCP_CONNECTED' }) });
      client.onClose(fail);
      // The press count as the link comes up: sent before the vehicle lookup, so the game reads
      // it before the vehicle socket (and RIG.READY) exists; every press after READY counts.
      const baseline = pollMod();
      const player = await client.findPlayerVehicle();
      const opened = await client.openVehicle(player.vid, {
        alsoKnownAs: [player.id, player.name],
      });
      opened.onClose(fail);
      await baseline; // settled long since, unless the mod is slow (bounded by its timeout)
      mapping ??= loadPartMapping();
      const rigVehicle: RigVehicle = {
        model: player.model,
        name: isUnnamedVehicle(player) ? null : player.name,
        vehicle_model: vehicleModelOf(player, mapping),
      };
      vehicle = opened;
      send({ type: 'RIG.READY', vehicle: rigVehicle, at: now().toISOString() });
      ready = true;
      for (const event of beforeReady.splice(0)) send(event);
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
