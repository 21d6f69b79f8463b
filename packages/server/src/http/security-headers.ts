import { createHash } from "node:crypto";
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/** sha256 sources for the inline scripts of index.html (the theme script runs before paint). */
export function inlineScriptHashes(indexHtml: string | null): string[] {
  if (!indexHtml) return [];
  return [...indexHtml.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
    (m) =>
      `'sha256-${createHash("sha256")
        .update(m[1] ?? "")
        .digest("base64")}'`,
  );
}

/**
 * Helmet's headers with a Content-Security-Policy that fits the app: scripts and
 * connections from this origin only, Monaco's workers and injected styles allowed.
 * HSTS only in production (behind TLS).
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  opts: { production: boolean; indexHtml: string | null },
): Promise<void> {
  await app.register(helmet, {
    hsts: opts.production ? { maxAge: 31536000, includeSubDomains: true } : false,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inlineScriptHashes(opts.indexHtml)],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", "blob:"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: opts.production ? [] : null,
      },
    },
    crossOriginEmbedderPolicy: false,
  });
}
