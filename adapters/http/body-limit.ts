/**
 * Request bodies over a size are refused (413) before they are read. A declared Content-Length
 * decides at once; a chunked body is counted as it streams, by Hono's own bodyLimit.
 *
 * Hono's bodyLimit alone reads `c.req.raw.body`, which on the Node adapter turns every request —
 * GETs included — into a full WHATWG Request: that cost more than the rest of a health check.
 * Requests without a body, and bodies with a length, never touch it here.
 */
import { createMiddleware } from 'hono/factory';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './errors.js';

/** Middleware refusing bodies over `maxBytes` with 413 `payload_too_large`. */
export function limitBody(maxBytes: number) {
  const refuse = (): never => {
    throw new ApiError(
      'payload_too_large',
      `Request bodies are limited to ${(maxBytes / 1024 / 1024).toFixed(0)} MB`,
    );
  };
  const streamed = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return createMiddleware(async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD' || c.req.method === 'OPTIONS') {
      return next();
    }
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > maxBytes) refuse();
      return next();
    }
    return streamed(c, next);
  });
}
