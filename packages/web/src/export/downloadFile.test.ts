import { describe, expect, it } from "vitest";
import { attachmentName, expectedBytes, progressPercent } from "./downloadFile.ts";

describe("export download progress", () => {
  it("gives the percent of the estimate, below 100 until the end, and none without a total", () => {
    expect(progressPercent({ received: 0, total: 1000 })).toBe(0);
    expect(progressPercent({ received: 425, total: 1000 })).toBe(42);
    // The estimate is of the uncompressed size: a zip may come out larger than it.
    expect(progressPercent({ received: 5000, total: 1000 })).toBe(99);
    expect(progressPercent({ received: 10, total: null })).toBeNull();
    expect(progressPercent({ received: 10, total: 0 })).toBeNull();
  });

  it("reads the export estimate first, then Content-Length", () => {
    expect(expectedBytes(new Headers({ "x-observer-export-estimate": "2048", "content-length": "10" }))).toBe(
      2048,
    );
    expect(expectedBytes(new Headers({ "content-length": "10" }))).toBe(10);
    expect(expectedBytes(new Headers({ "x-observer-export-estimate": "soon" }))).toBeNull();
    expect(expectedBytes(new Headers())).toBeNull();
  });
});

describe("attachmentName", () => {
  it("prefers the UTF-8 name", () => {
    expect(
      attachmentName(
        `attachment; filename="Loops___analytics.csv"; filename*=UTF-8''Loops%20%E2%80%94%20analytics.csv`,
        "x.csv",
      ),
    ).toBe("Loops — analytics.csv");
  });

  it("falls back to the plain name, then to the given one", () => {
    expect(attachmentName(`attachment; filename="plain.csv"`, "x.csv")).toBe("plain.csv");
    expect(attachmentName("attachment; filename=bare.csv", "x.csv")).toBe("bare.csv");
    expect(attachmentName("attachment", "x.csv")).toBe("x.csv");
    expect(attachmentName(null, "x.csv")).toBe("x.csv");
  });

  it("survives a malformed escape", () => {
    expect(attachmentName(`attachment; filename="ok.csv"; filename*=UTF-8''bad%E2.csv`, "x.csv")).toBe(
      "ok.csv",
    );
  });
});
