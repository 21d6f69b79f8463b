import { describe, expect, it } from "vitest";
import { mayHaveLogin } from "./login-hint.ts";

describe("mayHaveLogin", () => {
  it("is true only when the server's hint cookie is there, by its exact name", () => {
    expect(mayHaveLogin("observer_login=1")).toBe(true);
    expect(mayHaveLogin("a=b; observer_login=1; c=d")).toBe(true);
    expect(mayHaveLogin("")).toBe(false);
    expect(mayHaveLogin("observer_login_old=1; xobserver_login=1")).toBe(false);
  });
});
