// `npm run bench:abuse`: replays the attacks 1–8 of the hardening issue against a started
// Observer, through its public surface only, and reports what each achieved together with the
// server's RSS, live heap (after a full GC) and data-dir size before and after it.
// The server runs in its own process on loopback with the TRUST_PROXY value the deploy files
// ship; nginx's `proxy_add_x_forwarded_for` is replayed by sending "<forged>, <real client>" as
// X-Forwarded-For, which is what such a server receives behind the documented proxy.
// Every attack is bounded in count and time and the script ends by itself.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { studentDocumentName } from "@observer/protocol";
import * as encoding from "lib0/encoding";
import { WebSocket } from "ws";
import { openChannel } from "../packages/server/test/channel-client.ts";
import { type DocClient, openDoc } from "../packages/server/test/collab-client.ts";
import { apiCall, registerOver } from "../packages/server/test/http-client.ts";
import { freePort } from "../packages/server/test/spawn-server.ts";
import { openTerminal } from "../packages/server/test/terminal-client.ts";
import { BenchProcess, repoRoot, waitForHttp } from "./support/processes.ts";
import { round } from "./support/stats.ts";

const PASSWORD = "correct horse battery";
const AWARENESS_MESSAGE = 1;
const FLOOD_MS = 7000;
const CHURN_MS = 13_000;
const MB = 1024 * 1024;
const AUTH_LIMIT = 100;

type Figures = Record<string, string | number | boolean>;
interface Outcome {
  attack: string;
  figures: Figures;
  rssBeforeMb: number;
  rssAfterMb: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  dataBeforeMb: number;
  dataAfterMb: number;
}

/** Text that the database cannot compress away (storage figures are about real code). */
function randomText(chars: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n";
  let text = "";
  for (let i = 0; i < chars; i++) text += alphabet[Math.floor(Math.random() * alphabet.length)];
  return text;
}

/** A Python program printing about 1.1 MB of random letters (past the 1 MB output cap). */
const RANDOM_MEGABYTE_PROGRAM = [
  "import random, string, sys",
  "for _ in range(1100):",
  "    sys.stdout.write(''.join(random.choices(string.ascii_letters, k=1023)) + '\\n')",
  "",
].join("\n");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bytes of every file under a folder. */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/** The TRUST_PROXY the shipped env file sets (what an operator following the docs runs with). */
function shippedTrustProxy(): string {
  const env = readFileSync(path.join(repoRoot, "deploy/observer.env.example"), "utf8");
  const line = env.split("\n").find((l) => /^TRUST_PROXY=/.test(l));
  return line ? line.slice("TRUST_PROXY=".length).trim() : "false";
}

/** Milliseconds until `closed` settles, or null if still open after `withinMs`. */
async function closeTime(closed: Promise<unknown>, since: number, withinMs = 5000): Promise<number | null> {
  const result = await Promise.race([closed.then(() => true), sleep(withinMs).then(() => false)]);
  return result ? Date.now() - since : null;
}

const shown = (ms: number | null) => (ms === null ? "still open after 5 s" : `${ms} ms`);

async function login(url: string, email: string, forwardedFor?: string, password = PASSWORD) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: url,
      ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}),
    },
    body: JSON.stringify({ email, password }),
  });
  const json = (await res.json().catch(() => ({}))) as { accessToken?: string };
  return { status: res.status, token: json.accessToken ?? "", cookie: res.headers.get("set-cookie") ?? "" };
}

/** One Hocuspocus awareness message for `documentName` carrying the given client states. */
function awarenessMessage(documentName: string, states: { clientId: number; state: unknown }[]): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, states.length);
  for (const { clientId, state } of states) {
    encoding.writeVarUint(update, clientId);
    encoding.writeVarUint(update, 1);
    encoding.writeVarString(update, JSON.stringify(state));
  }
  const message = encoding.createEncoder();
  encoding.writeVarString(message, documentName);
  encoding.writeVarUint(message, AWARENESS_MESSAGE);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

/** The raw ws socket under a document client (the bench writes crafted frames to it). */
function rawSocket(client: DocClient): WebSocket {
  const socket = (
    client.provider.configuration.websocketProvider as unknown as { webSocket: WebSocket | null }
  ).webSocket;
  if (!socket) throw new Error("the document's socket is not open");
  return socket;
}

