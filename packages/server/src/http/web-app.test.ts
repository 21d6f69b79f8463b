import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readIndexHtml, registerWebApp } from "./web-app.ts";

/** A built app as the web build leaves it: a hashed asset with its .br and .gz beside it. */
const script = `console.log(${JSON.stringify("observer ".repeat(400))});\n`;

describe("the web app's static files", () => {
  let webDir: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    webDir = mkdtempSync(path.join(tmpdir(), "observer-web-app-"));
    mkdirSync(path.join(webDir, "assets"));
    writeFileSync(path.join(webDir, "index.html"), "<!doctype html><body>app</body>");
    writeFileSync(path.join(webDir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
    const asset = path.join(webDir, "assets", "app-abc123.js");
    writeFileSync(asset, script);
    writeFileSync(`${asset}.br`, brotliCompressSync(script));
    writeFileSync(`${asset}.gz`, gzipSync(script));
    app = Fastify();
    await registerWebApp(app, webDir, readIndexHtml(webDir));
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  const get = (url: string, acceptEncoding?: string) =>
    app.inject({ method: "GET", url, headers: acceptEncoding ? { "accept-encoding": acceptEncoding } : {} });

  it("sends the brotli copy to a browser that takes br, cached for a year, varying by encoding", async () => {
    const res = await get("/assets/app-abc123.js", "gzip, deflate, br, zstd");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(Number(res.headers["content-length"])).toBeLessThan(script.length / 10);
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe(script);
  });

  it("sends the gzip copy when br is not accepted, and the plain file when nothing is", async () => {
    const gzip = await get("/assets/app-abc123.js", "gzip");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gzip.rawPayload).toString()).toBe(script);

    const plain = await get("/assets/app-abc123.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.body).toBe(script);
  });

  it("falls back to the plain file when no compressed copy exists, and never serves the copies by name", async () => {
    const icon = await get("/favicon.svg", "br, gzip");
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["content-encoding"]).toBeUndefined();
    expect(icon.headers["cache-control"]).toBe("no-cache");
    expect(icon.body).toContain("<svg");

    // A copy's own URL is a client-side route like any other: index.html, not the bytes.
    const copy = await get("/assets/app-abc123.js.br");
    expect(copy.headers["content-type"]).toMatch(/text\/html/);
    expect(copy.headers["cache-control"]).toBe("no-cache");
  });
});
