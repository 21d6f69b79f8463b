import { describe, expect, it } from "vitest";
import { type ProviderState, saveStateOf } from "./provider-state.ts";

const base: ProviderState = {
  socket: "connected",
  synced: true,
  everSynced: true,
  unsyncedChanges: 0,
  scope: "read-write",
  refused: null,
  revoked: null,
  changesRefused: false,
  browserOnline: true,
};

describe("saveStateOf", () => {
  it("reads Connecting until the first sync", () => {
    expect(saveStateOf({ ...base, socket: "connecting", synced: false, everSynced: false })).toBe(
      "connecting",
    );
  });

  it("reads Saved when everything is acknowledged, Saving… while changes are in flight", () => {
    expect(saveStateOf(base)).toBe("saved");
    expect(saveStateOf({ ...base, unsyncedChanges: 2 })).toBe("saving");
  });

  it("reads Offline while the socket is down or the browser has no network, even mid-sync", () => {
    expect(saveStateOf({ ...base, socket: "disconnected", synced: false, unsyncedChanges: 3 })).toBe(
      "offline",
    );
    expect(saveStateOf({ ...base, socket: "connecting", synced: false })).toBe("offline");
    expect(saveStateOf({ ...base, browserOnline: false, unsyncedChanges: 1 })).toBe("offline");
    expect(saveStateOf({ ...base, socket: "disconnected", everSynced: false, synced: false })).toBe(
      "offline",
    );
  });

  it("reads Not saved when the server refused changes made here, never Saving… or Saved", () => {
    expect(saveStateOf({ ...base, scope: "readonly", changesRefused: true, unsyncedChanges: 1 })).toBe(
      "unsaved",
    );
    expect(
      saveStateOf({
        ...base,
        scope: "readonly",
        changesRefused: true,
        unsyncedChanges: 1,
        browserOnline: false,
      }),
    ).toBe("unsaved");
    expect(saveStateOf({ ...base, scope: "readonly", changesRefused: false, unsyncedChanges: 0 })).toBe(
      "saved",
    );
  });

  it("reads No access when the server refused the document", () => {
    expect(saveStateOf({ ...base, refused: "Forbidden" })).toBe("refused");
  });
});
