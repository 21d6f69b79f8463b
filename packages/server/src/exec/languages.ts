import { execFile } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
} from "node:fs";
import path from "node:path";
import { LANGUAGE_INFO, LANGUAGES, type Language, type LanguageAvailability } from "@observer/protocol";
import type { RunLimits } from "./limits.ts";

/** Absolute paths of the toolchain binaries (null when missing), and what they need outside /usr. */
export interface Toolchain {
  python: string | null;
  node: string | null;
  gcc: string | null;
  gxx: string | null;
  javac: string | null;
  java: string | null;
  /** Whether binutils' gold linker is there: it links a program in a third of the time of ld.bfd. */
  gold: boolean;
  /** Host directories to bind read-only besides /usr (the JDK's /etc dir, a node outside /usr). */
  extraPaths: string[];
}

/**
 * How C and C++ programs are compiled. `-O2` (not a faster `-O0`): students time their loops
 * and compare algorithms, and the compile time that -O0 would save on a teaching program is
 * small next to what the precompiled header saves (bench/README.md, "Compiled languages").
 */
export const C_FLAGS = ["-std=c17", "-O2"] as const;
export const CXX_FLAGS = ["-std=c++20", "-O2"] as const;

/**
 * What speeds a compile up, as the compile command sees it (paths inside the sandbox), from the
 * compile cache (compile-cache.ts): a folder of precompiled C++ headers for `-I`, and a
 * class-data-sharing archive of javac's classes. Neither changes what a program means.
 */
export interface CompileAids {
  includeDir: string | null;
  javacArchive: string | null;
}

export const NO_COMPILE_AIDS: CompileAids = { includeDir: null, javacArchive: null };

/** How to build and run one program. Commands run in /work inside the sandbox. */
export interface LanguagePlan {
  sourceFile: string;
  compile: string[] | null;
  run: string[];
  /** Whether RLIMIT_AS may cap the program when there is no memory cgroup (not for Node or the JVM). */
  addressSpaceLimit: boolean;
}

const MiB = 1024 * 1024;

function executable(file: string): string | null {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile() ? file : null;
  } catch {
    return null;
  }
}

/** The /etc directories a JDK's symlinks point into (Debian keeps its config in /etc/java-N-openjdk). */
function jdkEtcDirs(javaHome: string): string[] {
  const dirs = new Set<string>();
  for (const sub of ["conf", "conf/security", "lib"]) {
    const dir = path.join(javaHome, sub);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      let target: string;
      try {
        target = readlinkSync(path.join(dir, name));
      } catch {
        continue;
      }
      const resolved = path.resolve(dir, target);
      const match = /^\/etc\/[^/]+/.exec(resolved);
      if (match) dirs.add(match[0]);
    }
  }
  return [...dirs];
}

/**
 * Finds the toolchains: Debian's python3 (not a pyenv shim on PATH), /usr/bin/node or the
 * node running the server, gcc, g++, and the JDK that /usr/bin/javac points to.
 */
export function detectToolchain(): Toolchain {
  const extraPaths: string[] = [];
  let node = executable("/usr/bin/node");
  if (!node) {
    node = realpathSync(process.execPath);
    if (!node.startsWith("/usr/")) extraPaths.push(path.dirname(path.dirname(node)));
  }
  let javac: string | null = null;
  let java: string | null = null;
  const javacLink = executable("/usr/bin/javac");
  if (javacLink) {
    javac = realpathSync(javacLink);
    java = executable(path.join(path.dirname(javac), "java"));
    const javaHome = path.dirname(path.dirname(javac));
    if (!javaHome.startsWith("/usr/")) extraPaths.push(javaHome);
    extraPaths.push(...jdkEtcDirs(javaHome));
  }
  return {
    python: executable("/usr/bin/python3"),
    node,
    gcc: executable("/usr/bin/gcc"),
    gxx: executable("/usr/bin/g++"),
    javac: java ? javac : null,
    java,
    gold: executable("/usr/bin/ld.gold") !== null,
    extraPaths,
  };
}

/** Strips comments, string and char literals from Java source, keeping line structure. */
function stripJavaNoise(code: string): string {
  return code.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"""[\s\S]*?"""|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'/g,
    (m) => m.replace(/[^\n]/g, " "),
  );
}

/** The class a Java program must be saved as: its top-level `public class` (or record, enum, interface), else Main. */
export function javaMainClass(code: string): string {
  const match =
    /(?:^|[\s;}])public\s+(?:(?:final|abstract|sealed|non-sealed|strictfp)\s+)*(?:class|record|enum|interface)\s+([A-Za-z_$][\w$]*)/.exec(
      stripJavaNoise(code),
    );
  return match?.[1] ?? "Main";
}

/**
 * Java runtime flags: a small serial GC and a heap that fits in the memory limit; no
 * hsperfdata file (nothing in the sandbox reads it, and creating it costs each start).
 */
