import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ENDPOINTS } from "./endpoints.ts";
import { ERRORS } from "./errors.ts";

const apiDoc = readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../docs/API.md"),
  "utf8",
);

describe("docs/API.md", () => {
  it.each(Object.entries(ERRORS))("documents error %s with its status", (code, { status }) => {
    expect(apiDoc).toMatch(new RegExp(`\\| \`${code}\` +\\| ${status} +\\|`));
  });

  it.each(Object.values(ENDPOINTS).map((e) => [`${e.method} ${e.path}`]))("documents %s", (route) => {
    expect(apiDoc).toContain(`\`${route}\``);
  });
});
