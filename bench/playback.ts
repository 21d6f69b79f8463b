// `npm run bench:playback`: after the lab. A synthetic two-hour history of one busy student
// (5 characters a second, a paste every 10 minutes, a run every 2 minutes), written the way the
// server records it, then: storage per student-hour before and after the routine compaction
// (against bench:history's 0.44 MiB), time to open the playback (the server's reply and the
// browser's tape), time per scrub step p50/p99 with the tape's kept copies against rebuilding
// each moment from the start (the baseline, same steps), and the session export (time, peak
// memory) for 40 and 300 students. One process: the server runs in it (embedded PGlite in memory).
import { writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { applyTextOps, type PlaybackReply, PlaybackTape, studentDocumentName } from "@observer/protocol";
import { sql } from "kysely";
import { compactHistory, ROUTINE_TIERS } from "../packages/server/src/storage/history-compaction.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../packages/server/test/factories.ts";
import { startTestServer, type TestServer } from "../packages/server/test/support.ts";
import { writeExportClass } from "./support/export-class.ts";
import { repoRoot } from "./support/processes.ts";
import { percentile, round } from "./support/stats.ts";
import { BUSY, writeBusyHistory } from "./support/synthetic-history.ts";

const HOURS = Number(process.env.BENCH_HOURS ?? 2);
const STEPS = Number(process.env.BENCH_SCRUB_STEPS ?? 1000);
const EXPORT_SIZES = (process.env.BENCH_EXPORT_SIZES ?? "40,300").split(",").map(Number);
/** PostgreSQL's cost of a row beyond its data: tuple header, line pointer, index entry (as bench:history). */
const ROW_OVERHEAD = 24 + 8 + 8 + 4 + 60 + 40;
const MIB = 1024 * 1024;

async function storage(server: TestServer, sessionId: string, documentName: string) {
  const history = await sql<{ rows: string; bytes: string }>`
    select count(*) as rows, coalesce(sum(octet_length(update)), 0) as bytes
    from document_updates where document_name = ${documentName}`.execute(server.ctx.db);
  const edits = await sql<{ rows: string; bytes: string }>`
    select count(*) as rows, coalesce(sum(pg_column_size(e.*)), 0) as bytes
    from edit_events e where session_id = ${sessionId}`.execute(server.ctx.db);
  const h = history.rows[0] ?? { rows: "0", bytes: "0" };
  const e = edits.rows[0] ?? { rows: "0", bytes: "0" };
  const historyBytes = Number(h.bytes) + Number(h.rows) * ROW_OVERHEAD;
  const editBytes = Number(e.bytes) + Number(e.rows) * 40;
  return {
    historyRows: Number(h.rows),
    editRows: Number(e.rows),
    historyMiBPerHour: round(historyBytes / MIB / HOURS, 3),
    editRecordsMiBPerHour: round(editBytes / MIB / HOURS, 3),
    totalMiBPerHour: round((historyBytes + editBytes) / MIB / HOURS, 3),
  };
}

function timeEach<T>(steps: T[], step: (s: T) => unknown): number[] {
  const times: number[] = [];
  for (const s of steps) {
    const t0 = performance.now();
    step(s);
    times.push(performance.now() - t0);
  }
  return times;
}

const stats = (times: number[]) => ({
  p50: round(percentile(times, 50), 4),
  p99: round(percentile(times, 99), 4),
  max: round(Math.max(...times), 4),
});

async function playbackPart(server: TestServer, teacher: TestUser) {
  const session = await buildSession(server, teacher, { name: "Two hours" });
  const student = await buildUser(server, { name: "Busy" });
  await joinSession(server, student, session.joinCode);
  const name = studentDocumentName(session.id, student.id);
  const t0 = performance.now();
  const written = await writeBusyHistory(server.ctx.db, {
    sessionId: session.id,
    studentId: student.id,
    hours: HOURS,
  });
  console.log(`wrote ${HOURS} h of history in ${round((performance.now() - t0) / 1000, 1)} s`);
  const before = await storage(server, session.id, name);
  await compactHistory(server.ctx.db, name, ROUTINE_TIERS, new Date());
  const after = await storage(server, session.id, name);

  const opens: { serverMs: number; tapeMs: number; bytes: number }[] = [];
  let reply: PlaybackReply | null = null;
  let tape: PlaybackTape | null = null;
  for (let i = 0; i < 5; i++) {
    const s0 = performance.now();
    const res = await server.call("GET", `/api/sessions/${session.id}/students/${student.id}/playback`, {
      token: teacher.accessToken,
    });
    const body = res.body;
    const s1 = performance.now();
    reply = JSON.parse(body) as PlaybackReply;
    tape = new PlaybackTape(reply.frames, "python");
    tape.momentAt(Date.parse(reply.to));
    opens.push({ serverMs: s1 - s0, tapeMs: performance.now() - s1, bytes: body.length });
  }
  if (!reply || !tape) throw new Error("no playback");
  const last = tape.momentAt(Date.parse(reply.to));
  if (last.code !== written.code) throw new Error("the playback's last moment is not the code");

  const from = Date.parse(reply.from);
  const span = Date.parse(reply.to) - from;
  const sweep = Array.from({ length: STEPS }, (_, i) => from + (span * i) / (STEPS - 1));
  let seed = 11;
  const jumps = Array.from({ length: STEPS }, () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return from + (span * seed) / 2 ** 31;
  });
  const frames = reply.frames;
  const naive = (time: number) => {
    const index = tape?.indexAt(time) ?? -1;
    let code = "";
    for (let i = 0; i <= index; i++) code = applyTextOps(code, (frames[i] as (typeof frames)[number]).ops);
    return code;
  };
  // Warm up both, then measure.
  timeEach(sweep.slice(0, 50), (t) => tape?.momentAt(t));
  timeEach(sweep.slice(0, 50), naive);
  const tapeSweep = timeEach(sweep, (t) => tape?.momentAt(t));
  const tapeJumps = timeEach(jumps, (t) => tape?.momentAt(t));
  const naiveSweep = timeEach(sweep, naive);
  const naiveJumps = timeEach(jumps, naive);
  const median = (xs: number[]) => round(percentile(xs, 50), 1);
  return {
    written: { ...written, code: `${written.code.length} characters` },
    storage: { beforeCompaction: before, afterCompaction: after, benchHistoryMiBPerHour: 0.44 },
    open: {
      frames: frames.length,
      events: reply.events.length,
      replyKiB: round(median(opens.map((o) => o.bytes)) / 1024, 1),
      serverMs: median(opens.map((o) => o.serverMs)),
      tapeMs: median(opens.map((o) => o.tapeMs)),
    },
    scrub: {
      steps: STEPS,
      sweep: { tape: stats(tapeSweep), fromStart: stats(naiveSweep) },
      jumps: { tape: stats(tapeJumps), fromStart: stats(naiveJumps) },
      ratioP99: round(percentile(tapeJumps, 99) / percentile(naiveJumps, 99), 3),
    },
  };
}

