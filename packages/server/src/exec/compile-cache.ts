import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isAlive } from "./host-process.ts";
import { type CompileAids, CXX_FLAGS, javacJvmFlags, type Toolchain } from "./languages.ts";
import type { RunLimits } from "./limits.ts";

/** Where the cache shows, read-only, in a compiler's sandbox (never in a program's). */
export const SANDBOX_CACHE_DIR = "/opt/observer-compile-cache";

/**
 * The C++ headers precompiled: the first include of most teaching programs (`<iostream>`), and
 * of contest-style ones (`<bits/stdc++.h>`, every standard header at once).
 */
export const PRECOMPILED_HEADERS = ["iostream", "bits/stdc++.h"] as const;

const BUILDER = fileURLToPath(new URL("./compile-cache-builder.mjs", import.meta.url));

/** What a built cache holds (its `ready.json`, written last). */
export interface CacheContents {
  /** The headers precompiled, in `pch/` (for `-I`). */
  headers: string[];
  /** Whether `javac.jsa` holds a class-data-sharing archive of the compiler's classes. */
  javacArchive: boolean;
  /** What could not be built, and why. */
  problems: string[];
}

/** A built cache: where it is on the host and what it holds. */
export interface ReadyCache extends CacheContents {
  hostDir: string;
}

/** What the compile commands are given of a built cache, at `dir` (SANDBOX_CACHE_DIR in a sandbox). */
export function compileAids(cache: ReadyCache | null, dir: string): CompileAids {
  return {
    includeDir: cache && cache.headers.length > 0 ? path.join(dir, "pch") : null,
    javacArchive: cache?.javacArchive ? path.join(dir, "javac.jsa") : null,
  };
}

/** A folder that is ours alone: a real directory (not a link), owned by us, writable by nobody else. */
function privateDir(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    return stat.isDirectory() && stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * What makes compiling faster without changing what a program means: a GCC precompiled header
 * for each common first header of C++ programs (GCC takes one only when the program includes
 * it first, with the same flags and the same macros, and otherwise reads the header itself),
 * and a class-data-sharing archive of javac's own classes (the JVM checks it against the JDK
 * and ignores it when they differ). Built once per toolchain and flags on this machine, in a
 * folder under the runs' folder named for them, by a detached process of its own
 * (compile-cache-builder.mjs) from fixed sources, never a student's code; shown read-only to
 * compilers in their sandbox at SANDBOX_CACHE_DIR. Until it is built, or if it cannot be, compiles go as
 * without it. A folder that is not ours alone (another user's, or writable by others) is never
 * used.
 */
export class CompileCache {
  readonly dir: string;
  private ready: ReadyCache | null = null;
  private started = false;

  constructor(
    private readonly workRoot: string,
    private readonly tools: Toolchain,
    private readonly compileLimits: RunLimits,
    private readonly log: { warn(message: string): void; info(message: string): void },
  ) {
    this.dir = path.join(workRoot, `compile-cache-${cacheKey(tools, compileLimits)}`);
  }

  /** The cache once built (looked for on the disk until then: another process builds it). */
  current(): ReadyCache | null {
    if (this.ready) return this.ready;
    const marker = path.join(this.dir, "ready.json");
    if (!existsSync(marker) || !privateDir(this.workRoot) || !privateDir(this.dir)) return null;
    try {
      const contents = JSON.parse(readFileSync(marker, "utf8")) as CacheContents;
      this.ready = { ...contents, hostDir: this.dir };
    } catch {
      return null;
    }
    for (const problem of this.ready.problems) this.log.warn(`Code runner: compile cache: ${problem}`);
    return this.ready;
  }

  /** Starts the build unless the cache is built or being built (by any process of this user). */
  build(): void {
    if (this.started || this.current()) return;
    this.started = true;
    if (!this.tools.gxx && !this.tools.javac) return;
    if (!privateDir(this.workRoot)) {
      this.log.warn(`Code runner: no compile cache: ${this.workRoot} is not a folder of this user alone`);
      return;
    }
    if (this.building()) return;
    const spec = {
      dir: this.dir,
      gxx: this.tools.gxx,
      cxxFlags: CXX_FLAGS,
      headers: PRECOMPILED_HEADERS,
      javac: this.tools.javac,
      javacFlags: javacJvmFlags(this.compileLimits),
    };
    const child = spawn(process.execPath, [BUILDER, JSON.stringify(spec)], {
      detached: true,
      stdio: "ignore",
      env: {},
    });
    child.on("error", (err) => this.log.warn(`Code runner: cannot build the compile cache: ${err.message}`));
    child.unref();
  }

  /** Whether a live process holds the build's lock. */
  private building(): boolean {
    try {
      const pid = Number(readFileSync(`${this.dir}.lock`, "utf8").trim());
      return Number.isInteger(pid) && pid > 0 && isAlive(pid);
    } catch {
      return false;
    }
  }
}

/** Names the cache for what it depends on: the compilers (path, size, time) and their flags. */
function cacheKey(tools: Toolchain, compileLimits: RunLimits): string {
  const hash = createHash("sha256");
  for (const bin of [tools.gxx, tools.javac]) {
    if (!bin) continue;
    const stat = statSync(bin);
    hash.update(`${bin}:${stat.size}:${stat.mtimeMs}\n`);
  }
  hash.update(JSON.stringify({ CXX_FLAGS, PRECOMPILED_HEADERS, javac: javacJvmFlags(compileLimits) }));
  return hash.digest("hex").slice(0, 16);
}
