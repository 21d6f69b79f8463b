import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveRun } from "../../src/exec/live-run.ts";
import { LocalBwrapRunner } from "../../src/exec/local-runner.ts";
import { RunQueue } from "../../src/exec/run-queue.ts";
import { STORED_OUTPUT_BYTES } from "../../src/runs/run-output.ts";
import { codeHash, trackRun } from "../../src/runs/run-recorder.ts";
import { presentRun } from "../../src/runs/run-summary.ts";
import { type OpenDatabase, openDatabase } from "../../src/storage/database.ts";
import { findRun, latestRunsOfSession } from "../../src/storage/runs.ts";
import { type Containment, containTestProcess } from "../exec/contain.ts";
import { outputContains } from "../exec/helpers.ts";
import { type TestDatabase, testDatabase } from "../support.ts";

let database: TestDatabase;
let open: OpenDatabase;
let containment: Containment;
let runner: LocalBwrapRunner;
let queue: RunQueue;
const teacherId = randomUUID();
const studentId = randomUUID();
const otherStudentId = randomUUID();
const sessionId = randomUUID();

beforeAll(async () => {
  containment = containTestProcess();
  database = testDatabase();
  open = await openDatabase(database.database);
  const users = [
    [teacherId, "teacher"],
    [studentId, "student"],
    [otherStudentId, "student"],
  ] as const;
  for (const [id, role] of users) {
    await open.db
      .insertInto("users")
      .values({ id, email: `${id}@example.org`, name: role, role, password_hash: "x" })
      .execute();
  }
  await open.db
    .insertInto("sessions")
    .values({
      id: sessionId,
      teacher_id: teacherId,
      name: "Loops",
      join_code: "ABC234",
      language: "python",
      starter_code: "",
      ended_at: null,
    })
    .execute();
  runner = await LocalBwrapRunner.create({ log: { info() {}, warn() {}, error: console.error } });
  queue = new RunQueue(runner, { concurrency: 2 });
});

afterAll(async () => {
  await queue?.dispose();
  await runner?.dispose();
  await open?.close();
  await database?.drop();
  containment?.release();
});

describe("recording runs", () => {
  it("records a run from queued to finished: who, language, code hash, times, result and output", async () => {
    const code = 'name = input("Name? ")\nprint("Hi", name)\nraise SystemExit(2)';
    const run = queue.submit(studentId, { language: "python", code });
    const recorded = trackRun(open.db, run, {
      sessionId,
      userId: studentId,
      startedBy: teacherId,
      language: "python",
      code,
    }).finished;
    await outputContains(run, "Name? ");
    const live = await findRun(open.db, run.id);
    expect(live).toMatchObject({
      status: "running",
      user_id: studentId,
      started_by: teacherId,
      finished_at: null,
    });
    expect(live?.started_at).toBeInstanceOf(Date);
    run.write("Bo\r");
    await recorded;
    const row = await findRun(open.db, run.id);
    expect(row).toMatchObject({
      session_id: sessionId,
      language: "python",
      code_hash: codeHash(code),
      status: "finished",
      exit_code: 2,
      signal: null,
      timed_out: false,
      output_truncated: false,
      killed_for: null,
      phase: "run",
    });
    expect(row?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.output).toBe(run.transcript);
    expect(row?.output).toContain("Hi Bo");
    expect(row?.duration_ms).toBeGreaterThan(0);
    expect(row?.finished_at?.getTime()).toBeGreaterThanOrEqual(row?.started_at?.getTime() ?? Infinity);
    const view = presentRun(row as NonNullable<typeof row>);
    expect(view).toMatchObject({
      id: run.id,
      status: "finished",
      exitCode: 2,
      outputTruncated: false,
      durationMs: row?.duration_ms,
    });
  });

  it("stores output without NUL characters and capped at 1 MB, marked truncated", async () => {
    const id = randomUUID();
    const handle = new LiveRun(id, "running", { write() {}, resize() {}, kill() {} }, 1024);
    const recorded = trackRun(open.db, handle, {
      sessionId,
      userId: otherStudentId,
      startedBy: otherStudentId,
      language: "python",
      code: "print()",
    }).finished;
    handle.pushOutput("a\u0000b");
    handle.pushOutput("é".repeat(STORED_OUTPUT_BYTES));
    handle.finish({
      exitCode: 0,
      signal: null,
      timedOut: false,
      outputTruncated: false,
      durationMs: 5,
      killedFor: null,
      phase: "run",
    });
    await recorded;
    const row = await findRun(open.db, id);
    expect(row?.output.startsWith("abé")).toBe(true);
    expect(Buffer.byteLength(row?.output ?? "")).toBeLessThanOrEqual(STORED_OUTPUT_BYTES);
    expect(row?.output_truncated).toBe(true);
  });

  it("lists the latest run of each student of a session", async () => {
    const code = 'print("again")';
    const run = queue.submit(studentId, { language: "python", code });
    await trackRun(open.db, run, {
      sessionId,
      userId: studentId,
      startedBy: studentId,
      language: "python",
      code,
    }).finished;
    const latest = await latestRunsOfSession(open.db, sessionId);
    expect(latest.map((r) => r.user_id).sort()).toEqual([studentId, otherStudentId].sort());
    expect(latest.find((r) => r.user_id === studentId)?.id).toBe(run.id);
    // One student's, with only the end of the output (what a tile needs).
    const full = latest.find((r) => r.user_id === studentId)?.output ?? "";
    expect(full).toContain("again");
    const mine = await latestRunsOfSession(open.db, sessionId, { userId: studentId, outputChars: 4 });
    expect(mine.map((r) => r.id)).toEqual([run.id]);
    expect(mine[0]?.output).toBe(full.slice(-4));
  });
});
