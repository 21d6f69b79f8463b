import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Language } from "@observer/protocol";
import { spawn } from "node-pty";
import { detectToolchain, languagePlan } from "./languages.ts";
import { DEFAULT_COMPILE_LIMITS, DEFAULT_RUN_LIMITS } from "./limits.ts";
import { LocalBwrapRunner } from "./local-runner.ts";
import { RunQueue } from "./run-queue.ts";

const HELLO: Record<Language, string> = {
  python: 'print("Hello, world!")',
  javascript: 'console.log("Hello, world!");',
  c: '#include <stdio.h>\nint main(void) { printf("Hello, world!\\n"); return 0; }',
  cpp: '#include <iostream>\nint main() { std::cout << "Hello, world!" << std::endl; }',
  java: 'public class Main { public static void main(String[] a) { System.out.println("Hello, world!"); } }',
};
const tools = detectToolchain();
const runner = await LocalBwrapRunner.create({
  log: { info() {}, warn() {}, error: console.error },
  cpusPerRun: Number(process.env.CPUS ?? 1),
});
const queue = new RunQueue(runner);
const N = Number(process.env.N ?? 11);

function ptyRun(argv: string[], cwd: string): Promise<{ first: number; exit: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const p = spawn(argv[0] as string, argv.slice(1), {
      cwd,
      env: { PATH: "/usr/bin:/bin", HOME: cwd, LANG: "C.UTF-8", TERM: "xterm-256color" },
    });
    let first = 0;
    p.onData(() => {
      first ||= performance.now() - t0;
    });
    p.onExit(() => resolve({ first, exit: performance.now() - t0 }));
  });
}
async function direct(language: Language) {
  const t0 = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), "direct-"));
  const plan = languagePlan(language, HELLO[language], tools, DEFAULT_RUN_LIMITS, DEFAULT_COMPILE_LIMITS);
  writeFileSync(path.join(dir, plan.sourceFile), HELLO[language]);
  let first = 0;
  if (plan.compile) await ptyRun(plan.compile, dir);
  const r = await ptyRun(plan.run, dir);
  first = r.first + (performance.now() - t0 - r.exit);
  const exit = performance.now() - t0;
  rmSync(dir, { recursive: true, force: true });
  return { first, exit };
}
async function sandboxed(language: Language) {
  const t0 = performance.now();
  const h = queue.submit("bench", { language, code: HELLO[language] });
  let first = 0;
  h.on("output", () => {
    first ||= performance.now() - t0;
  });
  const result = await h.result;
  if (result.exitCode !== 0) throw new Error(`${language}: ${JSON.stringify(result)} ${h.transcript}`);
  return { first, exit: performance.now() - t0 };
}
const med = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? 0;
console.log(
  "language   | direct first/exit (ms) | sandbox first/exit (ms) | overhead first/exit (ms) | ratio exit",
);
for (const language of (process.env.LANGS?.split(",") ?? Object.keys(HELLO)) as Language[]) {
  await sandboxed(language);
  await direct(language); // warm-up
  const d: { first: number; exit: number }[] = [],
    s: typeof d = [];
  for (let i = 0; i < N; i++) {
    d.push(await direct(language));
    s.push(await sandboxed(language));
  }
  const df = med(d.map((x) => x.first)),
    de = med(d.map((x) => x.exit)),
    sf = med(s.map((x) => x.first)),
    se = med(s.map((x) => x.exit));
  console.log(
    `${language.padEnd(10)} | ${df.toFixed(1)} / ${de.toFixed(1)} | ${sf.toFixed(1)} / ${se.toFixed(1)} | +${(sf - df).toFixed(1)} / +${(se - de).toFixed(1)} | ${(se / de).toFixed(2)}`,
  );
}
// 40 Python runs at once.
const t0 = performance.now();
await Promise.all(
  Array.from(
    { length: 40 },
    (_, i) => queue.submit(`s${i}`, { language: "python", code: `print(${i})` }).result,
  ),
);
console.log(
  `40 python runs at once: all done in ${(performance.now() - t0).toFixed(0)} ms (concurrency ${queue.concurrency})`,
);
// Keystroke -> echo latency.
const h = queue.submit("echo", {
  language: "python",
  code: "while True:\n    s = input()\n    print(s.upper())",
});
await new Promise((r) => setTimeout(r, 300));
const lat: number[] = [];
for (let i = 0; i < 200; i++) {
  const ch = String.fromCharCode(97 + (i % 26));
  const t = performance.now();
  await new Promise<void>((resolve) => {
    const on = (c: string) => {
      if (c.includes(ch)) {
        h.off("output", on);
        resolve();
      }
    };
    h.on("output", on);
    h.write(ch);
  });
  lat.push(performance.now() - t);
  await new Promise<void>((resolve) => {
    const on = (c: string) => {
      if (c.includes(ch.toUpperCase())) {
        h.off("output", on);
        resolve();
      }
    };
    h.on("output", on);
    h.write("\r");
  });
}
lat.sort((a, b) => a - b);
console.log(`stdin keystroke -> echo: p50 ${lat[100]?.toFixed(2)} ms, p99 ${lat[197]?.toFixed(2)} ms`);
h.kill();
await queue.dispose();
await runner.dispose();
void mkdirSync;
