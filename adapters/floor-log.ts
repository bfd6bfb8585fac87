/**
 * The floor's events as log lines: one per session transition (station, session, from, to, the
 * event behind it, its source and correlation id), one per simulator link change and one per
 * station restored at start-up, at info; a session that could not be restored at warn;
 * inputs taken or refused at debug (the simulator's readings arrive four times a second).
 */
import type { FloorEvent } from '../actors/floor.js';
import type { Logger } from './log.js';

/** An observer for `FloorOptions.observe` that writes to `logger`. */
export function floorLogger(logger: Logger): (event: FloorEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'session.transition':
        logger.info(
          {
            station_id: event.station_id,
            session_id: event.session_id,
            from: event.from,
            to: event.to,
            event_type: event.event_type,
            source: event.source,
            correlation_id: event.correlation_id,
          },
          'session transition',
        );
        return;
      case 'link.changed':
        logger.info(
          {
            station_id: event.station_id,
            status: event.rig.status,
            address: event.rig.address,
            simulated: event.rig.simulated,
            attempt: event.rig.attempt,
            last_error: event.rig.last_error,
          },
          'simulator link',
        );
        return;
      case 'floor.restored':
        // One line per station, so the operator can find a station's in the log.
        for (const r of event.restored) {
          logger.info(
            { station_id: r.station_id, session_id: r.session_id, step: r.step, timers: r.timers },
            'session restored',
          );
        }
        for (const s of event.set_aside) {
          logger.warn(
            { station_id: s.station_id, session_id: s.session_id, reason: s.reason },
            'session could not be restored: set aside, the station starts fresh',
          );
        }
        return;
      case 'input.accepted':
      case 'input.refused': {
        const { envelope } = event;
        const fields = {
          station_id: envelope.station_id,
          input: envelope.type,
          source: envelope.source,
          request_id: envelope.request_id,
          correlation_id: envelope.correlation_id,
        };
        if (event.type === 'input.accepted') {
          logger.debug({ ...fields, duplicate: event.duplicate }, 'input taken');
        } else {
          logger.debug(
            { ...fields, code: event.error.code, reason: event.error.message },
            'input refused',
          );
        }
        return;
      }
    }
  };
}
