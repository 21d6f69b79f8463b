import type { Language } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalBwrapRunner } from "../../src/exec/local-runner.ts";
import { RunQueue } from "../../src/exec/run-queue.ts";
import { type Containment, containTestProcess } from "./contain.ts";
import { outputContains, plain } from "./helpers.ts";

/** Programs per language: hello world, an interactive greeting, a compile or runtime error, exit 3. */
const PROGRAMS: Record<
  Language,
  { hello: string; greet: string; runtimeError: string; runtimeErrorText: string; exit3: string }
> = {
  python: {
    hello: 'print("Hello, world!")',
    greet: 'name = input("Your name? ")\nprint(f"Hello, {name}!")',
    runtimeError: "x = 1\nprint(x / 0)",
    runtimeErrorText: "ZeroDivisionError",
    exit3: "import sys\nsys.exit(3)",
  },
  javascript: {
    hello: 'console.log("Hello, world!");',
    greet: [
      'const rl = require("node:readline").createInterface({ input: process.stdin, output: process.stdout });',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the student's JavaScript, not ours
      'rl.question("Your name? ", (name) => { console.log(`Hello, ${name}!`); rl.close(); });',
    ].join("\n"),
    runtimeError: "const o = null;\nconsole.log(o.field);",
    runtimeErrorText: "TypeError",
    exit3: "process.exit(3);",
  },
  c: {
    hello: '#include <stdio.h>\nint main(void) { printf("Hello, world!\\n"); return 0; }',
    greet: [
      "#include <stdio.h>",
      "int main(void) {",
      '  char name[64]; printf("Your name? "); fflush(stdout);',
      '  if (scanf("%63s", name) != 1) return 1;',
      '  printf("Hello, %s!\\n", name); return 0;',
      "}",
    ].join("\n"),
    runtimeError: "#include <stdio.h>\nint main(void) { int *p = 0; *p = 1; return 0; }",
    runtimeErrorText: "",
    exit3: "int main(void) { return 3; }",
  },
  cpp: {
    hello: '#include <iostream>\nint main() { std::cout << "Hello, world!" << std::endl; }',
    greet: [
      "#include <iostream>",
      "#include <string>",
      "int main() {",
      '  std::string name; std::cout << "Your name? " << std::flush;',
      '  std::cin >> name; std::cout << "Hello, " << name << "!" << std::endl;',
      "}",
    ].join("\n"),
    runtimeError: "#include <vector>\nint main() { std::vector<int> v; return v.at(5); }",
    runtimeErrorText: "std::out_of_range",
    exit3: "int main() { return 3; }",
  },
  java: {
    hello:
      'public class Hello {\n  public static void main(String[] args) { System.out.println("Hello, world!"); }\n}',
    greet: [
      "import java.util.Scanner;",
      "public class Greeter {",
      "  public static void main(String[] args) {",
      "    Scanner in = new Scanner(System.in);",
      '    System.out.print("Your name? "); System.out.flush();',
      '    System.out.println("Hello, " + in.nextLine() + "!");',
      "  }",
      "}",
    ].join("\n"),
    runtimeError:
      "class Main {\n  public static void main(String[] a) { int[] x = new int[1]; System.out.println(x[3]); }\n}",
    runtimeErrorText: "ArrayIndexOutOfBoundsException",
    exit3: "public class Main { public static void main(String[] a) { System.exit(3); } }",
  },
};

const COMPILE_ERRORS: { language: Language; code: string; expected: RegExp }[] = [
  {
    language: "c",
    code: "#include <stdio.h>\n\nint main(void) {\n  return missing;\n}\n",
    expected: /main\.c:4:\d+: error/,
  },
  {
    language: "cpp",
    code: "#include <iostream>\n\nint main() {\n  std::cout << nope;\n}\n",
    expected: /main\.cpp:4:\d+: error/,
  },
  {
    language: "java",
    code: 'public class Broken {\n  public static void main(String[] a) {\n    int x = "text";\n  }\n}\n',
    expected: /Broken\.java:3: error/,
  },
];

let runner: LocalBwrapRunner;
let queue: RunQueue;
let containment: Containment;

beforeAll(async () => {
  containment = containTestProcess();
  runner = await LocalBwrapRunner.create({ log: { info() {}, warn() {}, error: console.error } });
  queue = new RunQueue(runner, { concurrency: 2 });
  expect(runner.sandboxStatus()).toMatchObject({ ok: true, mode: "bwrap" });
});

afterAll(async () => {
  await queue?.dispose();
  await runner?.dispose();
  containment?.release();
});

const LANGUAGES = Object.keys(PROGRAMS) as Language[];
let owner = 0;
const submit = (language: Language, code: string, extra: object = {}) =>
  queue.submit(`student-${owner++}`, { language, code, ...extra });

