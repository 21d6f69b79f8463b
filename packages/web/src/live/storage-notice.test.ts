import type { StorageNotice } from "@observer/protocol";
import { describe, expect, it } from "vitest";
import { storageNoticeMessage } from "./storage-notice.ts";

describe("storageNoticeMessage", () => {
  it("reads the message of the server's storage_quota notice", () => {
    const notice: StorageNotice = {
      type: "storage_quota",
      message: "Your storage for this session is full (2 MB of history and run output).",
    };
    expect(storageNoticeMessage(JSON.stringify(notice))).toBe(notice.message);
  });

  it("ignores other stateless messages, non-JSON and wrong shapes", () => {
    for (const payload of [
      "",
      "storage_quota",
      "{",
      "null",
      "42",
      '"storage_quota"',
      "[]",
      JSON.stringify({ type: "something_else", message: "hello" }),
      JSON.stringify({ type: "storage_quota" }),
      JSON.stringify({ type: "storage_quota", message: 42 }),
      JSON.stringify({ type: "storage_quota", message: "   " }),
      JSON.stringify({ message: "no type" }),
    ]) {
      expect(storageNoticeMessage(payload), payload).toBeNull();
    }
  });
});
