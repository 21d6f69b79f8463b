import { randomBytes, randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import {
  broadcastDocumentName,
  DOC_CODE,
  DOC_META,
  type Language,
  type Session,
  studentDocumentName,
} from "@observer/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { createDocumentOnce, loadDocument } from "../../src/storage/documents.ts";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, recordRun, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";
import { parseCsv, readZip } from "../zip-reader.ts";

const STUDENTS_HEADER =
  "user_id,name,email,joined_at,language,code_file,lines,characters,runs,failed_runs".split(",");
const RUNS_HEADER =
  "run_id,user_id,name,language,status,exit_code,signal,timed_out,killed_for,output_truncated,duration_ms,queued_at,finished_at,started_by".split(
    ",",
  );
const LANGUAGES: Language[] = ["python", "javascript", "c", "cpp", "java"];

/** GET with a bearer token over the network; the body read whole. */
async function download(url: string, token: string) {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

function codeFor(language: Language, i: number): string {
  switch (language) {
    case "python":
      return `print("hello ${i}")\n# done\n`;
    case "javascript":
      return `console.log(${i});`;
    case "c":
      return `#include <stdio.h>\nint main(void) { printf("${i}"); return 0; }\n`;
    case "cpp":
      return `#include <iostream>\nint main() { std::cout << ${i}; }\n`;
    case "java":
      // One Java student has no public class: saved as Main.java, as the runner would.
      return i === 9
        ? `class Helper {\n  public static void main(String[] a) { System.out.println(${i}); }\n}\n`
        : `// public class NotThis\nimport java.util.*;\n\npublic class Greeter {\n  public static void main(String[] a) { System.out.println("hi ${i}"); }\n}\n`;
  }
}

const expectedFile: Record<Language, string> = {
  python: "main.py",
  javascript: "main.js",
  c: "main.c",
  cpp: "main.cpp",
  java: "Greeter.java",
};

describe("session export", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let session: Session;
  const students: {
    user: TestUser;
    language: Language;
    code: string;
    outputs: string[];
    runIds: string[];
  }[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teacher" });
    session = await buildSession(server, teacher, { name: "Week 3: loops", language: "python" });
    const names = ["Zoë O'Brien, Jr.", "=cmd|' /C calc'!A0", "Sam Lee", "Sam Lee"];
    for (let i = 0; i < 30; i++) {
      const user = await buildUser(server, { name: names[i] ?? `Student ${i}` });
      expect((await joinSession(server, user, session.joinCode)).statusCode).toBe(200);
      const language = LANGUAGES[i % LANGUAGES.length] as Language;
      students.push({ user, language, code: codeFor(language, i), outputs: [], runIds: [] });
    }
    // Each student types their code in their own document, over a real WebSocket.
    await Promise.all(
      students.map(async (student) => {
        const name = studentDocumentName(session.id, student.user.id);
        const client = openDoc(url, { name, token: student.user.accessToken });
        await client.synced;
        client.doc.transact(() => {
          client.meta.set("language", student.language);
          client.code.insert(0, student.code);
        });
        await retryableAssertion(async () => {
          const stored = await loadDocument(server.ctx.db, name);
          const doc = new Y.Doc();
          Y.applyUpdate(doc, stored?.state ?? new Uint8Array());
          expect(doc.getText(DOC_CODE).toString()).toBe(student.code);
        }, 10_000);
        client.destroy();
      }),
    );
    for (const [i, student] of students.entries()) {
      for (let j = 0; j < i % 4; j++) {
        // Runs are numbered in the order they were queued: a student's runs are never in the same millisecond.
        await new Promise((resolve) => setTimeout(resolve, 2));
        const output = `run ${j} of ${student.user.name}\r\n${j === 1 ? "Traceback: boom\r\n" : "ok\r\n"}`;
        student.outputs.push(output);
        student.runIds.push(
          await recordRun(server, {
            sessionId: session.id,
            userId: student.user.id,
            exitCode: j === 1 ? 1 : 0,
            output,
          }),
        );
      }
    }
    // The teacher's broadcast, saved by the persistence path's storage function.
    const broadcast = new Y.Doc();
    broadcast.getMap(DOC_META).set("language", "python");
    broadcast.getText(DOC_CODE).insert(0, "print('look here')\n");
    await createDocumentOnce(server.ctx.db, {
      name: broadcastDocumentName(session.id),
      sessionId: session.id,
      studentId: teacher.id,
      state: Y.encodeStateAsUpdate(broadcast),
    });
  }, 60_000);
  afterAll(() => server?.close());

  const folderOf = (files: Map<string, Buffer>, userId: string) => {
    const folders = new Set(
      [...files.keys()]
        .map((p) => p.split("/")[0] as string)
        .filter((f) => f.endsWith(`-${userId.slice(0, 8)}`)),
    );
    expect(folders.size).toBe(1);
    return [...folders][0] as string;
  };

  it("gives the teacher a zip: a folder per student with their code and runs, students.csv, runs.csv", async () => {
    const res = await download(`${url}/api/sessions/${session.id}/export.zip`, teacher.accessToken);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/zip");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="week-3-loops-\d{4}-\d\d-\d\d\.zip"/,
    );
    expect(Number(res.headers.get("x-observer-export-estimate"))).toBeGreaterThan(0);
    // Streamed through a proxy as it is made (nginx honours this header).
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    const files = await readZip(res.body);

    const expected = new Set(["README.txt", "students.csv", "runs.csv", "ai-log.csv", "broadcast/main.py"]);
    for (const [i, student] of students.entries()) {
      const folder = folderOf(files, student.user.id);
      const file = i === 9 ? "Main.java" : expectedFile[student.language];
      expected.add(`${folder}/${file}`);
      expect(files.get(`${folder}/${file}`)?.toString("utf8")).toBe(student.code);
      const runFiles = [...files.keys()].filter((p) => p.startsWith(`${folder}/runs/`)).sort();
      expect(runFiles).toHaveLength(student.outputs.length);
      for (const [j, path] of runFiles.entries()) {
        expected.add(path);
        expect(path).toMatch(
          new RegExp(
            `/runs/00${j + 1}-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\dZ-${j === 1 ? "runtime-error" : "ok"}\\.txt$`,
          ),
        );
        expect(files.get(path)?.toString("utf8")).toBe(student.outputs[j]);
      }
    }
    expect(new Set(files.keys())).toEqual(expected);
    expect(folderOf(files, students[0]?.user.id as string)).toBe(
      `zoe-o-brien-jr-${students[0]?.user.id.slice(0, 8)}`,
    );
    // Two students of the same name keep two folders.
    expect(folderOf(files, students[2]?.user.id as string)).not.toBe(
      folderOf(files, students[3]?.user.id as string),
    );
    expect(files.get("broadcast/main.py")?.toString()).toBe("print('look here')\n");
    expect(files.get("README.txt")?.toString()).toContain('"Week 3: loops"');

    const studentRows = parseCsv(files.get("students.csv")?.toString("utf8") ?? "");
    expect(studentRows[0]).toEqual(STUDENTS_HEADER);
    expect(studentRows).toHaveLength(31);
    const byId = new Map(studentRows.slice(1).map((row) => [row[0], row]));
    for (const [i, student] of students.entries()) {
      const row = byId.get(student.user.id);
      const name = student.user.name.startsWith("=") ? `'${student.user.name}` : student.user.name;
      expect(row).toEqual([
        student.user.id,
        name,
        student.user.email,
        expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        student.language,
        i === 9 ? "Main.java" : expectedFile[student.language],
        String(student.code.split("\n").length),
        String(student.code.length),
        String(student.outputs.length),
        String(student.outputs.length >= 2 ? 1 : 0),
      ]);
    }

    const runRows = parseCsv(files.get("runs.csv")?.toString("utf8") ?? "");
    expect(runRows[0]).toEqual(RUNS_HEADER);
    const allRuns = students.flatMap((s) => s.runIds.map((id, j) => ({ id, s, failed: j === 1 })));
    expect(runRows).toHaveLength(allRuns.length + 1);
    const runsById = new Map(runRows.slice(1).map((row) => [row[0], row]));
    for (const { id, s, failed } of allRuns) {
      expect(runsById.get(id)).toMatchObject({
        1: s.user.id,
        4: "finished",
        5: failed ? "1" : "0",
        7: "false",
        10: "42",
        13: s.user.id,
      });
    }
  });

  it("gives a student their own folder only, and refuses others' and the whole session", async () => {
    const [me, other] = [students[6], students[7]] as [(typeof students)[0], (typeof students)[0]];
    const own = await download(
      `${url}/api/sessions/${session.id}/students/${me.user.id}/export.zip`,
      me.user.accessToken,
    );
    expect(own.status).toBe(200);
    expect(Number(own.headers.get("x-observer-export-estimate"))).toBeGreaterThan(0);
    const files = await readZip(own.body);
    const folder = folderOf(files, me.user.id);
    expect([...files.keys()].every((p) => p.startsWith(`${folder}/`))).toBe(true);
    expect(files.get(`${folder}/${expectedFile[me.language]}`)?.toString()).toBe(me.code);
    expect([...files.keys()].filter((p) => p.includes("/runs/"))).toHaveLength(me.outputs.length);
    const runRows = parseCsv(files.get(`${folder}/runs.csv`)?.toString() ?? "");
    expect(runRows[0]).toEqual(RUNS_HEADER);
    expect(runRows.slice(1).map((row) => row[0])).toEqual(me.runIds);

    // The teacher may export any student's.
    const byTeacher = await download(
      `${url}/api/sessions/${session.id}/students/${other.user.id}/export.zip`,
      teacher.accessToken,
    );
    expect(byTeacher.status).toBe(200);
    expect([...(await readZip(byTeacher.body)).keys()]).toContain(
      `${folderOf(await readZip(byTeacher.body), other.user.id)}/runs.csv`,
    );

    const errorOf = (res: { status: number; body: Buffer }) => ({
      status: res.status,
      code: JSON.parse(res.body.toString()).error.code,
    });
    const othersByStudent = await download(
      `${url}/api/sessions/${session.id}/students/${other.user.id}/export.zip`,
      me.user.accessToken,
    );
    expect(errorOf(othersByStudent)).toEqual({ status: 403, code: "forbidden" });
    const wholeByStudent = await download(
      `${url}/api/sessions/${session.id}/export.zip`,
      me.user.accessToken,
    );
    expect(errorOf(wholeByStudent)).toEqual({ status: 403, code: "forbidden" });

    const outsider = await buildUser(server, { role: "teacher", name: "Other teacher" });
    const wholeByOutsider = await download(
      `${url}/api/sessions/${session.id}/export.zip`,
      outsider.accessToken,
    );
    expect(errorOf(wholeByOutsider)).toEqual({ status: 404, code: "not_found" });
    const notAStudent = await download(
      `${url}/api/sessions/${session.id}/students/${outsider.id}/export.zip`,
      teacher.accessToken,
    );
    expect(errorOf(notAStudent)).toEqual({ status: 404, code: "not_found" });
  });
});

