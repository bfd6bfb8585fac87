/**
 * A POST of JSON to the server, the browser side, shared by the screens' few direct calls (staff
 * manual damage, "send by e-mail"): the network failure as an error value, the answer's JSON
 * read when it has any, and a refusal as the `{code, message}` the server words it.
 */
import type { SessionError } from '../machines/schemas.js';

export interface JsonAnswer {
  response: Response;
  /** The answer's JSON; null when it had none (a proxy's error page, say). */
  body: unknown;
}

/** Posts `payload`; never throws: a network failure is an error value. */
export async function postJson(
  fetchFn: typeof fetch,
  path: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<{ ok: true; answer: JsonAnswer } | { ok: false; error: SessionError }> {
  let response: Response;
  try {
    response = await fetchFn(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
      body: JSON.stringify(payload),
    });
  } catch (err) {
    return {
      ok: false,
      error: { code: 'network', message: err instanceof Error ? err.message : String(err) },
    };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON: the status says enough.
  }
  return { ok: true, answer: { response, body } };
}

/** The server's `{error:{code, message, details?}}`, else the HTTP status as the error. */
export function refusalOf({ response, body }: JsonAnswer): SessionError & { details?: unknown } {
  const error = (body as { error?: Partial<SessionError> & { details?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : `http_${response.status}`,
    message:
      typeof error?.message === 'string'
        ? error.message
        : `HTTP ${response.status} ${response.statusText}`.trim(),
    // The field problems, as the server gave them with its own words.
    ...(typeof error?.message === 'string' && error.details !== undefined
      ? { details: error.details }
      : {}),
  };
}
