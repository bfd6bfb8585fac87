/**
 * Everything that can go wrong talking to BeamNG.tech, as typed errors with a stable `code`
 * a status badge or a staff screen can show and a link actor can branch on:
 * unreachable/closed/timeout → reconnect with backoff; protocol mismatch → stop and tell staff
 * to set the protocol version; bngError/bngValueError → the simulator refused this request;
 * "not handled" (a bngError the game sends for any request no handler took) → the request is
 * not supported there (for our mod's request: the mod is not installed).
 */

export type BeamNGErrorCode =
  | 'beamng_unreachable'
  | 'beamng_protocol_mismatch'
  | 'beamng_timeout'
  | 'beamng_closed'
  | 'beamng_error'
  | 'beamng_value_error'
  | 'beamng_not_handled'
  | 'beamng_bad_frame'
  | 'beamng_bad_reply'
  | 'beamng_no_vehicle'
  | 'beamng_vehicle_ambiguous'
  | 'beamng_wrong_vehicle';

/** Base of every error this adapter throws. */
export abstract class BeamNGLinkError extends Error {
  abstract readonly code: BeamNGErrorCode;
}

/** The TCP connection could not be made (refused, unreachable host, or connect timeout). */
export class BeamNGConnectError extends BeamNGLinkError {
  readonly code = 'beamng_unreachable';
  constructor(
    readonly address: string,
    /** The socket error code (`ECONNREFUSED`, …) or `TIMEOUT`. */
    readonly reason: string,
    detail: string,
  ) {
    super(`cannot connect to BeamNG at ${address}: ${detail}`);
    this.name = 'BeamNGConnectError';
  }
}

/** The simulator answered Hello with another protocol version than ours. */
export class BeamNGProtocolMismatchError extends BeamNGLinkError {
  readonly code = 'beamng_protocol_mismatch';
  constructor(
    /** The version we sent (configurable). */
    readonly expected: string,
    /** The version the simulator reported, or null when its Hello carried none. */
    readonly actual: string | null,
  ) {
    super(
      `BeamNG speaks protocol ${actual ?? '(none reported)'} but this client is set to ${expected}: ` +
        `set the protocol version to ${actual ?? "the simulator's"} or use a matching BeamNG.tech build`,
    );
    this.name = 'BeamNGProtocolMismatchError';
  }
}

/**
 * A request got no reply in time. The game answers every request, unknown ones included (with
 * "not handled"), so this means it is busy (a blocking request, a slow frame) or hung.
 */
export class BeamNGTimeoutError extends BeamNGLinkError {
  readonly code = 'beamng_timeout';
  constructor(
    readonly requestType: string,
    readonly timeoutMs: number,
    readonly connectionLabel: string,
  ) {
    super(
      `BeamNG did not answer ${requestType} on the ${connectionLabel} connection within ${timeoutMs} ms`,
    );
    this.name = 'BeamNGTimeoutError';
  }
}

/** The connection is closed (by us, by the peer, or by a socket error); pending requests get this. */
export class BeamNGClosedError extends BeamNGLinkError {
  readonly code = 'beamng_closed';
  constructor(
    readonly connectionLabel: string,
    readonly reason: string,
  ) {
    super(`BeamNG ${connectionLabel} connection closed: ${reason}`);
    this.name = 'BeamNGClosedError';
  }
}

/** The simulator answered `{bngError: message}`. */
export class BeamNGError extends BeamNGLinkError {
  readonly code: 'beamng_error' | 'beamng_value_error' | 'beamng_not_handled' = 'beamng_error';
  constructor(
    readonly requestType: string,
    /** The simulator's own message. */
    readonly simulatorMessage: string,
  ) {
    super(`BeamNG refused ${requestType}: ${simulatorMessage}`);
    this.name = 'BeamNGError';
  }
}

