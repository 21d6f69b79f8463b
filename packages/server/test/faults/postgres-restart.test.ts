import { type Run, studentDocumentName } from "@observer/protocol";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { documentCode } from "../../src/collab/document-code.ts";
import { apiCall, classroomOver } from "../http-client.ts";
import { type SpawnedServer, spawnServer, waitHealthy } from "../spawn-server.ts";
import { type PrivatePostgres, startPrivatePostgres } from "./private-postgres.ts";
import { killNow, killOnExit } from "./processes.ts";
import { lostFrom, openTypist, startTyping, type Typist, waitAcknowledged } from "./typing.ts";

/**
 * PostgreSQL restarted while a class types (issue 13): one server instance (no Redis) on a
 * PostgreSQL cluster of the test's own, 20 students typing steadily; PostgreSQL is stopped as
 * an operator restarting it does (`pg_ctl stop -m fast`), stays down ~3 s while they type, and
 * comes back. Half the class pauses during the outage and types nothing more: their last
 * changes are saved only if the failed saves are retried (a new edit would save them anyway).
 * Nothing acknowledged may be lost: every student's stored code, their document's history and
 * their edit records hold exactly what they typed, and a run that ended during the outage is
 * recorded finished with its output.
 */

const STUDENTS = 20;
const TYPE_EVERY_MS = 50;
const TYPING_BEFORE_MS = 1000;
const OUTAGE_MS = 3000;
/** When the pausing half stops typing, into the outage: their save (800 ms later) fails before PostgreSQL is back. */
const PAUSE_AFTER_MS = 1000;
const TYPING_AFTER_MS = 1000;
/** How long the saves may take to catch up once PostgreSQL is back (they retry every 5 s at most). */
const CATCH_UP_MS = 10_000;
/** How long the other records may take once the documents are saved (they are written with them). */
const SETTLE_MS = 5000;
/** How long the server has to stop after SIGTERM before it is killed (main.ts gives itself 10 s). */
const STOP_GRACE_MS = 12_000;
const RUN_MARKER = "slept through the outage";
/** Sleeps 2 s (PostgreSQL goes down meanwhile), then prints: its end is recorded while it is down. */
const RUN_PROGRAM = `import time\ntime.sleep(2)\nprint("${RUN_MARKER}", flush=True)`;
/** What the server logs when an outage begins (storage/retry-write.ts). */
const OUTAGE_LINE = /database unreachable/g;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns true or `timeoutMs` passes; resolves with Date.now() then, or null on timeout. */
async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return Date.now();
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
}

