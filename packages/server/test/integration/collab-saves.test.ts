import { studentDocumentName } from "@observer/protocol";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentCode } from "../../src/collab/document-code.ts";
import { loadDocument } from "../../src/storage/documents.ts";
import { openDoc } from "../collab-client.ts";
import { buildSession, buildUser, joinSession, type TestUser } from "../factories.ts";
import { retryableAssertion, startTestServer, type TestServer } from "../support.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Longer than the save debounce (800 ms): each keystroke asks Hocuspocus for a save of its own. */
const KEY_GAP_MS = 900;
const KEYS = 6;

/**
 * Saves while the database is held up: a transaction of the test holds an exclusive lock on the
 * documents table (on PGlite, the one connection), so every save waits, as it would behind a
 * database that cannot keep up. The typing goes on meanwhile.
 */
describe("document saves behind a busy database", () => {
  let server: TestServer;
  let url: string;
  let teacher: TestUser;

  beforeAll(async () => {
    server = await startTestServer();
    url = await server.listen();
    teacher = await buildUser(server, { role: "teacher" });
  });
  afterAll(() => server.close());

  async function studentDoc() {
    const session = await buildSession(server, teacher, { starterCode: "" });
    const student = await buildUser(server);
    await joinSession(server, student, session.joinCode);
    return { student, name: studentDocumentName(session.id, student.id) };
  }

  /** Holds the documents table for `ms`; resolves once the lock is taken, with the end of the hold to await. */
  async function holdDocuments(ms: number): Promise<{ released: Promise<void> }> {
    let locked: () => void = () => {};
    const taken = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const held = server.ctx.db.transaction().execute(async (trx) => {
      await sql`lock table documents in exclusive mode`.execute(trx);
      locked();
      await sleep(ms);
    });
    await taken;
    // Wrapped: an async function returning the promise itself would wait for it.
    return { released: held };
  }

  /** Opens the document and waits for a first keystroke to be saved: the connection is all set up. */
  async function openAndSave(name: string, token: string) {
    const client = openDoc(url, { name, token });
    await client.synced;
    client.code.insert(0, ">");
    await retryableAssertion(async () => expect(await storedCode(name)).toBe(">"));
    return client;
  }

  /** The document's code as the database holds it. */
  async function storedCode(name: string): Promise<string | null> {
    const stored = await loadDocument(server.ctx.db, name);
    return stored ? documentCode(stored.state, "python").code : null;
  }

  it("keeps at most one save waiting per document however long the typing goes on, and saves the last keystroke", async () => {
    const { student, name } = await studentDoc();
    const client = await openAndSave(name, student.accessToken);
    try {
      const foldedBefore = server.collab.stats().savesFolded;
      const held = await holdDocuments(KEYS * KEY_GAP_MS + 1000);
      let maxWaiting = 0;
      let maxRunning = 0;
      for (let i = 0; i < KEYS; i++) {
        client.code.insert(client.code.length, String(i));
        await sleep(KEY_GAP_MS);
        const stats = server.collab.stats();
        maxWaiting = Math.max(maxWaiting, stats.savesWaiting);
        maxRunning = Math.max(maxRunning, stats.savesRunning);
      }
      // The first save waits for the lock; the keystrokes after it asked for saves that fold
      // into one waiting behind it, not a queue of one per keystroke.
      expect(maxRunning).toBe(1);
      expect(maxWaiting).toBe(1);
      expect(server.collab.stats().savesFolded - foldedBefore).toBeGreaterThanOrEqual(KEYS - 3);
      await held.released;
      await retryableAssertion(async () => {
        expect(await storedCode(name)).toBe(">012345");
        expect(server.collab.stats().savesRunning).toBe(0);
      });
      // What an operator sees of it.
      const metrics = (await server.call("GET", "/metrics")).body;
      const value = (line: string) => Number(new RegExp(`^${line} (\\S+)$`, "m").exec(metrics)?.[1]);
      expect(value("observer_document_saves_folded")).toBeGreaterThanOrEqual(KEYS - 3);
      expect(value('observer_document_saves\\{state="waiting"\\}')).toBe(0);
      expect(value("observer_documents_open")).toBeGreaterThanOrEqual(1);
    } finally {
      client.destroy();
    }
  });

  it("unloads a document closed during a held save only after its last change is saved", async () => {
    const { student, name } = await studentDoc();
    const client = await openAndSave(name, student.accessToken);
    const held = await holdDocuments(2500);
    client.code.insert(1, "typed while the database was busy");
    // The save the keystroke asked for is waiting for the lock when the student leaves.
    await retryableAssertion(() => expect(server.collab.stats().savesRunning).toBe(1));
    client.destroy();
    await sleep(500);
    expect(server.collab.hasDocument(name)).toBe(true);
    await held.released;
    await retryableAssertion(async () => {
      expect(server.collab.hasDocument(name)).toBe(false);
      expect(await storedCode(name)).toBe(">typed while the database was busy");
    });
  });
});