/** Random printable ASCII (deflate cannot shrink it much): `bytes` characters from `pool`. */
function randomText(pool: Buffer, bytes: number): string {
  const start = Math.floor(Math.random() * (pool.length - bytes));
  return pool.toString("latin1", start, start + bytes);
}

describe("session export of a large class", () => {
  const STUDENTS = 300;
  const RUNS_EACH = 8;
  let server: TestServer;
  let url: string;
  let teacher: TestUser;
  let session: Session;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher", name: "Teacher" });
    session = await buildSession(server, teacher, { name: "Big class" });
    const pool = Buffer.from(randomBytes(4 * 1024 * 1024).map((b) => 33 + (b % 94)));
    const db = server.ctx.db;
    // Accounts and memberships as rows: registering 300 accounts through argon2 is not the point here.
    const users = Array.from({ length: STUDENTS }, (_, i) => ({
      id: randomUUID(),
      email: `big${i}-${randomBytes(3).toString("hex")}@example.org`,
      name: `Student ${i}`,
      role: "student" as const,
      password_hash: "not-a-login",
    }));
    await db.insertInto("users").values(users).execute();
    await db
      .insertInto("participants")
      .values(users.map((u) => ({ session_id: session.id, user_id: u.id })))
      .execute();
    // Documents and finished runs as rows, a batch of students per insert (PGlite is slow with
    // bytea, and the history beside a document is no part of an export).
    for (let k = 0; k < STUDENTS; k += 20) {
      const batch = users.slice(k, k + 20);
      await db
        .insertInto("documents")
        .values(
          batch.map((user) => {
            const doc = new Y.Doc();
            doc.getText(DOC_CODE).insert(0, randomText(pool, 100 * 1024));
            const state = Buffer.from(Y.encodeStateAsUpdate(doc));
            doc.destroy();
            return {
              name: studentDocumentName(session.id, user.id),
              session_id: session.id,
              student_id: user.id,
              state,
            };
          }),
        )
        .execute();
      await db
        .insertInto("runs")
        .values(
          batch.flatMap((user) =>
            Array.from({ length: RUNS_EACH }, () => ({
              id: randomUUID(),
              session_id: session.id,
              user_id: user.id,
              started_by: user.id,
              language: "python" as const,
              code_hash: "0".repeat(64),
              status: "finished" as const,
              started_at: new Date(),
              finished_at: new Date(),
              duration_ms: 42,
              exit_code: 0,
              signal: null,
              killed_for: null,
              phase: "run" as const,
              output: randomText(pool, 50 * 1024),
            })),
          ),
        )
        .execute();
    }
  }, 120_000);
  afterAll(() => server?.close());

  it("streams a zip over 100 MB while the server's memory stays flat", async () => {
    // The V8 heap every 20 ms; and every 500 ms, after a full collection, what is really held
    // there and in buffers (a zip built in memory would be Buffers, outside the V8 heap).
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    gc();
    const baseline = process.memoryUsage();
    const held = () => {
      const now = process.memoryUsage();
      return now.heapUsed + now.arrayBuffers - baseline.heapUsed - baseline.arrayBuffers;
    };
    let peakHeap = 0;
    let peakHeld = 0;
    let ticks = 0;
    const sampler = setInterval(() => {
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - baseline.heapUsed);
      ticks += 1;
      if (ticks % 25 === 0) {
        gc();
        peakHeld = Math.max(peakHeld, held());
      }
    }, 20);
    let size = 0;
    let entries = 0;
    try {
      const res = await fetch(`${url}/api/sessions/${session.id}/export.zip`, {
        headers: { authorization: `Bearer ${teacher.accessToken}` },
      });
      expect(res.status).toBe(200);
      expect(Number(res.headers.get("x-observer-export-estimate"))).toBeGreaterThan(STUDENTS * 500 * 1024);
      // Read as a stream and let go of each chunk; count local file headers (PK\3\4) as a check.
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.byteLength;
        for (let i = chunk.indexOf(0x50); i !== -1 && i < chunk.length - 3; i = chunk.indexOf(0x50, i + 1)) {
          if (chunk[i + 1] === 0x4b && chunk[i + 2] === 3 && chunk[i + 3] === 4) entries += 1;
        }
      }
    } finally {
      clearInterval(sampler);
    }
    const MB = 1024 * 1024;
    console.log(
      `export of ${STUDENTS} students: ${(size / MB).toFixed(1)} MB, heap +${(peakHeap / MB).toFixed(1)} MB, held after GC +${(peakHeld / MB).toFixed(1)} MB`,
    );
    expect(size).toBeGreaterThan(100 * MB);
    // Every file was there: README, code and runs of each student, the two CSVs (random bytes may add a few).
    expect(entries).toBeGreaterThanOrEqual(1 + STUDENTS * (1 + RUNS_EACH) + 2);
    expect(peakHeap).toBeLessThan(50 * MB);
    expect(peakHeld).toBeLessThan(50 * MB);
  }, 120_000);

  it("stops making the zip when the reader goes away, and the server goes on", async () => {
    const controller = new AbortController();
    const res = await fetch(`${url}/api/sessions/${session.id}/export.zip`, {
      headers: { authorization: `Bearer ${teacher.accessToken}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    let size = 0;
    await expect(
      (async () => {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.byteLength;
          if (size > 5 * 1024 * 1024) controller.abort();
        }
      })(),
    ).rejects.toThrow();
    const again = await fetch(`${url}/api/sessions/${session.id}/students/${randomUUID()}/export.zip`, {
      headers: { authorization: `Bearer ${teacher.accessToken}` },
    });
    expect(again.status).toBe(404);
  }, 60_000);
});