describe("PostgreSQL restarted during typing", () => {
  let postgres: PrivatePostgres | null = null;
  let server: SpawnedServer | null = null;
  let reader: pg.Pool | null = null;
  const typists: Typist[] = [];
  const typing: { stop(): void }[] = [];

  afterAll(async () => {
    for (const t of typing) t.stop();
    for (const t of typists) t.destroy();
    await reader?.end().catch(() => {});
    if (server && server.child.exitCode === null) {
      server.child.kill("SIGTERM");
      const stopped = await Promise.race([server.exited.then(() => true), sleep(STOP_GRACE_MS)]);
      if (!stopped) await killNow(server.child);
      await server.stop();
    }
    await postgres?.destroy();
  });

  it("loses no keystroke, no history, no edit record and no run", { timeout: 60_000 }, async () => {
    postgres = await startPrivatePostgres();
    server = await spawnServer({
      DATABASE_URL: postgres.url,
      // Every client of the test comes from 127.0.0.1: the per-address limits would count them as one.
      OBSERVER_RATE_LIMIT_AUTH: "100000",
      OBSERVER_RATE_LIMIT_API: "100000",
    });
    killOnExit(server.child);
    await waitHealthy(server);
    const url = server.url;
    const failWith = (what: string) =>
      new Error(
        `${what}\n--- server ---\n${server?.output().slice(-4000)}\n--- postgres ---\n${postgres?.logTail()}`,
      );

    const { session, students } = await classroomOver(url, STUDENTS);
    for (const s of students) {
      typists.push(
        openTypist(url, {
          userId: s.id,
          name: studentDocumentName(session.id, s.id),
          token: s.accessToken,
        }),
      );
    }
    await Promise.all(typists.map((t) => t.client.synced));
    for (const t of typists) expect(t.client.code.toString()).toBe("");

    const pausing = startTyping(typists.slice(0, STUDENTS / 2), TYPE_EVERY_MS);
    const steady = startTyping(typists.slice(STUDENTS / 2), TYPE_EVERY_MS);
    typing.push(pausing, steady);
    const keystrokes = () => pausing.keystrokes() + steady.keystrokes();
    await sleep(TYPING_BEFORE_MS);
    const runner = students[0] as (typeof students)[number];
    const submitted = await apiCall<{ run: Run }>(url, "POST", `/api/sessions/${session.id}/runs`, {
      token: runner.accessToken,
      body: { language: "python", code: RUN_PROGRAM },
    });
    expect(submitted.status).toBe(201);
    const runId = submitted.json.run.id;

    const stopAt = Date.now();
    await postgres.stop();
    await sleep(PAUSE_AFTER_MS);
    pausing.stop();
    await sleep(OUTAGE_MS - PAUSE_AFTER_MS);
    const upAt = await postgres.start();
    const outageMs = upAt - stopAt;
    // Everything typed until PostgreSQL was back: saved once the retries get through.
    const dueAtUp = new Map(typists.map((t) => [t.userId, t.typed]));
    reader = new pg.Pool({ connectionString: postgres.url, max: 2 });
    const db = reader;
    const storedCodes = async () => {
      const names = typists.map((t) => studentDocumentName(session.id, t.userId));
      const { rows } = await db.query<{ name: string; state: Buffer }>(
        "select name, state from documents where name = any($1)",
        [names],
      );
      const byName = new Map(rows.map((r) => [r.name, documentCode(new Uint8Array(r.state), "python").code]));
      return new Map(typists.map((t, i) => [t.userId, byName.get(names[i] as string) ?? null]));
    };
    const caughtUp = until(async () => {
      const stored = await storedCodes();
      return typists.every((t) => stored.get(t.userId)?.startsWith(dueAtUp.get(t.userId) as string));
    }, CATCH_UP_MS);

    await sleep(TYPING_AFTER_MS);
    steady.stop();
    const savedAt = await caughtUp;
    // The server went on through the outage (a pooled connection's error did not end it).
    if (server.child.exitCode !== null)
      throw failWith(`the server exited (${server.child.exitCode}) during the outage`);
    await waitAcknowledged(typists, 10_000);

    // Stored state: exactly what each student typed.
    const stateLost = async () => {
      const stored = await storedCodes();
      return typists.map((t) => {
        const text = stored.get(t.userId) ?? null;
        // A stored text longer than what was typed (a keystroke doubled) is wrong too: counted as one lost.
        return text === t.typed ? 0 : Math.max(1, lostFrom(t, text));
      });
    };
    await until(async () => (await stateLost()).every((n) => n === 0), SETTLE_MS);
    const lostInState = (await stateLost()).reduce((a, b) => a + b, 0);

    // History: every save's row, replayed, gives the same code.
    const names = typists.map((t) => studentDocumentName(session.id, t.userId));
    const { rows: updates } = await db.query<{ document_name: string; update: Buffer }>(
      "select document_name, update from document_updates where document_name = any($1)",
      [names],
    );
    const replayed = new Map(names.map((n) => [n, new Y.Doc()]));
    for (const u of updates) Y.applyUpdate(replayed.get(u.document_name) as Y.Doc, new Uint8Array(u.update));
    let lostInHistory = 0;
    typists.forEach((t, i) => {
      const doc = replayed.get(names[i] as string) as Y.Doc;
      const text = documentCode(Y.encodeStateAsUpdate(doc), "python").code;
      lostInHistory += text === t.typed ? 0 : Math.max(1, lostFrom(t, text));
      doc.destroy();
    });

    // Edit records: each student's typing counted once per character (written with the saves).
    const recordedTyping = async () => {
      const { rows } = await db.query<{ student_id: string; typed: number }>(
        "select student_id, coalesce(sum(inserted), 0)::int as typed from edit_events where session_id = $1 and kind = 'edit' group by student_id",
        [session.id],
      );
      return new Map(rows.map((r) => [r.student_id, r.typed]));
    };
    const editsLost = async () => {
      const recorded = await recordedTyping();
      return typists.reduce((n, t) => n + Math.max(0, t.typed.length - (recorded.get(t.userId) ?? 0)), 0);
    };
    await until(async () => (await editsLost()) === 0, SETTLE_MS);
    const lostInEdits = await editsLost();
    const recorded = await recordedTyping();
    const editsDoubled = typists.reduce(
      (n, t) => n + Math.max(0, (recorded.get(t.userId) ?? 0) - t.typed.length),
      0,
    );

    // The run: recorded finished, with its output, once PostgreSQL is back.
    const runRow = async () =>
      (
        await db.query<{
          status: string;
          output: string | null;
          exit_code: number | null;
          finished_at: Date | null;
        }>("select status, output, exit_code, finished_at from runs where id = $1", [runId])
      ).rows[0];
    await until(async () => (await runRow())?.status === "finished", SETTLE_MS);
    const run = await runRow();
    const runsLost =
      run?.status === "finished" && run.output?.includes(RUN_MARKER) && run.exit_code === 0 ? 0 : 1;
    const runEndedDuringOutage = run?.finished_at ? run.finished_at.getTime() < upAt : false;

    const outageLogs = server.output().match(OUTAGE_LINE)?.length ?? 0;
    console.log(
      `[fault] postgres restart: students typing: ${STUDENTS} (${STUDENTS / 2} of them pausing during the outage)`,
    );
    console.log(`[fault] postgres restart: keystrokes typed: ${keystrokes()}`);
    console.log(`[fault] postgres restart: keystrokes lost (stored state): ${lostInState}`);
    console.log(`[fault] postgres restart: keystrokes lost (history replayed): ${lostInHistory}`);
    console.log(
      `[fault] postgres restart: keystrokes lost (edit records): ${lostInEdits} (doubled: ${editsDoubled})`,
    );
    console.log(
      `[fault] postgres restart: runs lost: ${runsLost} of 1 (it ended ${runEndedDuringOutage ? "during" : "after"} the outage)`,
    );
    console.log(`[fault] postgres restart: outage ms: ${outageMs}`);
    console.log(
      `[fault] postgres restart: PostgreSQL back -> all saved ms: ${savedAt === null ? `never (not within ${CATCH_UP_MS})` : savedAt - upAt}`,
    );
    console.log(`[fault] postgres restart: outage log lines: ${outageLogs}`);

    if (savedAt === null || lostInState + lostInHistory + lostInEdits + runsLost > 0)
      console.log(failWith("lost after the restart").message);
    expect(keystrokes()).toBeGreaterThan(0);
    expect(savedAt).not.toBe(null);
    expect(lostInState).toBe(0);
    expect(lostInHistory).toBe(0);
    expect(lostInEdits).toBe(0);
    expect(runsLost).toBe(0);
    // Logged once for the outage, not once per write or attempt; no save failed up to Hocuspocus.
    expect(outageLogs).toBe(1);
    expect(server.output()).not.toContain("Caught error during storeDocumentHooks");
  });
});
