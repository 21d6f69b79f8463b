import { describe, expect, it } from "vitest";
import { javaMainClass, languagePlan, type Toolchain } from "./languages.ts";
import { DEFAULT_COMPILE_LIMITS, DEFAULT_RUN_LIMITS } from "./limits.ts";

const tools: Toolchain = {
  python: "/usr/bin/python3",
  node: "/usr/bin/node",
  gcc: "/usr/bin/gcc",
  gxx: "/usr/bin/g++",
  javac: "/usr/lib/jvm/jdk/bin/javac",
  java: "/usr/lib/jvm/jdk/bin/java",
  gold: false,
  extraPaths: [],
};
const plan = (language: Parameters<typeof languagePlan>[0], code = "") =>
  languagePlan(language, code, tools, DEFAULT_RUN_LIMITS, DEFAULT_COMPILE_LIMITS);

describe("javaMainClass", () => {
  it.each([
    ["public class Hello { public static void main(String[] a) {} }", "Hello"],
    ["import java.util.*;\n\npublic final class Solver {}", "Solver"],
    ["class Helper {}\npublic class App {}", "App"],
    ["public record Point(int x, int y) {}", "Point"],
    ["public enum Colour { RED }", "Colour"],
    ["class Main { public static void main(String[] a) {} }", "Main"],
    ["", "Main"],
    // Not fooled by comments or strings.
    [
      '// public class Fake {}\n/* public class Other {} */\nclass Main { String s = "public class Nope {"; }',
      "Main",
    ],
    ["class Main { public static class Inner {} }", "Main"],
    ["/** doc */\npublic abstract class Shape$1 {}", "Shape$1"],
  ])("%j -> %s", (code, name) => {
    expect(javaMainClass(code)).toBe(name);
  });
});

describe("languagePlan", () => {
  it("python: Debian's python3, unbuffered, no compile step", () => {
    expect(plan("python")).toEqual({
      sourceFile: "main.py",
      compile: null,
      run: ["/usr/bin/python3", "-u", "main.py"],
      addressSpaceLimit: true,
    });
  });

  it("javascript: node with a heap that fits the memory limit", () => {
    const p = plan("javascript");
    expect(p.sourceFile).toBe("main.js");
    expect(p.run).toEqual(["/usr/bin/node", "--max-old-space-size=192", "main.js"]);
    expect(p.addressSpaceLimit).toBe(false);
  });

  it("c: gcc C17 -O2 with libm, then ./main", () => {
    const p = plan("c");
    expect(p.compile).toEqual([
      "/usr/bin/gcc",
      "-std=c17",
      "-O2",
      "-fdiagnostics-color=always",
      "-o",
      "main",
      "main.c",
      "-lm",
    ]);
    expect(p.run).toEqual(["./main"]);
  });

  it("cpp: g++ C++20 -O2, then ./main", () => {
    const p = plan("cpp");
    expect(p.sourceFile).toBe("main.cpp");
    expect(p.compile).toEqual([
      "/usr/bin/g++",
      "-std=c++20",
      "-O2",
      "-fdiagnostics-color=always",
      "-o",
      "main",
      "main.cpp",
    ]);
  });

  it("java: the file and class named after the public class, heaps within the limits", () => {
    const p = plan("java", "public class Greeter { }");
    expect(p.sourceFile).toBe("Greeter.java");
    expect(p.compile?.[0]).toBe("/usr/lib/jvm/jdk/bin/javac");
    expect(p.compile).toContain("-J-Xmx384m");
    expect(p.compile?.at(-1)).toBe("Greeter.java");
    expect(p.run[0]).toBe("/usr/lib/jvm/jdk/bin/java");
    expect(p.run).toContain("-Xmx128m");
    expect(p.run.slice(-3)).toEqual(["-cp", ".", "Greeter"]);
    expect(p.addressSpaceLimit).toBe(false);
  });

  it("c and cpp link with gold when it is there; cpp takes precompiled headers from the cache's folder first", () => {
    const aids = { includeDir: "/opt/cache/pch", javacArchive: null };
    const withGold = { ...tools, gold: true };
    expect(languagePlan("c", "", withGold, DEFAULT_RUN_LIMITS, DEFAULT_COMPILE_LIMITS, aids).compile).toEqual(
      [
        "/usr/bin/gcc",
        "-std=c17",
        "-O2",
        "-fdiagnostics-color=always",
        "-fuse-ld=gold",
        "-o",
        "main",
        "main.c",
        "-lm",
      ],
    );
    expect(
      languagePlan("cpp", "", withGold, DEFAULT_RUN_LIMITS, DEFAULT_COMPILE_LIMITS, aids).compile,
    ).toEqual([
      "/usr/bin/g++",
      "-std=c++20",
      "-O2",
      "-fdiagnostics-color=always",
      "-fuse-ld=gold",
      "-I",
      "/opt/cache/pch",
      "-o",
      "main",
      "main.cpp",
    ]);
  });

  it("java: javac loads its classes from the cache's archive when there is one", () => {
    const aids = { includeDir: null, javacArchive: "/opt/cache/javac.jsa" };
    const p = languagePlan("java", "", tools, DEFAULT_RUN_LIMITS, DEFAULT_COMPILE_LIMITS, aids);
    expect(p.compile).toContain("-J-XX:SharedArchiveFile=/opt/cache/javac.jsa");
    expect(plan("java").compile?.some((a) => a.includes("SharedArchiveFile"))).toBe(false);
  });

  it("refuses a language whose toolchain is missing", () => {
    expect(() =>
      languagePlan("java", "", { ...tools, javac: null }, DEFAULT_RUN_LIMITS, DEFAULT_COMPILE_LIMITS),
    ).toThrow(/Java toolchain is not installed/);
  });
});
