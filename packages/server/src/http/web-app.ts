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
 */
export async function registerWebApp(app: FastifyInstance, webDir: string | null, indexHtml: string | null) {
  if (webDir && indexHtml) {
    await app.register(fastifyStatic, {
      root: webDir,
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders(res, filePath) {
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        res.setHeader("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
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
