import { describe, expect, it } from "vitest";
import { WriteCoalescer } from "./write-coalescer.ts";

/** A promise that resolves when `open` is called. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describe("WriteCoalescer", () => {
  it("folds the writes asked for while one runs into a single one after it, the latest", async () => {
    const written: number[] = [];
    const first = gate();
    const coalescer = new WriteCoalescer(() => {});
    coalescer.request("doc", async () => {
      await first.opened;
      written.push(0);
    });
    for (let version = 1; version <= 20; version++)
      coalescer.request("doc", async () => {
        written.push(version);
      });
    expect(coalescer.running).toBe(1);
    expect(coalescer.waiting).toBe(1);
    first.open();
    await coalescer.idle("doc");
    expect(written).toEqual([0, 20]);
    expect(coalescer.foldedTotal).toBe(19);
    expect(coalescer.running).toBe(0);
  });

  it("writes different keys at the same time", async () => {
    const a = gate();
    const started: string[] = [];
    const coalescer = new WriteCoalescer(() => {});
    coalescer.request("a", async () => {
      started.push("a");
      await a.opened;
    });
    coalescer.request("b", async () => {
      started.push("b");
    });
    await coalescer.idle("b");
    expect(started).toEqual(["a", "b"]);
    expect(coalescer.running).toBe(1);
    a.open();
    await coalescer.idle("a");
    expect(coalescer.running).toBe(0);
  });

  it("hands a failing write to onError and still does the one waiting behind it", async () => {
    const errors: [string, unknown][] = [];
    const written: string[] = [];
    const first = gate();
    const coalescer = new WriteCoalescer((key, err) => errors.push([key, err]));
    coalescer.request("doc", async () => {
      await first.opened;
      throw new Error("database refused");
    });
    coalescer.request("doc", async () => {
      written.push("retry");
    });
    first.open();
    await coalescer.idle("doc");
    expect(errors.map(([key, err]) => `${key}: ${(err as Error).message}`)).toEqual([
      "doc: database refused",
    ]);
    expect(written).toEqual(["retry"]);
  });

  it("idle waits for a write asked for while the running one ends", async () => {
    const written: number[] = [];
    const coalescer = new WriteCoalescer(() => {});
    coalescer.request("doc", async () => {
      await Promise.resolve();
      written.push(1);
      // Asked for from inside the running write (as a change during a save would be).
      coalescer.request("doc", async () => {
        await new Promise((r) => setTimeout(r, 10));
        written.push(2);
      });
    });
    await coalescer.idle("doc");
    expect(written).toEqual([1, 2]);
  });
});