async function exportPart(server: TestServer, teacher: TestUser, url: string, students: number) {
  const session = await buildSession(server, teacher, { name: `Export ${students}` });
  const t0 = performance.now();
  await writeExportClass(server, session, students);
  console.log(`seeded ${students} students in ${round((performance.now() - t0) / 1000, 1)} s`);
  (globalThis as { gc?: () => void }).gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 10);
  const s0 = performance.now();
  const res = await fetch(`${url}/api/sessions/${session.id}/export.zip`, {
    headers: { authorization: `Bearer ${teacher.accessToken}` },
  });
  if (!res.ok || !res.body) throw new Error(`export failed: ${res.status}`);
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Uint8Array).byteLength;
  const seconds = (performance.now() - s0) / 1000;
  clearInterval(sampler);
  return {
    students,
    zipMiB: round(bytes / MIB, 1),
    seconds: round(seconds, 2),
    msPerStudent: round((seconds * 1000) / students, 1),
    peakRssGrowthMiB: round((peakRss - base.rss) / MIB, 1),
    peakHeapGrowthMiB: round((peakHeap - base.heapUsed) / MIB, 1),
  };
}

const server = await startTestServer({ config: { logLevel: "warn" } });
try {
  const url = await server.listen();
  const teacher = await buildUser(server, { role: "teacher", name: "Bench teacher" });
  const playback = await playbackPart(server, teacher);
  const exports = [];
  for (const size of EXPORT_SIZES) exports.push(await exportPart(server, teacher, url, size));
  const report = {
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, load: loadavg().map((l) => round(l, 2)) },
    busyStudent: { hours: HOURS, ...BUSY },
    playback,
    exports,
  };
  console.log(JSON.stringify(report, null, 2));
  writeFileSync(path.join(repoRoot, "bench/results/playback.json"), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  await server.close();
}
