import { LANGUAGE_INFO, type Language, runFailure } from "@observer/protocol";
import { javaMainClass } from "../exec/languages.ts";
import { judgedRow } from "../runs/run-outcome.ts";
import type { RunRow } from "../storage/schema.ts";

/** The names of the files and folders inside an export zip (see docs/API.md, "Export"). */

/** A readable ASCII slug of a name: `Zoë O'Neil` → `zoe-o-neil`; `fallback` when nothing is left. */
export function slug(name: string, fallback = "student"): string {
  const text = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 40)
    .replace(/^-+|-+$/g, "");
  return text || fallback;
}

/** A student's folder: their name's slug and the start of their id, so two Adas stay apart. */
export function studentFolder(student: { user_id: string; name: string }): string {
  return `${slug(student.name)}-${student.user_id.slice(0, 8)}`;
}

/** The file a program is saved as: `main.py` …, a Java program after its public class. */
export function codeFileName(language: Language, code: string): string {
  return language === "java" ? `${javaMainClass(code)}.java` : `main.${LANGUAGE_INFO[language].extension}`;
}

/** Whether a stored run failed (`runFailure(...) !== null`). */
export function runFailed(run: Omit<RunRow, "output">): boolean {
  return runFailure(judgedRow(run)) !== null;
}

/** How a run ended, as a word for its file name: `ok`, a failure (`compile-error` …), or its state. */
export function runOutcome(run: Omit<RunRow, "output">): string {
  const failure = runFailure(judgedRow(run));
  if (failure)
    return failure === "compile" || failure === "runtime" ? `${failure}-error` : `${failure}-limit`;
  if (run.status === "finished") return run.killed_for === "user" ? "stopped" : "ok";
  return run.status === "failed" ? "not-run" : run.status;
}

/**
 * A run's output file in `runs/`: numbered in the order the student ran them, then when it
 * was queued and how it ended: `003-2026-12-03T09-30-12Z-runtime-error.txt`.
 */
export function runFileName(index: number, run: Omit<RunRow, "output">): string {
  const stamp = run.queued_at
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
  return `${String(index + 1).padStart(3, "0")}-${stamp}-${runOutcome(run)}.txt`;
}
