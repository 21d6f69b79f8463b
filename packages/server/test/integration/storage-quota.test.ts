import { randomBytes } from "node:crypto";
import { LIMITS, type Run, type StorageNotice, studentDocumentName } from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { compactHistory } from "../../src/storage/history-compaction.ts";
import { TRIMMED_OUTPUT_CHARS } from "../../src/storage/student-quota.ts";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, expectApiError, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

const KB = 1024;
const MB = 1024 * KB;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A python program printing about 1 MB (it is stopped at the 1 MB output limit). */
const MEGABYTE_PROGRAM = "import sys\nfor _ in range(1100):\n    sys.stdout.write('y' * 1023 + '\\n')\n";

/** The student's storage quota per session: history compaction, run output trimming, refusals. */
describe("storage quota", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  const QUOTA = Math.round(1.5 * MB);

  beforeAll(async () => {
    server = await startTestServer({
      config: { storage: { studentQuotaBytes: QUOTA, historyRetentionDays: null } },
    });
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher" });
  });
  afterAll(() => server?.close());

  async function student(on: TestServer = server, owner: TestUser = teacher) {
    const session = await buildSession(on, owner, { language: "python" });
    const user = await buildUser(on);
    await joinSession(on, user, session.joinCode);
    return { session, user, name: studentDocumentName(session.id, user.id) };
  }

  const historyRows = (name: string, on: TestServer = server) =>
    on.ctx.db
      .selectFrom("document_updates")
      .select(["update", "created_at", "first_at", "merged_saves"])
      .where("document_name", "=", name)
      .orderBy("id")
      .execute();
  const historyBytes = async (name: string, on: TestServer = server) =>
    (await historyRows(name, on)).reduce((n, r) => n + r.update.byteLength, 0);
  const replay = (rows: { update: Uint8Array }[]) => {
    const doc = new Y.Doc();
    for (const row of rows) Y.applyUpdate(doc, new Uint8Array(row.update));
    return doc.getText("code").toString();
  };
  const metric = async (name: string, labels = "", on: TestServer = server) => {
    const res = await on.call("GET", "/metrics");
    const escaped = labels.replace(/[{}]/g, "\\$&");
    return Number(new RegExp(`^${name}${escaped} (\\S+)$`, "m").exec(res.body)?.[1] ?? 0);
  };

  it("keeps the history of a student churning a 256 KB document under the quota, the code intact and the student told", async () => {
    const quota = 600 * KB;
    const churned = await startTestServer({
      config: { storage: { studentQuotaBytes: quota, historyRetentionDays: null } },
    });
    try {
      const churnUrl = await churned.listen();
      const owner = await buildUser(churned, { role: "teacher" });
      const { user, name } = await student(churned, owner);
      const writer = openDoc(churnUrl, { name, token: user.accessToken });
      const notices: StorageNotice[] = [];
      writer.provider.on("stateless", ({ payload }: { payload: string }) =>
        notices.push(JSON.parse(payload)),
      );
      await writer.synced;
      // The attack of the issue: the whole document replaced ten times a second.
      const size = LIMITS.codeBytes - 1024;
      let last = "";
      const until = Date.now() + 7000;
      for (let i = 0; Date.now() < until; i++) {
        last = `# ${i}\n${randomBytes(size / 2)
          .toString("hex")
          .slice(0, size - 10)}`;
        writer.doc.transact(() => {
          writer.code.delete(0, writer.code.length);
          writer.code.insert(0, last);
        });
        await sleep(100);
      }
      // At most one document's worth over the quota (the row being folded into), at any time.
      const bound = quota + LIMITS.codeBytes + 16 * KB;
      expect(await historyBytes(name, churned)).toBeLessThan(bound);
      // The current code is saved.
      await retryableAssertion(async () => {
        const row = await churned.ctx.db
          .selectFrom("documents")
          .select("state")
          .where("name", "=", name)
          .executeTakeFirstOrThrow();
        expect(replay([{ update: row.state }])).toBe(last);
      }, 10_000);
      expect(await historyBytes(name, churned)).toBeLessThan(bound);
      // The history still rebuilds it.
      await retryableAssertion(
        async () => expect(replay(await historyRows(name, churned))).toBe(last),
        10_000,
      );
      // The code is whole for a fresh connection.
      const reader = openDoc(churnUrl, { name, token: owner.accessToken });
      await reader.synced;
      expect(reader.code.toString()).toBe(last);
      reader.destroy();
      expect(notices[0]?.type).toBe("storage_quota");
      expect(notices[0]?.message).toMatch(/storage for this session is full/);
      expect(
        await metric("observer_storage_quota_reached_total", '{kind="history"}', churned),
      ).toBeGreaterThan(0);
      expect(await metric("observer_history_compactions_total", '{reason="quota"}', churned)).toBeGreaterThan(
        0,
      );
      // The student can still type, and that is saved.
      writer.code.insert(0, "still here ");
      await retryableAssertion(
        async () => expect(replay(await historyRows(name, churned))).toBe(`still here ${last}`),
        10_000,
      );
      writer.destroy();
    } finally {
      await churned.close();
    }
  }, 60_000);

  it("compacts old history into one row per minute that still rebuilds the code at each remaining moment", async () => {
    const { user, name } = await student();
    const writer = openDoc(url, { name, token: user.accessToken });
    await writer.synced;
    for (let i = 0; i < 4; i++) {
      writer.code.insert(writer.code.length, `line ${i}\n`);
      writer.code.delete(0, Math.min(2, writer.code.length));
      await retryableAssertion(async () =>
        expect(replay(await historyRows(name))).toBe(writer.code.toString()),
      );
    }
    writer.destroy();
    const before = await historyRows(name);
    expect(before.length).toBeGreaterThan(3);
    // Compacted as if it were 20 minutes later: all of it in one one-minute bucket (or two, at a minute's edge).
    const later = new Date(Date.now() + 20 * 60_000);
    const result = await compactHistory(
      server.ctx.db,
      name,
      [{ olderThanMs: 10 * 60_000, bucketMs: 60_000 }],
      later,
    );
    const after = await historyRows(name);
    expect(result.rowsAfter).toBe(after.length);
    expect(after.length).toBeLessThanOrEqual(2);
    expect(after.length).toBeLessThan(before.length);
    expect(replay(after)).toBe(replay(before));
    expect(after.reduce((n, r) => n + r.merged_saves, 0)).toBe(before.length);
    expect(after[0]?.first_at.getTime()).toBe(before[0]?.first_at.getTime());
    expect(after[after.length - 1]?.created_at.getTime()).toBe(
      before[before.length - 1]?.created_at.getTime(),
    );
  });

  /** Waits until a run's row is final (until then the API answers from the live run, with its whole output). */
  const recorded = (on: TestServer, id: string) =>
    retryableAssertion(async () => {
      const row = await on.ctx.db.selectFrom("runs").select("status").where("id", "=", id).executeTakeFirst();
      expect(row?.status).toBe("finished");
    }, 30_000);

  const runTo = async (user: TestUser, sessionId: string): Promise<Run> => {
    const res = await server.call("POST", `/api/sessions/${sessionId}/runs`, {
      token: user.accessToken,
      body: { language: "python", code: MEGABYTE_PROGRAM },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().run.id as string;
    await recorded(server, id);
    return (await server.call("GET", `/api/runs/${id}`, { token: user.accessToken })).json().run;
  };

  it("cuts the output of older runs to its tail once 1 MB outputs pass the quota, keeping the latest whole", async () => {
    const { session, user } = await student();
    const trimmedBefore = await metric("observer_run_output_trimmed_bytes_total");
    const runs: Run[] = [];
    for (let i = 0; i < 3; i++) runs.push(await runTo(user, session.id));
    const stored = await server.ctx.db
      .selectFrom("runs")
      .select(["id", "output", "output_truncated"])
      .where("session_id", "=", session.id)
      .orderBy("queued_at")
      .execute();
    const total = stored.reduce((n, r) => n + Buffer.byteLength(r.output), 0);
    expect(total).toBeLessThanOrEqual(QUOTA);
    const latest = stored[stored.length - 1];
    expect(latest?.id).toBe(runs[2]?.id);
    expect(Buffer.byteLength(latest?.output ?? "")).toBeGreaterThan(900 * KB);
    const older = stored.slice(0, -1);
    expect(older.some((r) => r.output.length <= TRIMMED_OUTPUT_CHARS && r.output_truncated)).toBe(true);
    for (const r of older) expect(r.output.endsWith(latest?.output.slice(-100) ?? "?")).toBe(true);
    expect(await metric("observer_run_output_trimmed_bytes_total")).toBeGreaterThan(trimmedBefore + 900 * KB);
  }, 90_000);

  it("keeps only the end of a run's output that does not fit, then refuses runs with 507 storage_quota_exceeded", async () => {
    const small = await startTestServer({
      config: { storage: { studentQuotaBytes: 300 * KB, historyRetentionDays: null } },
    });
    try {
      const smallUrl = await small.listen();
      const owner = await buildUser(small, { role: "teacher" });
      const { session, user, name } = await student(small, owner);
      // 225 KB of history that no compaction can shrink: random code that stays.
      const writer = openDoc(smallUrl, { name, token: user.accessToken });
      await writer.synced;
      for (let i = 0; i < 3; i++) {
        writer.code.insert(
          writer.code.length,
          randomBytes(60 * KB)
            .toString("base64")
            .slice(0, 75 * KB),
        );
        await sleep(1200);
      }
      await retryableAssertion(
        async () => expect(await historyBytes(name, small)).toBeGreaterThan(220 * KB),
        10_000,
      );
      writer.destroy();
      const post = () =>
        small.call("POST", `/api/sessions/${session.id}/runs`, {
          token: user.accessToken,
          body: { language: "python", code: MEGABYTE_PROGRAM },
        });
      const first = await post();
      expect(first.statusCode, first.body).toBe(201);
      const id = first.json().run.id as string;
      await recorded(small, id);
      const run: Run | undefined = (
        await small.call("GET", `/api/runs/${id}`, { token: user.accessToken })
      ).json().run;
      expect(run?.outputTruncated).toBe(true);
      expect(run?.output).toMatch(
        /^\[Storage for this session is full: only the end of this output is kept\.\]/,
      );
      expect(run?.output.slice(-3000)).toContain("yyyyyyyyyyyy");
      expect(Buffer.byteLength(run?.output ?? "")).toBeLessThan(80 * KB);
      expect(Buffer.byteLength(run?.output ?? "")).toBeGreaterThan(30 * KB);
      const refused = await post();
      expectApiError(refused, 507, "storage_quota_exceeded");
      expect(refused.json().error.message).toMatch(/storage for this session is full/);
      const res = await small.call("GET", "/metrics");
      expect(res.body).toMatch(/observer_storage_quota_reached_total\{kind="run_output"\} [1-9]/);
      // The student's code is untouched by all of this.
      const reader = openDoc(smallUrl, { name, token: owner.accessToken });
      await reader.synced;
      expect(reader.code.length).toBe(3 * 75 * KB);
      reader.destroy();
    } finally {
      await small.close();
    }
  }, 90_000);
});
