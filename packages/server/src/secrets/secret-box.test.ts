import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox } from "./secret-box.ts";

describe("SecretBox", () => {
  const box = new SecretBox(randomBytes(32));
  const key = "sk-test-0123456789abcdef";

  it("opens what it sealed, and never shows the secret in the sealed value", () => {
    const sealed = box.seal(key, "ai-key:u1");
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(key);
    expect(sealed).not.toContain(Buffer.from(key).toString("base64"));
    expect(box.open(sealed, "ai-key:u1")).toBe(key);
  });

  it("seals the same secret differently each time (a fresh IV)", () => {
    expect(box.seal(key, "p")).not.toBe(box.seal(key, "p"));
  });

  it("refuses a value opened for another purpose, under another key, or changed", () => {
    const sealed = box.seal(key, "ai-key:u1");
    expect(() => box.open(sealed, "ai-key:u2")).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed, "ai-key:u1")).toThrow();
    const [v, iv, body, tag] = sealed.split(".") as [string, string, string, string];
    const flipped = Buffer.from(body, "base64url");
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(() => box.open([v, iv, flipped.toString("base64url"), tag].join("."), "ai-key:u1")).toThrow();
    expect(() => box.open("plain-text", "ai-key:u1")).toThrow(/not a sealed value/);
  });

  it("takes only a 32-byte key", () => {
    expect(() => new SecretBox(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});
