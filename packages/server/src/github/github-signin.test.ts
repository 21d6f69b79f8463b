import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../auth/passwords.ts";
import { NO_PASSWORD_HASH, noreplyEmail } from "./github-signin.ts";

describe("accounts made by GitHub sign-in", () => {
  it("have a password hash no password matches", async () => {
    for (const password of ["", NO_PASSWORD_HASH, "github-sign-in-only", "correct horse battery"])
      expect(await verifyPassword(NO_PASSWORD_HASH, password)).toBe(false);
    // A real hash still works, so the check is not simply always false.
    expect(await verifyPassword(await hashPassword("correct horse battery"), "correct horse battery")).toBe(
      true,
    );
  });

  it("get GitHub's no-reply address when they show no email", () => {
    expect(noreplyEmail({ id: 583231, login: "Octocat" })).toBe("583231+octocat@users.noreply.github.com");
  });
});