/** The simulator answered `{bngValueError: message}` (a bad argument, e.g. "No scenario loaded."). */
export class BeamNGValueError extends BeamNGError {
  override readonly code = 'beamng_value_error';
  constructor(requestType: string, simulatorMessage: string) {
    super(requestType, simulatorMessage);
    this.name = 'BeamNGValueError';
  }
}

/**
 * How the game's "not handled" bngError begins. BeamNG.tech's tech communication sends it for
 * any request that neither a built-in handler nor an extension's `onSocketMessage` answered
 * (`The request was not handled by BeamNG.tech. This can mean:` and a list: incompatible
 * versions, an internal error, an incorrectly implemented custom command).
 */
const NOT_HANDLED = /^\s*(?:the\s+)?request\s+was\s+not\s+handled\s+by\s+beamng/i;

/** True when a bngError text is the game's "The request was not handled by BeamNG.tech…". */
export function isNotHandledMessage(message: string): boolean {
  return NOT_HANDLED.test(message);
}

/**
 * The game answered "The request was not handled by BeamNG.tech…": no handler took this request
 * type. For a built-in type: not supported by this build. For our mod's request: the mod (its GE
 * extension) is not installed or not loaded — or, rarely, it is loaded but did not answer.
 */
export class BeamNGNotHandledError extends BeamNGError {
  override readonly code = 'beamng_not_handled';
  constructor(requestType: string, simulatorMessage: string) {
    super(requestType, simulatorMessage);
    this.name = 'BeamNGNotHandledError';
  }
}

/** Bytes on the wire that are not a valid frame (oversize length or undecodable MessagePack). */
export class BeamNGFrameError extends BeamNGLinkError {
  readonly code = 'beamng_bad_frame';
  constructor(message: string) {
    super(message);
    this.name = 'BeamNGFrameError';
  }
}

/** A reply arrived but does not have the shape we rely on. */
export class BeamNGReplyError extends BeamNGLinkError {
  readonly code = 'beamng_bad_reply';
  constructor(
    readonly requestType: string,
    /** Dotted path of the first offending field ('' for the whole reply). */
    readonly field: string,
    detail: string,
  ) {
    super(
      `BeamNG reply to ${requestType} is not usable: ${field ? `field "${field}": ` : ''}${detail}`,
    );
    this.name = 'BeamNGReplyError';
  }
}

/** The simulator has no vehicle we could read (no player vehicle and none spawned). */
export class BeamNGNoVehicleError extends BeamNGLinkError {
  readonly code = 'beamng_no_vehicle';
  constructor(detail: string) {
    super(`no vehicle in BeamNG: ${detail}`);
    this.name = 'BeamNGNoVehicleError';
  }
}

/**
 * The player's vehicle cannot be told apart: the game keys GetCurrentVehicles by vehicle name,
 * so two vehicles without a name share one entry and one of them is not listed at all.
 */
export class BeamNGAmbiguousVehicleError extends BeamNGLinkError {
  readonly code = 'beamng_vehicle_ambiguous';
  constructor(detail: string) {
    super(`cannot tell which vehicle is the player's: ${detail}`);
    this.name = 'BeamNGAmbiguousVehicleError';
  }
}

/** StartVehicleConnection answered for another vehicle than the one asked for (its socket is not used). */
export class BeamNGWrongVehicleError extends BeamNGLinkError {
  readonly code = 'beamng_wrong_vehicle';
  constructor(
    readonly requested: string,
    readonly answered: string,
  ) {
    super(
      `BeamNG opened the connection of vehicle "${answered}" when asked for "${requested}": refused`,
    );
    this.name = 'BeamNGWrongVehicleError';
  }
}

/** `{code, message}` for any thrown value: what a status or a session error keeps. */
export function describeBeamNGError(err: unknown): { code: string; message: string } {
  if (err instanceof BeamNGLinkError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'beamng_internal', message: err.message };
  return { code: 'beamng_internal', message: String(err) };
}
