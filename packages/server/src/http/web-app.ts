import { readFileSync } from "node:fs";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { notFoundBody } from "./error-handler.ts";

/** Reads the built app's index.html, or null when the app was not built. */
export function readIndexHtml(webDir: string | null): string | null {
  if (!webDir) return null;
  try {
    return readFileSync(path.join(webDir, "index.html"), "utf8");
  } catch {
    return null;
  }
}

const isApiPath = (url: string) =>
  url.startsWith("/api/") || url === "/api" || url === "/metrics" || url.startsWith("/collab");

/**
 * Serves the built web app from the API's port: hashed assets cached for a year, and every
 * other GET that is not an API path answered with index.html (client-side routes).
 * The build writes `.br` and `.gz` beside each text asset (packages/web/vite-precompress.ts);
 * they are sent by the request's Accept-Encoding (brotli first), with `Vary: Accept-Encoding`
 * so a shared cache keeps the encodings apart, and the plain file to clients that take neither.
 */
export async function registerWebApp(app: FastifyInstance, webDir: string | null, indexHtml: string | null) {
  if (webDir && indexHtml) {
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: false,
      index: false,
      cacheControl: false,
      preCompressed: true,
      // The compressed copies are found beside their file, not served under their own names.
      globIgnore: ["**/*.br", "**/*.gz"],
      setHeaders(res, filePath) {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
        res.setHeader("vary", "accept-encoding");
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split("?")[0] ?? "/";
    if (request.method === "GET" && !isApiPath(url) && indexHtml) {
      return reply.type("text/html; charset=utf-8").header("cache-control", "no-cache").send(indexHtml);
    }
    return reply.status(404).send(notFoundBody());
  });
}
