import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { logInAt } from "../support/app.ts";
import { useClassroom } from "../support/classroom.ts";
import { editorTextMatching } from "../support/editor.ts";

/** One response as Chromium's network layer saw it. */
interface Loaded {
  url: string;
  encoding: string;
  /** Bytes on the wire, headers included (CDP `encodedDataLength`). */
  transferred: number;
  /** Body bytes after decoding (sum of CDP `dataReceived.dataLength`). */
  decoded: number;
}

/** Records every HTTP response of `page` that came over the network (not from its cache) until `stop()`. */
async function recordNetwork(page: Page): Promise<{ stop(): Promise<Loaded[]> }> {
  const cdp = await page.context().newCDPSession(page);
  const byId = new Map<string, Loaded>();
  const done: Loaded[] = [];
  cdp.on("Network.responseReceived", ({ requestId, response }) => {
    // A file the browser already holds (the shell, on the second page) crosses no wire.
    if (response.fromDiskCache || response.fromPrefetchCache || response.fromServiceWorker) return;
    const encoding = Object.entries(response.headers).find(([k]) => k.toLowerCase() === "content-encoding");
    byId.set(requestId, {
      url: response.url,
      encoding: encoding ? String(encoding[1]) : "identity",
      transferred: 0,
      decoded: 0,
    });
  });
  cdp.on("Network.dataReceived", ({ requestId, dataLength }) => {
    const entry = byId.get(requestId);
    if (entry) entry.decoded += dataLength;
  });
  cdp.on("Network.loadingFinished", ({ requestId, encodedDataLength }) => {
    const entry = byId.get(requestId);
    // Nothing on the wire: the browser's cache answered (the shell again, on the second page).
    if (!entry || encodedDataLength === 0) return;
    entry.transferred = encodedDataLength;
    done.push(entry);
  });
  await cdp.send("Network.enable");
  return {
    async stop() {
      await cdp.detach();
      return done;
    },
  };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * A student's first visit with an empty cache: log in, open the session's workspace with
 * Monaco. Reports what crossed the wire against what the browser decoded; asserts only that
 * the web app's files came compressed (figures go to bench/README.md, never into assertions).
 */
describe("a student's first load", () => {
  const room = useClassroom({
    session: { name: "First load", language: "python", starterCode: 'print("hello")\n' },
    students: ["Ada Student"],
  });

  it("loads the login page and the workspace with compressed scripts and styles", async () => {
    const page = await room.page();
    const network = await recordNetwork(page);
    await logInAt(page, room.student().account);
    await page.goto(`/sessions/${room.session.id}`);
    await editorTextMatching(page, /print\("hello"\)/);
    await page.waitForLoadState("networkidle");
    const loaded = await network.stop();
    await page.context().close();

    const appFiles = loaded.filter((r) => /\.(js|css|html)$/.test(new URL(r.url).pathname));
    const transferred = loaded.reduce((sum, r) => sum + r.transferred, 0);
    const decoded = loaded.reduce((sum, r) => sum + r.decoded, 0);
    // The same files as a browser on HTTPS (which offers br) would get them.
    let brotli = 0;
    for (const file of new Map(appFiles.map((r) => [r.url, r])).values()) {
      const res = await fetch(file.url, { headers: { "accept-encoding": "br" } });
      const body = await res.arrayBuffer();
      brotli += Number(res.headers.get("content-length") ?? body.byteLength);
    }
    const largest = [...appFiles].sort((a, b) => b.decoded - a.decoded).slice(0, 5);
    console.log(
      [
        `first load (login, then the workspace): ${loaded.length} responses`,
        `  decoded ${kib(decoded)}, transferred ${kib(transferred)} (headers included)`,
        `  app files (js/css/html) as brotli: ${kib(brotli)} (a browser on HTTPS)`,
        ...largest.map(
          (r) => `  ${new URL(r.url).pathname}: ${kib(r.decoded)} -> ${kib(r.transferred)} (${r.encoding})`,
        ),
      ].join("\n"),
    );

    const bigScripts = appFiles.filter((r) => r.decoded > 10_000);
    expect(bigScripts.length).toBeGreaterThan(0);
    expect(bigScripts.filter((r) => r.encoding === "identity").map((r) => r.url)).toEqual([]);
    expect(transferred).toBeLessThan(decoded);
  });
});
