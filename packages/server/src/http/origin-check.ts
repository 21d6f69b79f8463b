import type { FastifyRequest } from "fastify";
import { fail } from "../errors.ts";

/**
 * Refuses (403 `origin_not_allowed`) a request that a browser says comes from another site,
 * for routes that act on the refresh cookie alone (refresh, logout): SameSite=Strict keeps
 * other sites out, but not a page on a sibling host of the same site (another school
 * subdomain), and an older browser may not honour SameSite at all.
 *
 * Allowed: an `Origin` whose host name is the host the request was sent to (`Host`, or
 * `X-Forwarded-Host` from a trusted proxy); the port is not compared, as cookies do not
 * separate ports either. A request without `Origin` passes: browsers send it with every
 * POST, so only programs (curl, scripts, monitoring) leave it out, and a program has no
 * victim's cookie to abuse. `Origin: null` (sandboxed frames, privacy redirects) and
 * `Sec-Fetch-Site: cross-site` are refused.
 */
export function checkSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) {
    if (request.headers["sec-fetch-site"] === "cross-site") throw fail("origin_not_allowed");
    return;
  }
  let hostname: string;
  try {
    hostname = new URL(origin).hostname;
  } catch {
    throw fail("origin_not_allowed");
  }
  if (!hostname || hostname.toLowerCase() !== request.hostname.toLowerCase())
    throw fail("origin_not_allowed");
}
