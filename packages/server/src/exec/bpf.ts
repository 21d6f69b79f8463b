/**
 * A tiny assembler for classic BPF (the instruction set seccomp filters use): word loads from
 * the packet (for seccomp: `struct seccomp_data`), conditional jumps against constants to
 * named labels, and returns. Its output is what bwrap's `--seccomp FD` reads: the array of
 * `struct sock_filter` (8 bytes each: u16 code, u8 jt, u8 jf, u32 k) in host byte order.
 */

/** Opcodes used here (linux/bpf_common.h). */
export const BPF = {
  /** BPF_LD | BPF_W | BPF_ABS: A = 32-bit word at offset k. */
  LD_W_ABS: 0x20,
  /** BPF_JMP | BPF_JEQ | BPF_K: jump if A == k. */
  JEQ_K: 0x15,
  /** BPF_JMP | BPF_JGE | BPF_K: jump if A >= k (unsigned). */
  JGE_K: 0x35,
  /** BPF_JMP | BPF_JSET | BPF_K: jump if A & k. */
  JSET_K: 0x45,
  /** BPF_RET | BPF_K: return k. */
  RET_K: 0x06,
} as const;

/** Most instructions the kernel accepts in one filter (BPF_MAXINSNS). */
export const BPF_MAX_INSNS = 4096;

export type JumpCondition = "eq" | "ge" | "set";

const JUMP_CODES: Record<JumpCondition, number> = { eq: BPF.JEQ_K, ge: BPF.JGE_K, set: BPF.JSET_K };

/** One instruction with its jumps still named; `null` means the next instruction. */
type Item =
  | { kind: "label"; name: string }
  | { kind: "insn"; code: number; k: number; ifTrue?: string | null; ifFalse?: string | null };

/** One decoded instruction (what `assemble` wrote). */
export interface BpfInstruction {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

function checkU32(k: number): number {
  if (!Number.isInteger(k) || k < 0 || k > 0xffff_ffff)
    throw new RangeError(`BPF constant out of range: ${k}`);
  return k;
}

/**
 * Builds a classic BPF program. Jumps only go forward (the kernel refuses loops), by at most
 * 255 instructions (the jt/jf fields are one byte): `assemble` throws otherwise, and for an
 * unknown or repeated label.
 */
export class BpfAssembler {
  private readonly items: Item[] = [];

  /** Names the next instruction. */
  label(name: string): this {
    this.items.push({ kind: "label", name });
    return this;
  }

  /** A = the 32-bit word at byte `offset` of the data. */
  load(offset: number): this {
    if (!Number.isInteger(offset) || offset < 0 || offset % 4 !== 0)
      throw new RangeError(`bad BPF load offset ${offset}`);
    this.items.push({ kind: "insn", code: BPF.LD_W_ABS, k: offset });
    return this;
  }

  /** If A `condition` k, go to `ifTrue`, else to `ifFalse` (labels; null: the next instruction). */
  jump(condition: JumpCondition, k: number, ifTrue: string | null, ifFalse: string | null = null): this {
    this.items.push({ kind: "insn", code: JUMP_CODES[condition], k: checkU32(k), ifTrue, ifFalse });
    return this;
  }

  /** Ends the program with the value `k` (for seccomp: the action). */
  ret(k: number): this {
    this.items.push({ kind: "insn", code: BPF.RET_K, k: checkU32(k) });
    return this;
  }

  /** The program as `struct sock_filter[]`, little-endian (the byte order of x86_64 and arm64 Linux). */
  assemble(): Buffer {
    const labels = new Map<string, number>();
    const insns: Extract<Item, { kind: "insn" }>[] = [];
    for (const item of this.items) {
      if (item.kind === "label") {
        if (labels.has(item.name)) throw new Error(`BPF label defined twice: ${item.name}`);
        labels.set(item.name, insns.length);
      } else insns.push(item);
    }
    if (insns.length === 0 || insns.length > BPF_MAX_INSNS)
      throw new Error(`BPF program of ${insns.length} instructions`);
    const last = insns[insns.length - 1];
    if (last?.code !== BPF.RET_K) throw new Error("a BPF program must end with a return");
    const out = Buffer.alloc(insns.length * 8);
    insns.forEach((insn, index) => {
      const offset = (target: string | null | undefined): number => {
        if (target === null || target === undefined) return 0;
        const at = labels.get(target);
        if (at === undefined) throw new Error(`unknown BPF label: ${target}`);
        const distance = at - (index + 1);
        if (distance < 0 || distance > 255)
          throw new Error(`BPF jump to ${target} out of range (${distance})`);
        return distance;
      };
      out.writeUInt16LE(insn.code, index * 8);
      out.writeUInt8(offset(insn.ifTrue), index * 8 + 2);
      out.writeUInt8(offset(insn.ifFalse), index * 8 + 3);
      out.writeUInt32LE(insn.k, index * 8 + 4);
    });
    return out;
  }
}

/** Decodes an assembled program (for tests and diagnostics). */
export function disassemble(program: Buffer): BpfInstruction[] {
  if (program.length % 8 !== 0) throw new Error("a BPF program is a multiple of 8 bytes");
  const out: BpfInstruction[] = [];
  for (let at = 0; at < program.length; at += 8) {
    out.push({
      code: program.readUInt16LE(at),
      jt: program.readUInt8(at + 2),
      jf: program.readUInt8(at + 3),
      k: program.readUInt32LE(at + 4),
    });
  }
  return out;
}

/**
 * Runs a program the way the kernel would over `data` (only the instructions this assembler
 * emits) and returns what it returns: a check of a filter without loading it.
 */
export function runBpf(program: Buffer, data: Buffer): number {
  const insns = disassemble(program);
  let a = 0;
  for (let pc = 0; pc < insns.length; ) {
    const insn = insns[pc] as BpfInstruction;
    switch (insn.code) {
      case BPF.LD_W_ABS:
        if (insn.k + 4 > data.length) throw new Error(`BPF load past the data at ${insn.k}`);
        a = data.readUInt32LE(insn.k);
        pc++;
        break;
      case BPF.JEQ_K:
      case BPF.JGE_K:
      case BPF.JSET_K: {
        const taken =
          insn.code === BPF.JEQ_K
            ? a === insn.k
            : insn.code === BPF.JGE_K
              ? a >= insn.k
              : (a & insn.k) >>> 0 !== 0;
        pc += 1 + (taken ? insn.jt : insn.jf);
        break;
      }
      case BPF.RET_K:
        return insn.k;
      default:
        throw new Error(`unknown BPF opcode ${insn.code}`);
    }
  }
  throw new Error("BPF program ran off its end");
}
