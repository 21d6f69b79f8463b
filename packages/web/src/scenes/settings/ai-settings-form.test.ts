import { describe, expect, it } from "vitest";
import { initialValues, isDirty, settingsBody } from "./ai-settings-form.ts";

const saved = {
  provider: "openai-compatible" as const,
  model: "llama3.2",
  baseUrl: "http://gpu:11434/v1",
  apiKey: "••••abcd",
};

describe("the AI settings form", () => {
  it("keeps the stored key unless it is replaced or removed", () => {
    const values = { ...initialValues(saved), apiKey: "  sk-new-key  " };
    expect(settingsBody(values, "keep")).toEqual({
      provider: "openai-compatible",
      model: "llama3.2",
      baseUrl: "http://gpu:11434/v1",
    });
    expect("apiKey" in settingsBody(values, "keep")).toBe(false);
    expect(settingsBody(values, "replace").apiKey).toBe("sk-new-key");
    expect(settingsBody(values, "remove").apiKey).toBeNull();
  });

  it("sends an empty base URL as none, and starts from OpenAI without settings", () => {
    expect(initialValues(null)).toEqual({ provider: "openai", model: "", baseUrl: "", apiKey: "" });
    expect(settingsBody({ ...initialValues(null), model: " gpt-4o-mini ", baseUrl: "  " }, "keep")).toEqual({
      provider: "openai",
      model: "gpt-4o-mini",
      baseUrl: null,
    });
  });

  it("knows when the form differs from what is saved", () => {
    expect(isDirty(initialValues(saved), saved, "keep")).toBe(false);
    expect(isDirty({ ...initialValues(saved), model: "qwen2.5" }, saved, "keep")).toBe(true);
    expect(isDirty(initialValues(saved), saved, "remove")).toBe(true);
    expect(isDirty(initialValues(null), null, "keep")).toBe(false);
  });
});