describe("every language", () => {
  it("lists each toolchain with its version", () => {
    const languages = runner.availableLanguages();
    expect(languages.map((l) => l.id).sort()).toEqual([...LANGUAGES].sort());
    for (const l of languages)
      expect(l).toMatchObject({ available: true, version: expect.stringMatching(/^\d+\.\d+/) });
  });

  it.each(LANGUAGES)("%s: hello world", async (language) => {
    const run = submit(language, PROGRAMS[language].hello);
    const result = await run.result;
    expect(plain(run.transcript)).toContain("Hello, world!\n");
    expect(result).toMatchObject({
      exitCode: 0,
      signal: null,
      timedOut: false,
      killedFor: null,
      phase: "run",
    });
  });

  it.each(LANGUAGES)("%s: reads stdin interactively, typed after the prompt", async (language) => {
    const run = submit(language, PROGRAMS[language].greet);
    await outputContains(run, "Your name? ");
    expect(run.status).toBe("running");
    run.write("Ada\r");
    const result = await run.result;
    // The terminal echoes what was typed, as a real one does.
    expect(plain(run.transcript)).toContain("Your name? Ada\nHello, Ada!\n");
    expect(result.exitCode).toBe(0);
  });

  it.each(LANGUAGES)("%s: runtime error", async (language) => {
    const run = submit(language, PROGRAMS[language].runtimeError);
    const result = await run.result;
    expect(result.phase).toBe("run");
    if (language === "c") {
      expect(result).toMatchObject({ exitCode: null, signal: "SIGSEGV", killedFor: null });
    } else if (language === "cpp") {
      expect(result).toMatchObject({ exitCode: null, signal: "SIGABRT" });
    } else {
      expect(result.exitCode).toBe(1);
    }
    expect(run.transcript).toContain(PROGRAMS[language].runtimeErrorText);
  });

  it.each(LANGUAGES)("%s: exit code", async (language) => {
    const result = await submit(language, PROGRAMS[language].exit3).result;
    expect(result).toMatchObject({ exitCode: 3, signal: null, phase: "run" });
  });

  it.each(COMPILE_ERRORS)("$language: compile error with its line number, in phase compile", async (c) => {
    const statuses: string[] = [];
    const run = submit(c.language, c.code);
    run.on("status", (e) => statuses.push(e.status));
    const result = await run.result;
    expect(plain(run.transcript)).toMatch(c.expected);
    expect(result.phase).toBe("compile");
    expect(result.exitCode).not.toBe(0);
    expect(result.exitCode).not.toBeNull();
    expect(statuses).toContain("compiling");
    expect(statuses).not.toContain("running");
  });
});

describe("the terminal", () => {
  it("passes UTF-8 and ANSI colours through unchanged", async () => {
    const run = submit("python", 'print("\\x1b[31mrot\\x1b[0m ✓ 日本語 🎉")');
    await run.result;
    expect(run.transcript).toContain("\x1b[31mrot\x1b[0m ✓ 日本語 🎉\r\n");
  });

  it("is a terminal of the requested size, resized while running", async () => {
    const code =
      'import os\nprint("size", tuple(os.get_terminal_size()), os.isatty(0), os.isatty(1))\ninput()\nprint("size", tuple(os.get_terminal_size()))';
    const run = submit("python", code, { cols: 100, rows: 30 });
    await outputContains(run, "size (100, 30) True True");
    run.resize(132, 43);
    run.write("\r");
    await run.result;
    expect(run.transcript).toContain("size (132, 43)");
  });

  it("feeds stdin given at submission, then end-of-file", async () => {
    const code = "import sys\nlines = sys.stdin.read().split()\nprint('sum', sum(map(int, lines)))";
    const run = submit("python", code, { stdin: "1 2\n3\n4" });
    expect((await run.result).exitCode).toBe(0);
    expect(plain(run.transcript)).toContain("sum 10\n");
  });

  it("Ctrl-C interrupts the program like a terminal does", async () => {
    const run = submit("python", 'input("waiting ")');
    await outputContains(run, "waiting ");
    run.write("\x03");
    const result = await run.result;
    expect(result).toMatchObject({ exitCode: null, signal: "SIGINT" });
  });

  it("Stop kills the run and says who", async () => {
    const run = submit("python", 'import time\nprint("started", flush=True)\ntime.sleep(60)');
    await outputContains(run, "started");
    run.kill();
    expect(await run.result).toMatchObject({
      exitCode: null,
      signal: "SIGKILL",
      killedFor: "user",
      timedOut: false,
    });
  });

  it("Stop right after Run ends the run cleanly, before anything started", async () => {
    const run = submit("python", 'print("never")');
    run.kill();
    const result = await run.result;
    expect(result).toMatchObject({ killedFor: "user", exitCode: null });
    expect(run.transcript).not.toContain("never");
    expect(run.transcript).not.toContain("could not run");
  });

  it("Stop during a compile ends the run in phase compile", async () => {
    const run = submit("java", PROGRAMS.java.hello);
    await new Promise<void>((resolve) => run.on("status", (e) => e.status === "compiling" && resolve()));
    await new Promise((r) => setTimeout(r, 150));
    run.kill();
    expect(await run.result).toMatchObject({ killedFor: "user", phase: "compile", exitCode: null });
    expect(run.transcript).not.toContain("could not run");
  });
});