/** Counts the bytes a document client's socket receives. */
function countReceived(client: DocClient): { bytes: number } {
  const counter = { bytes: 0 };
  rawSocket(client).addEventListener("message", (event) => {
    const data = event.data as ArrayBuffer | Buffer | string;
    counter.bytes += typeof data === "string" ? data.length : data.byteLength;
  });
  return counter;
}

async function waitRunEnded(url: string, runId: string, token: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await apiCall<{ run: { status: string } }>(url, "GET", `/api/runs/${runId}`, { token });
    if (res.json.run && (res.json.run.status === "finished" || res.json.run.status === "failed"))
      return res.json.run.status;
    await sleep(200);
  }
  return "still running";
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "observer-abuse-"));
  const probeFile = path.join(dataDir, "probe.json");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const trustProxy = shippedTrustProxy();
  const server = BenchProcess.start(
    "packages/server/src/main.ts",
    {
      PORT: String(port),
      HOST: "127.0.0.1",
      OBSERVER_DATA_DIR: dataDir,
      OBSERVER_WEB_DIR: path.join(dataDir, "no-web"),
      TRUST_PROXY: trustProxy,
      // A small per-address login limit, so that attack 4 passes it in a few seconds.
      OBSERVER_RATE_LIMIT_AUTH: String(AUTH_LIMIT),
    },
    probeFile,
  );
  const outcomes: Outcome[] = [];
  try {
    await waitForHttp(`${url}/api/health`);
    const tag = Math.random().toString(36).slice(2, 8);
    const email = (who: string) => `${who}-${tag}@example.org`;
    const register = (who: string, role: "teacher" | "student") =>
      registerOver(url, { email: email(who), name: who, role });
    const admin = await register("admin", "teacher");
    const teacher = await register("teacher", "teacher");
    const created = await apiCall<{ session: { id: string; joinCode: string } }>(
      url,
      "POST",
      "/api/sessions",
      {
        token: teacher.accessToken,
        body: { name: "Abused class", language: "python" },
      },
    );
    const session = created.json.session;
    const students = await Promise.all(
      ["s1", "s2", "s3", "s4", "s5", "s6"].map(async (who) => {
        const s = await register(who, "student");
        await apiCall(url, "POST", "/api/sessions/join", {
          token: s.accessToken,
          body: { joinCode: session.joinCode },
        });
        return { ...s, who };
      }),
    );
    const student = (i: number) => students[i] as (typeof students)[number];
    const docOf = (i: number) => studentDocumentName(session.id, student(i).id);

    const measure = async (attack: string, run: () => Promise<Figures>) => {
      const before = await server.sample();
      const dataBefore = folderBytes(dataDir);
      const figures = await run();
      await sleep(2500); // saves settle
      const after = await server.sample();
      const outcome: Outcome = {
        attack,
        figures,
        rssBeforeMb: round(before.rssBytes / MB, 1),
        rssAfterMb: round(after.rssBytes / MB, 1),
        heapBeforeMb: round(before.heapUsedBytes / MB, 1),
        heapAfterMb: round(after.heapUsedBytes / MB, 1),
        dataBeforeMb: round(dataBefore / MB, 1),
        dataAfterMb: round(folderBytes(dataDir) / MB, 1),
      };
      outcomes.push(outcome);
      console.log(JSON.stringify(outcome));
    };

    await measure("1 sockets after logout / deactivation", async () => {
      const s1 = await login(url, email("s1"));
      const doc = openDoc(url, { name: docOf(0), token: s1.token });
      await doc.synced;
      const channel = await openChannel(url, session.id, s1.token);
      await channel.next((m) => m.type === "ready");
      const run = await apiCall<{ run: { id: string } }>(url, "POST", `/api/sessions/${session.id}/runs`, {
        token: s1.token,
        body: { language: "python", code: "input('name? ')\n" },
      });
      const terminal = await openTerminal(url, run.json.run.id, s1.token);
      await terminal.waitForOutput("name?");
      const since = Date.now();
      await fetch(`${url}/api/auth/logout`, {
        method: "POST",
        headers: { authorization: `Bearer ${s1.token}`, origin: url, cookie: s1.cookie.split(";")[0] ?? "" },
      });
      const [collabMs, channelMs, terminalMs] = await Promise.all([
        closeTime(doc.closed, since),
        closeTime(channel.closed, since),
        closeTime(terminal.closed, since),
      ]);
      doc.destroy();
      channel.close();
      terminal.close();
      // A teacher deactivated by an admin, with the dashboard's socket open on a student's code.
      const t = await login(url, email("teacher"));
      const dashboard = openDoc(url, { name: docOf(1), token: t.token });
      await dashboard.synced;
      const deactivatedAt = Date.now();
      await apiCall(url, "PATCH", `/api/admin/users/${teacher.id}`, {
        token: admin.accessToken,
        body: { active: false },
      });
      const teacherMs = await closeTime(dashboard.closed, deactivatedAt);
      dashboard.destroy();
      await apiCall(url, "PATCH", `/api/admin/users/${teacher.id}`, {
        token: admin.accessToken,
        body: { active: true },
      });
      return {
        "student collab closed after logout": shown(collabMs),
        "student channel closed after logout": shown(channelMs),
        "student terminal closed after logout": shown(terminalMs),
        "deactivated teacher's collab closed": shown(teacherMs),
      };
    });

    const teacherNow = await login(url, email("teacher"));

    await measure("2 crafted awareness selection", async () => {
      const s3 = await login(url, email("s3"));
      const own = openDoc(url, { name: docOf(2), token: s3.token });
      const watcher = openDoc(url, { name: docOf(2), token: teacherNow.token });
      await Promise.all([own.synced, watcher.synced]);
      const dangling = {
        type: { client: 987654321, clock: 7 },
        tname: null,
        item: { client: 987654321, clock: 3 },
        assoc: 0,
      };
      rawSocket(own).send(
        awarenessMessage(docOf(2), [
          {
            clientId: own.doc.clientID,
            state: {
              user: { id: student(2).id, name: "s3", color: "#ff0000" },
              selection: { anchor: dangling, head: dangling },
            },
          },
        ]),
      );
      await sleep(1500);
      const relayed = watcher.provider.awareness?.getStates().get(own.doc.clientID) as
        | { selection?: unknown }
        | undefined;
      own.destroy();
      watcher.destroy();
      return { "dangling selection relayed to the teacher": Boolean(relayed?.selection) };
    });

    await measure("3 awareness flood (fake client ids, 7 s)", async () => {
      const s3 = await login(url, email("s3"));
      const own = openDoc(url, { name: docOf(2), token: s3.token });
      const watcher = openDoc(url, { name: docOf(2), token: teacherNow.token });
      await Promise.all([own.synced, watcher.synced]);
      const received = countReceived(watcher);
      const socket = rawSocket(own);
      let open = true;
      socket.addEventListener("close", () => {
        open = false;
      });
      let sent = 0;
      const padding = "x".repeat(900);
      const until = Date.now() + FLOOD_MS;
      let nextId = 1_000_000;
      while (open && Date.now() < until) {
        const states = Array.from({ length: 100 }, () => ({
          clientId: nextId++,
          state: { user: { id: "fake", name: padding, color: "#000000" } },
        }));
        const frame = awarenessMessage(docOf(2), states);
        socket.send(frame);
        sent += frame.byteLength;
        while (open && socket.bufferedAmount > 4 * MB) await sleep(5);
        if (sent % (20 * MB) < frame.byteLength) await sleep(0);
      }
      await sleep(500);
      own.destroy();
      watcher.destroy();
      return {
        "MB sent": round(sent / MB, 1),
        "MB fanned out to the teacher": round(received.bytes / MB, 1),
        "abuser closed by the server": !open,
      };
    });

    await measure("4 forged X-Forwarded-For behind nginx (logins)", async () => {
      let limited = 0;
      const attempts = AUTH_LIMIT + 30;
      for (let i = 0; i < attempts; i++) {
        const res = await login(
          url,
          `nobody-${i}@example.org`,
          `203.0.113.${i % 250}, 198.18.0.${1 + (i % 200)}, 192.0.2.10`,
          "wrong password",
        );
        if (res.status === 429) limited++;
      }
      return {
        "TRUST_PROXY shipped": trustProxy,
        "per-address login limit": AUTH_LIMIT,
        "login attempts from one address, forged X-Forwarded-For": attempts,
        "answered 429": limited,
      };
    });

    await measure("5 one student's 130 runs vs the rest of the school's NAT", async () => {
      let studentLimited = 0;
      for (let i = 0; i < 130; i++) {
        const res = await apiCall(url, "POST", `/api/sessions/${session.id}/runs`, {
          token: student(3).accessToken,
          body: { language: "python", code: `print(${i})\n` },
        });
        if (res.status === 429) studentLimited++;
      }
      const teacherRes = await apiCall(url, "GET", "/api/sessions", { token: teacherNow.token });
      const classmate = await apiCall(url, "GET", `/api/sessions/${session.id}`, {
        token: student(4).accessToken,
      });
      const classmateRun = await apiCall(url, "POST", `/api/sessions/${session.id}/runs`, {
        token: student(4).accessToken,
        body: { language: "python", code: "print('mine')\n" },
      });
      return {
        "student's runs answered 429": studentLimited,
        "teacher GET /api/sessions": teacherRes.status,
        "classmate GET session": classmate.status,
        "classmate's own run": classmateRun.status,
      };
    });

    await measure("6 lock-out by a stranger's wrong passwords", async () => {
      const victim = email("s5");
      const strangerStatuses: number[] = [];
      for (let i = 0; i < 30; i++)
        strangerStatuses.push(
          (await login(url, victim, "198.51.100.7, 192.0.2.66", "not the password")).status,
        );
      const owner = await login(url, victim, "192.0.2.77, 192.0.2.77");
      return {
        "stranger's 30 guesses answered 429": strangerStatuses.filter((s) => s === 429).length,
        "stranger's guesses answered 401": strangerStatuses.filter((s) => s === 401).length,
        "owner with the right password": owner.status,
      };
    });

    await measure("7 nineteen auth messages on one session channel", async () => {
      // The registration's token: the previous attack may have throttled this account's logins.
      const token = student(4).accessToken;
      const ws = new WebSocket(`${url.replace("http", "ws")}/api/sessions/${session.id}/channel`);
      let ready = 0;
      ws.on("message", (data) => {
        if ((JSON.parse(data.toString()) as { type: string }).type === "ready") ready++;
      });
      await new Promise((r) => ws.once("open", r));
      for (let i = 0; i < 19; i++) ws.send(JSON.stringify({ type: "auth", token }));
      await sleep(1500);
      ws.close();
      await sleep(1500);
      const detail = await apiCall<{ participants: { userId: string; online: boolean }[] }>(
        url,
        "GET",
        `/api/sessions/${session.id}`,
        { token: teacherNow.token },
      );
      const online = detail.json.participants?.find((p) => p.userId === student(4).id)?.online ?? false;
      return { "ready messages for 19 auths": ready, "student online after closing": online };
    });

    await measure("8a history churn of a 200 KB document (13 s)", async () => {
      const doc = openDoc(url, { name: docOf(5), token: student(5).accessToken });
      await doc.synced;
      let replaced = 0;
      const until = Date.now() + CHURN_MS;
      while (Date.now() < until) {
        doc.doc.transact(() => {
          doc.code.delete(0, doc.code.length);
          doc.code.insert(0, randomText(200 * 1024));
        });
        replaced++;
        await sleep(100);
      }
      await sleep(3000);
      const kept = doc.code.length;
      doc.destroy();
      return { "document replaced": replaced, "chars in the student's document": kept };
    });

    await measure("8b ten runs of 1 MB output", async () => {
      const statuses: string[] = [];
      for (let i = 0; i < 10; i++) {
        const run = await apiCall<{ run: { id: string } }>(url, "POST", `/api/sessions/${session.id}/runs`, {
          token: student(5).accessToken,
          body: { language: "python", code: RANDOM_MEGABYTE_PROGRAM },
        });
        if (!run.json.run) {
          statuses.push(String(run.status));
          continue;
        }
        statuses.push(await waitRunEnded(url, run.json.run.id, student(5).accessToken));
      }
      return { "run endings": statuses.join(",") };
    });
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const out = path.join(repoRoot, "bench/results/abuse.json");
  writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), outcomes }, null, 2)}\n`);
  console.log("\n| attack | what happened | RSS MB | heap MB | data dir MB |\n|---|---|---|---|---|");
  for (const o of outcomes) {
    const what = Object.entries(o.figures)
      .map(([k, v]) => `${k}: ${v}`)
      .join("; ");
    console.log(
      `| ${o.attack} | ${what} | ${o.rssBeforeMb} → ${o.rssAfterMb} | ${o.heapBeforeMb} → ${o.heapAfterMb} | ${o.dataBeforeMb} → ${o.dataAfterMb} |`,
    );
  }
  console.log(`\nwritten to ${path.relative(repoRoot, out)}`);
}

await main();
