import { rmSync } from "node:fs";
import { studentDocumentName } from "@observer/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { type DocClient, openDoc } from "../collab-client.ts";
import { classroomOver } from "../http-client.ts";
import {
  freePort,
  SPAWNED_SERVER_TEST_TIMEOUT_MS,
  type SpawnedServer,
  spawnedDatabaseEnv,
  spawnServer,
  waitHealthy,
} from "../spawn-server.ts";
import { retryableAssertion } from "../support.ts";

const STUDENTS = 30;
const databaseEnv = spawnedDatabaseEnv;

/**
 * The fault test of the live-code issue: 30 students type continuously, the server is killed
 * with SIGKILL (no chance to save), restarted on the same data, the providers reconnect, and
 * every character each client typed must be on the server.
 */
describe("nothing lost when the server is killed", { timeout: SPAWNED_SERVER_TEST_TIMEOUT_MS }, () => {
  let server: SpawnedServer | null = null;
  let dataDir = "";
  afterAll(async () => {
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps every character typed by 30 students across a SIGKILL and restart", async () => {
    const port = await freePort();
    server = await spawnServer({ ...databaseEnv, OBSERVER_RATE_LIMIT_AUTH: "1000" }, undefined, port);
    dataDir = server.dataDir;
    await waitHealthy(server);
    const { session, students, teacher } = await classroomOver(server.url, STUDENTS);

    const clients: DocClient[] = students.map((s) =>
      openDoc(server?.url ?? "", { name: studentDocumentName(session.id, s.id), token: s.accessToken }),
    );
    await Promise.all(clients.map((c) => c.synced));
    const typed = clients.map(() => "");
    let typing = true;
    let round = 0;
    const typist = (async () => {
      while (typing) {
        round += 1;
        clients.forEach((client, i) => {
          const chunk = `${i}:${round};`;
          client.code.insert(client.code.length, chunk);
          typed[i] += chunk;
        });
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill("SIGKILL");
    await server.exited;
    // Students keep typing while the server is down.
    await new Promise((r) => setTimeout(r, 700));
    server = await spawnServer({ ...databaseEnv, OBSERVER_RATE_LIMIT_AUTH: "1000" }, dataDir, port);
    await waitHealthy(server);
    await new Promise((r) => setTimeout(r, 700));
    typing = false;
    await typist;

    const url = server.url;
    const lostPerStudent = async () => {
      const lost: number[] = [];
      for (const [i, student] of students.entries()) {
        const reader = openDoc(url, {
          name: studentDocumentName(session.id, student.id),
          token: teacher.accessToken,
        });
        await reader.synced;
        const onServer = reader.code.toString();
        lost.push(onServer === typed[i] ? 0 : Math.max(1, (typed[i]?.length ?? 0) - onServer.length));
        reader.destroy();
      }
      return lost;
    };
    await retryableAssertion(async () => {
      expect((await lostPerStudent()).reduce((a, b) => a + b, 0)).toBe(0);
    }, 20_000);
    const totalTyped = typed.reduce((n, t) => n + t.length, 0);
    for (const client of clients) client.destroy();

    // And durably: after a graceful restart with no client connected, it is all still there.
    await server.stop("SIGTERM");
    server = await spawnServer({ ...databaseEnv }, dataDir, port);
    await waitHealthy(server);
    const lost = (await lostPerStudent()).reduce((a, b) => a + b, 0);
    console.log(`fault test: ${STUDENTS} students, ${totalTyped} characters typed, characters lost: ${lost}`);
    expect(lost).toBe(0);
    expect(totalTyped).toBeGreaterThan(STUDENTS * 100);
  });
});