function jvmFlags(memoryBytes: number, prefix = ""): string[] {
  const heapMiB = Math.max(16, Math.floor((memoryBytes * 0.5) / MiB));
  return [
    "-XX:+UseSerialGC",
    `-Xmx${heapMiB}m`,
    "-XX:ReservedCodeCacheSize=48m",
    "-XX:MaxMetaspaceSize=96m",
    "-Xshare:auto",
    "-XX:-UsePerfData",
  ].map((f) => prefix + f);
}

/** The JVM flags javac runs with (also those its class-data archive is built with: they must agree). */
export function javacJvmFlags(compileLimits: RunLimits): string[] {
  // A short-lived compiler: the quick JIT only, with one thread (the cores go to the compile).
  return [
    ...jvmFlags(compileLimits.memoryBytes, "-J"),
    "-J-XX:TieredStopAtLevel=1",
    "-J-XX:CICompilerCount=1",
  ];
}

/** Builds the commands for one program. Throws when the language's toolchain is missing. */
export function languagePlan(
  language: Language,
  code: string,
  tools: Toolchain,
  runLimits: RunLimits,
  compileLimits: RunLimits,
  aids: CompileAids = NO_COMPILE_AIDS,
): LanguagePlan {
  const link = tools.gold ? ["-fuse-ld=gold"] : [];
  const need = (bin: string | null) => {
    if (!bin)
      throw new Error(`The ${LANGUAGE_INFO[language].label} toolchain is not installed on this server.`);
    return bin;
  };
  switch (language) {
    case "python":
      return {
        sourceFile: "main.py",
        compile: null,
        run: [need(tools.python), "-u", "main.py"],
        addressSpaceLimit: true,
      };
    case "javascript": {
      const oldSpace = Math.max(16, Math.floor((runLimits.memoryBytes * 0.75) / MiB));
      return {
        sourceFile: "main.js",
        compile: null,
        run: [need(tools.node), `--max-old-space-size=${oldSpace}`, "main.js"],
        addressSpaceLimit: false,
      };
    }
    case "c":
      return {
        sourceFile: "main.c",
        compile: [
          need(tools.gcc),
          ...C_FLAGS,
          "-fdiagnostics-color=always",
          ...link,
          "-o",
          "main",
          "main.c",
          "-lm",
        ],
        run: ["./main"],
        addressSpaceLimit: true,
      };
    case "cpp":
      return {
        sourceFile: "main.cpp",
        compile: [
          need(tools.gxx),
          ...CXX_FLAGS,
          "-fdiagnostics-color=always",
          ...link,
          // Searched before the system's headers: GCC takes <iostream> from iostream.gch there
          // when the program includes it first (same flags, same macros), else reads the header.
          ...(aids.includeDir ? ["-I", aids.includeDir] : []),
          "-o",
          "main",
          "main.cpp",
        ],
        run: ["./main"],
        addressSpaceLimit: true,
      };
    case "java": {
      const mainClass = javaMainClass(code);
      return {
        sourceFile: `${mainClass}.java`,
        compile: [
          need(tools.javac),
          ...javacJvmFlags(compileLimits),
          ...(aids.javacArchive ? [`-J-XX:SharedArchiveFile=${aids.javacArchive}`] : []),
          "-encoding",
          "UTF-8",
          `${mainClass}.java`,
        ],
        run: [
          need(tools.java),
          ...jvmFlags(runLimits.memoryBytes),
          "-Dfile.encoding=UTF-8",
          "-Dsun.stdout.encoding=UTF-8",
          "-Dsun.stderr.encoding=UTF-8",
          "-cp",
          ".",
          mainClass,
        ],
        addressSpaceLimit: false,
      };
    }
  }
}

function firstLine(command: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(command, args, { env: {}, timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) return resolve(null);
      const line = `${stdout}\n${stderr}`.trim().split("\n")[0] ?? "";
      resolve(line.trim() || null);
    });
  });
}

const VERSION = /\d+(?:\.\d+)+/;

/** Asks each toolchain for its version (in parallel). A missing or broken one is unavailable. */
export async function probeLanguages(tools: Toolchain): Promise<LanguageAvailability[]> {
  const probes: Record<Language, Promise<string | null>> = {
    python: tools.python ? firstLine(tools.python, ["--version"]) : Promise.resolve(null),
    javascript: tools.node ? firstLine(tools.node, ["--version"]) : Promise.resolve(null),
    c: tools.gcc ? firstLine(tools.gcc, ["-dumpfullversion"]) : Promise.resolve(null),
    cpp: tools.gxx ? firstLine(tools.gxx, ["-dumpfullversion"]) : Promise.resolve(null),
    java: tools.javac && tools.java ? firstLine(tools.javac, ["-version"]) : Promise.resolve(null),
  };
  return Promise.all(
    LANGUAGES.map(async (id) => {
      const line = await probes[id];
      const version = line ? (VERSION.exec(line)?.[0] ?? null) : null;
      return { id, label: LANGUAGE_INFO[id].label, version, available: version !== null };
    }),
  );
}

let cached: Promise<LanguageAvailability[]> | null = null;

/** The languages of this server with their versions, checked once per process. */
export function availableLanguages(): Promise<LanguageAvailability[]> {
  cached ??= probeLanguages(detectToolchain());
  return cached;
}
