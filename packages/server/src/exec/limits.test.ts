import { describe, expect, it } from "vitest";
import {
  DEFAULT_RUN_LIMITS,
  nprocArgs,
  parseBytes,
  parseDuration,
  parseLimitSettings,
  resolveLimits,
  ulimitSpec,
} from "./limits.ts";

describe("parseBytes", () => {
  it.each([
    ["1048576", 1048576],
    ["64k", 64 * 1024],
    ["64 KiB", 64 * 1024],
    ["256M", 256 * 1024 * 1024],
    ["256mb", 256 * 1024 * 1024],
    ["1.5G", 1.5 * 1024 * 1024 * 1024],
    ["10b", 10],
  ])("%s -> %d", (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(["", "M", "-1M", "12 parsecs", "1e6", "0x10"])("refuses %j", (text) => {
    expect(() => parseBytes(text)).toThrow(/is not a size/);
  });
});

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["1.5s", 1500],
    ["2m", 120_000],
    ["2min", 120_000],
  ])("%s -> %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["30", "", "s", "1h", "-3s"])("refuses %j (a unit is required)", (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });
});

describe("parseLimitSettings", () => {
  it("maps operator settings to limits", () => {
    expect(
      parseLimitSettings({ wallTime: "10s", memory: "512M", processes: "64", output: "2M", stdin: "16k" }),
    ).toEqual({
      wallTimeMs: 10_000,
      memoryBytes: 512 * 1024 * 1024,
      processes: 64,
      outputBytes: 2 * 1024 * 1024,
      stdinBytes: 16 * 1024,
    });
    expect(parseLimitSettings({ wallTime: " ", memory: undefined })).toEqual({});
  });

  it("lists every bad setting at once", () => {
    expect(() => parseLimitSettings({ wallTime: "30", memory: "lots", processes: "1.5" })).toThrow(
      /wallTimeMs: .*; memoryBytes: .*; processes: /,
    );
  });

  it("refuses values out of range", () => {
    expect(() => parseLimitSettings({ memory: "1M" })).toThrow(/memoryBytes: must be a whole number from/);
    expect(() => parseLimitSettings({ wallTime: "0s" })).toThrow(/wallTimeMs/);
  });
});

describe("resolveLimits", () => {
  it("applies overrides over the defaults and leaves the base untouched", () => {
    const limits = resolveLimits(DEFAULT_RUN_LIMITS, { wallTimeMs: 5000, memoryBytes: undefined });
    expect(limits).toEqual({ ...DEFAULT_RUN_LIMITS, wallTimeMs: 5000 });
    expect(DEFAULT_RUN_LIMITS.wallTimeMs).toBe(30_000);
  });

  it("refuses fractions, negatives and unknown limits", () => {
    expect(() => resolveLimits(DEFAULT_RUN_LIMITS, { processes: 2.5 })).toThrow(/processes/);
    expect(() => resolveLimits(DEFAULT_RUN_LIMITS, { outputBytes: -1 })).toThrow(/outputBytes/);
    expect(() => resolveLimits(DEFAULT_RUN_LIMITS, { bogus: 1 } as never)).toThrow(/bogus: unknown limit/);
  });

  it("has interactive defaults: 30 s wall time, 1 MB output, 64 KB stdin", () => {
    expect(DEFAULT_RUN_LIMITS).toMatchObject({
      wallTimeMs: 30_000,
      outputBytes: 1024 * 1024,
      stdinBytes: 64 * 1024,
    });
  });
});

describe("ulimitSpec", () => {
  it("sets CPU (whole seconds, hard one above soft), file size in KiB, open files and no core dumps", () => {
    const limits = {
      ...DEFAULT_RUN_LIMITS,
      cpuTimeMs: 2500,
      fileSizeBytes: 16 * 1024 * 1024,
      openFiles: 256,
    };
    expect(ulimitSpec(limits)).toBe("-t=4 -St=3 -f=16384 -n=256 -c=0");
  });

  it("adds an address-space limit (KiB) only when asked", () => {
    expect(ulimitSpec(DEFAULT_RUN_LIMITS, 1 << 28)).toMatch(/ -v=262144$/);
    expect(ulimitSpec(DEFAULT_RUN_LIMITS)).not.toContain("-v=");
  });
});

describe("nprocArgs", () => {
  it("sets RLIMIT_NPROC for prlimit inside the sandbox", () => {
    expect(nprocArgs({ ...DEFAULT_RUN_LIMITS, processes: 64 })).toEqual(["--nproc=64", "--"]);
  });
});
