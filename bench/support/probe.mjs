// Preloaded into a server under benchmark (`node --import ./probe.mjs ...`): measures the
// server's own event-loop delay and, on SIGUSR2, writes it with memory and CPU use to
// $BENCH_PROBE_FILE, then starts a new measurement window. Same probe for every server.
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";

const file = process.env.BENCH_PROBE_FILE;

/** Memory in use: all of it (RSS), the live JavaScript heap, and what lives outside it (Buffers and other native memory the heap's objects hold). */
function memory() {
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed, externalBytes: external };
}
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  let cpu = process.cpuUsage();
  let since = performance.now();
  process.on("SIGUSR2", () => {
    const used = process.cpuUsage(cpu);
    // With --expose-gc the live heap is measured after a full collection, so it is repeatable.
    globalThis.gc?.();
    const elapsedMs = performance.now() - since;
    writeFileSync(
      file,
      JSON.stringify({
        loopP50Ms: histogram.percentile(50) / 1e6,
        loopP99Ms: histogram.percentile(99) / 1e6,
        loopMaxMs: histogram.max / 1e6,
        ...memory(),
        cpuPercent: ((used.user + used.system) / 1000 / elapsedMs) * 100,
      }),
    );
    histogram.reset();
    cpu = process.cpuUsage();
    since = performance.now();
  });
}
