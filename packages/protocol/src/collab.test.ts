import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import {
  awarenessSelectionSchema,
  awarenessStateSchema,
  broadcastDocumentName,
  DOC_CODE,
  parseDocumentName,
  parseStudentDocumentName,
  studentDocumentName,
} from "./collab.ts";

/** What y-monaco publishes for a cursor at `index` of the code, through JSON as awareness sends it. */
function publishedSelection(index: number) {
  const doc = new Y.Doc();
  const text = doc.getText(DOC_CODE);
  text.insert(0, "print('hi')\n");
  const at = Y.createRelativePositionFromTypeIndex(text, index);
  return JSON.parse(JSON.stringify({ anchor: at, head: Y.createRelativePositionFromTypeIndex(text, 12) }));
}

const user = { id: "3f1c2a8e-0000-4000-8000-000000000000", name: "Ada", role: "student", color: "#1a2b3c" };

describe("awareness schemas", () => {
  it("accept the states our editors publish (selection inside and at the end of the code)", () => {
    expect(awarenessSelectionSchema.safeParse(publishedSelection(3)).success).toBe(true);
    const state = { user, activity: "viewing", selection: publishedSelection(0) };
    expect(awarenessStateSchema.parse(state)).toEqual(state);
    expect(awarenessStateSchema.parse({})).toEqual({});
    expect(awarenessStateSchema.parse({ user, selection: null })).toEqual({ user, selection: null });
  });

  it("refuse selections that do not resolve into the code, whatever Yjs would do with them", () => {
    const good = publishedSelection(3).anchor;
    const bad = [
      { ...good, item: { client: 987654321 } },
      { ...good, item: { client: 987654321, clock: -1 } },
      { ...good, item: { client: -5, clock: 1 } },
      { ...good, item: { client: 1.5, clock: 1 } },
      { ...good, item: { client: 1, clock: 1, extra: 1 } },
      { type: { client: 1, clock: 0 }, tname: null, item: null, assoc: 0 },
      { ...good, tname: "meta" },
      { ...good, tname: null },
      { ...good, assoc: 7 },
      { ...good, extra: "x" },
      {},
      "anchor",
      null,
    ];
    for (const anchor of bad) {
      expect(awarenessSelectionSchema.safeParse({ anchor, head: good }).success, JSON.stringify(anchor)).toBe(
        false,
      );
    }
  });

  it("bound the user's fields and strip unknown fields of a state", () => {
    expect(awarenessStateSchema.safeParse({ user: { ...user, name: "x".repeat(161) } }).success).toBe(false);
    expect(awarenessStateSchema.safeParse({ user: { ...user, id: "x".repeat(65) } }).success).toBe(false);
    expect(awarenessStateSchema.safeParse({ user: { ...user, color: "red;}" } }).success).toBe(false);
    expect(awarenessStateSchema.safeParse({ activity: "hacking" }).success).toBe(false);
    expect(awarenessStateSchema.parse({ user: { ...user, admin: true }, padding: "x".repeat(1000) })).toEqual(
      { user },
    );
  });
});

describe("document names", () => {
  const sessionId = "3f1c2a8e-0000-4000-8000-000000000001";
  const studentId = "3f1c2a8e-0000-4000-8000-000000000002";

  it("round-trip a student's document and the broadcast", () => {
    expect(parseDocumentName(studentDocumentName(sessionId, studentId))).toEqual({
      kind: "student",
      sessionId,
      studentId,
    });
    expect(parseDocumentName(broadcastDocumentName(sessionId))).toEqual({ kind: "broadcast", sessionId });
  });

  it("refuse anything else", () => {
    for (const name of [
      `sessions/${sessionId}/broadcast/x`,
      `sessions/${sessionId.toUpperCase()}/broadcast`,
      `sessions//broadcast`,
      `session/${sessionId}/broadcast`,
      `sessions/${sessionId}/students`,
      `sessions/${sessionId}/students/${studentId}/x`,
      "",
    ])
      expect(parseDocumentName(name)).toBeNull();
    expect(parseStudentDocumentName(broadcastDocumentName(sessionId))).toBeNull();
  });
});
