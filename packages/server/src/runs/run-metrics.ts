import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { RunResult } from "../exec/index.ts";
import type { RunService } from "./run-service.ts";

/** How a run ended, for the metrics: a small fixed set of labels. */
export function runOutcome(result: RunResult): string {
  if (result.killedFor === "memory") return "memory";
  if (result.killedFor === "output") return "output";
  if (result.killedFor === "time" || result.timedOut) return "time";
  if (result.killedFor === "cpu") return "cpu_time";
  if (result.killedFor === "user") return "stopped";
  if (result.phase === "compile") return "compile_error";
  if (result.exitCode === 0) return "ok";
  return "error";
}

/** Program runs at GET /metrics: waiting and running now, finished by outcome, queue wait. */
export function registerRunMetrics(registry: Registry, runs: RunService): void {
  new Gauge({
    name: "observer_runs_waiting",
    help: "Program runs waiting in the queue on this instance",
    registers: [registry],
    collect() {
      this.set(runs.stats().queued);
    },
  });
  new Gauge({
    name: "observer_runs_running",
    help: "Program runs compiling or running on this instance",
    registers: [registry],
    collect() {
      this.set(runs.stats().running);
    },
  });
  const finished = new Counter({
    name: "observer_runs_finished_total",
    help: "Program runs finished, by language and outcome (ok, error, compile_error, time, memory, output, stopped)",
    labelNames: ["language", "outcome"] as const,
    registers: [registry],
  });
  const wait = new Histogram({
    name: "observer_run_queue_wait_seconds",
    help: "Time from submission to the start of a run (compile or program)",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  runs.observe({
    started: (waitMs) => wait.observe(waitMs / 1000),
    finished: (language, result) => finished.inc({ language, outcome: runOutcome(result) }),
  });
}
