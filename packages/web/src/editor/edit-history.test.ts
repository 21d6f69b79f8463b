import { afterEach, describe, expect, it } from "vitest";
import * as Y from "yjs";
import { Attribution, USERS_MAP } from "./attribution.ts";
import { codeOf } from "./code-document.ts";
import { EditHistory } from "./edit-history.ts";

const STUDENT = "0b7a1c1e-1111-4a4a-8a8a-000000000001";
const TEACHER = "0b7a1c1e-2222-4a4a-8a8a-000000000002";

/** Stands in for the server between the clients: the origin of every update a client receives. */
const REMOTE = { name: "provider" };

/** One client of the document: its own Y.Doc, the origin its editor binding uses, attribution. */
interface Client {
  doc: Y.Doc;
  code: Y.Text;
  binding: object;
  attribution: Attribution;
  history: EditHistory;
  type(index: number, text: string): void;
  erase(index: number, length: number): void;
}

const clients: Client[] = [];

function client(userId: string, otherUserId: string | null): Client {
  const doc = new Y.Doc();
  const binding = { name: `binding of ${userId}` };
  const attribution = new Attribution(doc, userId, new Set([binding]));
  const history = new EditHistory({
    text: codeOf(doc),
    attribution,
    ownOrigins: [binding],
    remoteOrigin: REMOTE,
    otherUserId,
  });
  const self: Client = {
    doc,
    code: codeOf(doc),
    binding,
    attribution,
    history,
    type: (index, text) => doc.transact(() => self.code.insert(index, text), binding),
    erase: (index, length) => doc.transact(() => self.code.delete(index, length), binding),
  };
  // Relay every update to the other clients, as the server would.
  doc.on("update", (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    for (const other of clients) if (other !== self) Y.applyUpdate(other.doc, update, REMOTE);
  });
  for (const other of clients) Y.applyUpdate(doc, Y.encodeStateAsUpdate(other.doc), REMOTE);
  clients.push(self);
  return self;
}

/** Lets PermanentUserData record deletions (it does so a tick after each transaction). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Each edit its own undo step, as if the typist paused. */
function pause(...all: Client[]) {
  for (const c of all) {
    c.history.own.stopCapturing();
    c.history.other?.stopCapturing();
  }
}

afterEach(() => {
  for (const c of clients.splice(0)) {
    c.history.dispose();
    c.attribution.dispose();
    c.doc.destroy();
  }
});

describe("EditHistory", () => {
  it("normal undo and redo touch only the user's own edits", async () => {
    const student = client(STUDENT, TEACHER);
    const teacher = client(TEACHER, null);
    student.type(0, "print(1)\n");
    pause(student, teacher);
    teacher.type(student.code.length, "# teacher\n");
    pause(student, teacher);
    student.type(student.code.length, "print(2)\n");
    await settle();

    expect(student.history.undo()).toBe(true);
    expect(student.code.toString()).toBe("print(1)\n# teacher\n");
    expect(student.history.undo()).toBe(true);
    expect(student.code.toString()).toBe("# teacher\n");
    expect(student.history.undo()).toBe(false);
    expect(teacher.code.toString()).toBe("# teacher\n");

    expect(student.history.redo()).toBe(true);
    expect(student.code.toString()).toBe("print(1)\n# teacher\n");
  });

  it("undoes the teacher's insertion and leaves the student's own undo stack alone", async () => {
    const student = client(STUDENT, TEACHER);
    const teacher = client(TEACHER, null);
    student.type(0, "x = 1\n");
    pause(student, teacher);
    expect(student.history.canUndoOther()).toBe(false);

    teacher.type(0, "# set x\n");
    await settle();
    expect(student.history.canUndoOther()).toBe(true);
    pause(student, teacher);
    student.type(student.code.length, "y = 2\n");
    await settle();

    expect(student.history.undoOther()).toBe(true);
    expect(student.code.toString()).toBe("x = 1\ny = 2\n");
    expect(teacher.code.toString()).toBe("x = 1\ny = 2\n");
    expect(student.history.canUndoOther()).toBe(false);
    expect(student.history.undoOther()).toBe(false);

    // The student's own history is intact: two own steps.
    expect(student.history.undo()).toBe(true);
    expect(student.code.toString()).toBe("x = 1\n");
    expect(student.history.undo()).toBe(true);
    expect(student.code.toString()).toBe("");
  });

  it("undoes the teacher's deletion of the student's code", async () => {
    const student = client(STUDENT, TEACHER);
    const teacher = client(TEACHER, null);
    student.type(0, "for i in range(10):\n    print(i)\n");
    pause(student, teacher);
    await settle();
    const firstChar = Y.createRelativePositionFromTypeIndex(student.code, 0).item;
    teacher.erase(0, "for i in range(10):\n".length);
    await settle();
    expect(student.code.toString()).toBe("    print(i)\n");
    expect(firstChar && student.attribution.deleterOf(firstChar)).toBe(TEACHER);

    expect(student.history.undoOther()).toBe(true);
    expect(student.code.toString()).toBe("for i in range(10):\n    print(i)\n");
  });

  it("undoes the teacher's changes newest first, one burst at a time", async () => {
    const student = client(STUDENT, TEACHER);
    const teacher = client(TEACHER, null);
    teacher.type(0, "a");
    teacher.type(1, "b");
    pause(student, teacher);
    teacher.type(2, "c");
    await settle();
    expect(student.code.toString()).toBe("abc");
    student.history.undoOther();
    expect(student.code.toString()).toBe("ab");
    student.history.undoOther();
    expect(student.code.toString()).toBe("");
  });

  it("never counts the student's other tab as the teacher", async () => {
    const student = client(STUDENT, TEACHER);
    const otherTab = client(STUDENT, null);
    const teacher = client(TEACHER, null);
    teacher.type(0, "T");
    pause(student, otherTab, teacher);
    otherTab.type(1, "S");
    pause(student, otherTab, teacher);
    otherTab.erase(0, 1);
    await settle();
    expect(student.code.toString()).toBe("S");
    // Only the teacher's insertion is the teacher's; it was already deleted by the other tab,
    // so undoing it changes nothing, and the other tab's edits are never undone.
    student.history.undoOther();
    expect(student.code.toString()).toBe("S");
    expect(student.history.canUndoOther()).toBe(false);
  });

  it("writes nothing into the document until the user's first edit", async () => {
    const student = client(STUDENT, TEACHER);
    const teacher = client(TEACHER, null);
    student.type(0, "hello");
    await settle();
    const users = teacher.doc.getMap(USERS_MAP);
    expect([...users.keys()]).toEqual([STUDENT]);
    teacher.type(5, "!");
    await settle();
    expect([...users.keys()].sort()).toEqual([STUDENT, TEACHER].sort());
    expect(student.attribution.userOfClient(teacher.doc.clientID)).toBe(TEACHER);
    expect(student.attribution.userOfClient(student.doc.clientID)).toBe(STUDENT);
  });
});
