import { describe, expect, it } from "vitest";
import { BPF, BpfAssembler, disassemble, runBpf } from "./bpf.ts";

describe("BpfAssembler", () => {
  it("encodes struct sock_filter: u16 code, u8 jt, u8 jf, u32 k, little-endian", () => {
    const program = new BpfAssembler()
      .load(4)
      .jump("eq", 0xc000003e, null, "no")
      .ret(1)
      .label("no")
      .ret(2)
      .assemble();
    expect(program.toString("hex")).toBe(
      ["2000000004000000", "15000001" + "3e0000c0", "0600000001000000", "0600000002000000"].join(""),
    );
    expect(disassemble(program)).toEqual([
      { code: BPF.LD_W_ABS, jt: 0, jf: 0, k: 4 },
      { code: BPF.JEQ_K, jt: 0, jf: 1, k: 0xc000003e },
      { code: BPF.RET_K, jt: 0, jf: 0, k: 1 },
      { code: BPF.RET_K, jt: 0, jf: 0, k: 2 },
    ]);
  });

  it("resolves forward labels to relative offsets and runs as the kernel would", () => {
    const program = new BpfAssembler()
      .load(0)
      .jump("eq", 7, "seven")
      .jump("ge", 100, "big")
      .jump("set", 0x10, "bit", "other")
      .label("seven")
      .ret(70)
      .label("big")
      .ret(1000)
      .label("bit")
      .ret(16)
      .label("other")
      .ret(0)
      .assemble();
    const data = (n: number) => {
      const b = Buffer.alloc(64);
      b.writeUInt32LE(n, 0);
      return b;
    };
    expect(runBpf(program, data(7))).toBe(70);
    expect(runBpf(program, data(0xffff_ffff))).toBe(1000);
    expect(runBpf(program, data(0x31))).toBe(16);
    expect(runBpf(program, data(0x21))).toBe(0);
  });

  it("refuses backward jumps, unknown and repeated labels, bad offsets and a missing final return", () => {
    expect(() => new BpfAssembler().label("top").load(0).jump("eq", 1, "top").ret(0).assemble()).toThrow(
      /out of range/,
    );
    expect(() => new BpfAssembler().load(0).jump("eq", 1, "nowhere").ret(0).assemble()).toThrow(
      /unknown BPF label/,
    );
    expect(() => new BpfAssembler().label("a").label("a").ret(0).assemble()).toThrow(/twice/);
    expect(() => new BpfAssembler().load(3)).toThrow(/offset/);
    expect(() => new BpfAssembler().jump("eq", -1, null)).toThrow(/out of range/);
    expect(() => new BpfAssembler().load(0).assemble()).toThrow(/end with a return/);
  });

  it("refuses a jump farther than 255 instructions", () => {
    const far = new BpfAssembler().load(0).jump("eq", 1, "end");
    for (let i = 0; i < 256; i++) far.ret(i);
    expect(() => far.label("end").ret(0).assemble()).toThrow(/out of range \(256\)/);
  });
});
