/** How an HTTP request becomes the origin of an input for the floor's intake. */
import type { Context } from 'hono';
import type { InputOrigin } from '../../machines/envelope.js';
import type { EventSource } from '../../machines/schemas.js';
import type { RequestEnv } from './request-log.js';

/**
 * Where an HTTP input comes from: its source, the caller's idempotency key (header, else a
 * `request_id` field of the body) as the request id, and the request's correlation id.
 */
export function originOf(
  c: Context<RequestEnv>,
  source: EventSource,
  bodyRequestId?: string,
): InputOrigin {
  const key = bodyRequestId ?? c.req.header('idempotency-key');
  return {
    source,
    ...(key ? { request_id: key } : {}),
    correlation_id: c.get('correlation_id'),
  };
}
