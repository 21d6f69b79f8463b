import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { RunResult } from "../exec/index.ts";
import type { RunCapacity, RunService } from "./run-service.ts";

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
  // Install-wide with runners (OBSERVER_RUNNERS=remote): the shared queue and the runners' slots.
  const capacityGauge = (name: string, help: string, read: (c: RunCapacity) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        const capacity = await runs.capacity().catch(() => null);
        if (capacity) this.set(read(capacity));
      },
    });
  capacityGauge(
    "observer_run_queue_depth",
    "Program runs waiting for a slot (with runners: in the queue shared by every instance)",
    (c) => c.queueDepth,
  );
  capacityGauge(
    "observer_runners_alive",
    "Runners whose heartbeat is current (this instance, when it runs programs itself)",
    (c) => c.runnersAlive,
  );
  new Gauge({
    name: "observer_runner_slots",
    help: "Run slots of the runners alive: busy (running a program) and total (not draining)",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const capacity = await runs.capacity().catch(() => null);
      if (!capacity) return;
      this.set({ state: "busy" }, capacity.slotsBusy);
      this.set({ state: "total" }, capacity.slotsTotal);
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
