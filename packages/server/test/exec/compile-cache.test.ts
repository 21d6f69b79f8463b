import { execFile } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompileCache, compileAids, type ReadyCache } from "../../src/exec/compile-cache.ts";
import { detectToolchain, languagePlan } from "../../src/exec/languages.ts";
import { DEFAULT_COMPILE_LIMITS, DEFAULT_RUN_LIMITS } from "../../src/exec/limits.ts";
import { LocalBwrapRunner } from "../../src/exec/local-runner.ts";
import { type Containment, containTestProcess } from "./contain.ts";
import { plain } from "./helpers.ts";

const tools = detectToolchain();
const quiet = { info() {}, warn() {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command on the host (fixed test programs), resolving with its exit code and output. */
function host(command: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      command[0] as string,
      command.slice(1),
      { cwd, env: { PATH: "/usr/bin:/bin" } },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * The compile cache built for real in a folder of its own (its own build, not the machine's
 * shared one), then used as the runner uses it: GCC must take the precompiled header with the
 * plan's own flags, and refuse it where it would change what the program means.
 */
describe("the compile cache", () => {
  let root: string;
  let cache: CompileCache;
  let ready: ReadyCache;
  let work: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), "observer-cache-test-"));
    chmodSync(root, 0o711);
    work = path.join(root, "work");
    mkdirSync(work);
    cache = new CompileCache(root, tools, DEFAULT_COMPILE_LIMITS, quiet);
    expect(cache.current()).toBeNull();
    cache.build();
    const deadline = Date.now() + 170_000;
    while (!cache.current()) {
      if (Date.now() > deadline) throw new Error("the compile cache was not built in time");
      await sleep(200);
    }
    ready = cache.current() as ReadyCache;
  }, 180_000);

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("holds both precompiled headers and javac's archive, and says nothing went wrong", () => {
    expect(ready).toMatchObject({
      hostDir: cache.dir,
      headers: ["iostream", "bits/stdc++.h"],
      javacArchive: true,
      problems: [],
    });
  });

  /** The plan's C++ compile with the cache at its host folder, and GCC's -H list of what it read. */
  async function compileCpp(code: string) {
    writeFileSync(path.join(work, "main.cpp"), code);
    const plan = languagePlan(
      "cpp",
      code,
      tools,
      DEFAULT_RUN_LIMITS,
      DEFAULT_COMPILE_LIMITS,
      compileAids(ready, cache.dir),
    );
    return host([...(plan.compile as string[]), "-H"], work);
  }

  it.each(["iostream", "bits/stdc++.h"])(
    "GCC takes <%s> precompiled when a program includes it first",
    async (header) => {
      const result = await compileCpp(`#include <${header}>\nint main() { std::cout << "hi\\n"; }\n`);
      expect(result.code).toBe(0);
      // -H marks the precompiled header it used with "!".
      expect(result.stderr).toContain(`! ${path.join(cache.dir, "pch", `${header}.gch`)}`);
    },
  );

  it("reads the headers themselves when the first include is another one, and for a macro set before it", async () => {
    const other = await compileCpp(
      "#include <vector>\n#include <iostream>\nint main() { std::vector<int> v{1}; std::cout << v[0]; }\n",
    );
    expect(other.code).toBe(0);
    expect(other.stderr).not.toContain(".gch");
    // A macro the header reads (libstdc++'s assertions) defined before it: the precompiled one,
    // built without it, would change the program; GCC refuses it ("x") and reads the header.
    const macro = await compileCpp(
      "#define _GLIBCXX_ASSERTIONS 1\n#include <iostream>\nint main() { std::cout << 1; }\n",
    );
    expect(macro.code).toBe(0);
    expect(macro.stderr).toContain(`x ${path.join(cache.dir, "pch", "iostream.gch")}`);
    expect(macro.stderr).not.toContain("! ");
  });

  it("javac's archive is one the JVM maps (-Xshare:on fails on an archive it cannot use)", async () => {
    writeFileSync(
      path.join(work, "Main.java"),
      'public class Main { public static void main(String[] a) { System.out.println("hi"); } }\n',
    );
    const plan = languagePlan(
      "java",
      "public class Main {}",
      tools,
      DEFAULT_RUN_LIMITS,
      DEFAULT_COMPILE_LIMITS,
      compileAids(ready, cache.dir),
    );
    const result = await host(
      [...(plan.compile as string[]).slice(0, -1), "-J-Xshare:on", "Main.java"],
      work,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  describe("in the sandbox", () => {
    let runner: LocalBwrapRunner;
    let containment: Containment;

    beforeAll(async () => {
      containment = containTestProcess();
      runner = await LocalBwrapRunner.create({ workRoot: root, log: { ...quiet, error: console.error } });
    });
    afterAll(async () => {
      await runner?.dispose();
      containment?.release();
    });

    it("compiles C++ and Java with it, and still reports compile errors with their lines", async () => {
      const cpp = runner.start({
        language: "cpp",
        code: '#include <iostream>\nint main() { std::cout << "from the cache\\n"; }\n',
      });
      expect(await cpp.result).toMatchObject({ exitCode: 0, phase: "run" });
      expect(plain(cpp.transcript)).toContain("from the cache\n");
      const broken = runner.start({
        language: "cpp",
        code: "#include <iostream>\nint main() {\n  std::cout << x;\n}\n",
      });
      expect(await broken.result).toMatchObject({ phase: "compile" });
      expect(plain(broken.transcript)).toMatch(/main\.cpp:3:\d+: error: .x. was not declared/);
      const java = runner.start({
        language: "java",
        code: 'public class Hi {\n  public static void main(String[] a) {\n    System.out.println("java " + 17);\n  }\n}\n',
      });
      expect(await java.result).toMatchObject({ exitCode: 0, phase: "run" });
      expect(plain(java.transcript)).toContain("java 17\n");
      const javaBroken = runner.start({ language: "java", code: "public class Oops {\n  int x = ;\n}\n" });
      expect(await javaBroken.result).toMatchObject({ phase: "compile" });
      expect(plain(javaBroken.transcript)).toMatch(/Oops\.java:2: error/);
    });
  });
});
