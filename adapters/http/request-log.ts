/**
 * One log line per HTTP request, and a correlation id that follows the request: taken from the
 * caller's `X-Request-Id` when it is a sane token, made up otherwise, echoed in the response and
 * bound to a child logger (`c.get('log')`) so every line a handler writes carries it.
 */
import { randomUUID } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { Logger } from '../log.js';

/** Hono env for routes behind `requestLog`: `new Hono<RequestEnv>()`. */
export interface RequestEnv {
  Variables: { correlation_id: string; log: Logger };
}

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller's id is kept only if it cannot forge log lines or bloat them. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's request id if it is a sane token, else a fresh UUID. */
export function correlationIdOf(header: string | undefined): string {
  return header !== undefined && SANE_ID.test(header) ? header : randomUUID();
}

/** Middleware: sets `correlation_id` and `log` on the context and logs the finished request. */
export function requestLog(logger: Logger) {
  return createMiddleware<RequestEnv>(async (c, next) => {
    const started = performance.now();
    const correlation_id = correlationIdOf(c.req.header(REQUEST_ID_HEADER));
    const log = logger.child({ correlation_id });
    c.set('correlation_id', correlation_id);
    c.set('log', log);
    // Set before the handler runs, so c.json() (and onError, notFound) answers carry it at no
    // cost; setting a header on a finished Response afterwards makes Hono copy the Response,
    // which costs more than the whole request on the node adapter.
    c.header(REQUEST_ID_HEADER, correlation_id);
    let status = 500;
    try {
      await next();
      // A raw Response a handler built itself (static files) did not see the context's headers.
      if (!c.res.headers.has(REQUEST_ID_HEADER)) c.header(REQUEST_ID_HEADER, correlation_id);
      status = c.res.status;
    } finally {
      // Time to the handler's answer; a streamed body may still be flowing.
      const fields = {
        method: c.req.method,
        path: c.req.path,
        status,
        duration_ms: Math.round((performance.now() - started) * 10) / 10,
      };
      if (status >= 500) log.error(fields, 'request');
      else log.info(fields, 'request');
    }
  });
}
