/**
 * Who may talk to the console: it listens on 127.0.0.1 only, and every request must carry the random
 * token printed at start (as Jupyter does), in the `X-Sluice-Token` header or the `token` query
 * parameter (the page's first load and its event stream, which cannot set headers). A request that
 * changes data must carry it in the header (a cross-site form cannot set one) and come from the
 * console's own origin (Origin and Sec-Fetch-Site). The Host header must name the console itself, so
 * a DNS-rebinding page cannot reach it under another name.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A new random token: 32 hex digits (128 bits). */
export function newToken(): string {
  return randomBytes(16).toString('hex');
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token));
}

/** Why a request is refused (an HTTP status and a sentence), or undefined when it may go on. */
export function refusal(req: IncomingMessage, url: URL, token: string, port: number): { status: number; message: string } | undefined {
  const host = req.headers.host ?? '';
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return { status: 403, message: `the console answers only as 127.0.0.1:${port} (given Host '${host}')` };
  const header = req.headers['x-sluice-token'];
  const fromHeader = typeof header === 'string' ? header : undefined;
  const mutating = req.method !== 'GET' && req.method !== 'HEAD';
  if (mutating) {
    if (!sameToken(fromHeader, token)) return { status: 403, message: 'a request that changes data needs the console token in the X-Sluice-Token header' };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return { status: 403, message: `cross-site request refused (Origin '${origin}')` };
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return { status: 403, message: `cross-site request refused (Sec-Fetch-Site '${site}')` };
    return undefined;
  }
  if (!sameToken(fromHeader ?? url.searchParams.get('token') ?? undefined, token)) return { status: 401, message: 'this console needs its token: open the URL it printed at start (with ?token=...)' };
  return undefined;
}
