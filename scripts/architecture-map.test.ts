import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * docs/ARCHITECTURE.md draws the tree: one line per folder. This keeps it true: every
 * folder of the code is named there, and nothing named there is missing from the tree.
 */
const root = join(import.meta.dirname, "..");

/** Folders whose every subfolder the map must name. */
const MAPPED = [
  "packages/protocol/src",
  "packages/server/src",
  "packages/server/test",
  "packages/web/src",
  "e2e",
  "bench",
  "deploy",
  "scripts",
  "docs",
];
/** Build output, dependencies and data: not code. */
const SKIPPED = new Set(["node_modules", "dist", "results", "screenshots", "data", "public"]);

function foldersBelow(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    if (SKIPPED.has(name) || name.startsWith(".")) continue;
    const path = `${dir}/${name}`;
    if (!statSync(join(root, path)).isDirectory()) continue;
    found.push(path, ...foldersBelow(path));
  }
  return found;
}

/**
 * The paths the map's tree block names, resolved through its indentation: a line indented
 * under a folder line (one ending in `/`) is inside that folder.
 */
function pathsInMap(markdown: string): string[] {
  const block = markdown.match(/## Tree\n[\s\S]*?\n```\n([\s\S]*?)\n```/)?.[1];
  if (!block) throw new Error("docs/ARCHITECTURE.md has no ## Tree code block");
  const parents: { indent: number; path: string }[] = [];
  const paths: string[] = [];
  for (const line of block.split("\n")) {
    const match = line.match(/^( *)(\S+)/);
    if (!match?.[2]) continue;
    const indent = match[1]?.length ?? 0;
    while (parents.length > 0 && (parents.at(-1)?.indent ?? 0) >= indent) parents.pop();
    const parent = parents.at(-1)?.path ?? "";
    const path = parent + match[2];
    paths.push(path.replace(/\/$/, ""));
    if (path.endsWith("/")) parents.push({ indent, path });
  }
  return paths;
}

describe("docs/ARCHITECTURE.md", () => {
  const named = pathsInMap(readFileSync(join(root, "docs/ARCHITECTURE.md"), "utf8"));

  it("names every folder of the tree", () => {
    const folders = MAPPED.flatMap(foldersBelow);
    const missing = folders.filter((folder) => !named.includes(folder));
    expect(missing).toEqual([]);
  });

  it("names nothing that does not exist", () => {
    const absent = named.filter((path) => {
      try {
        statSync(join(root, path));
        return false;
      } catch {
        return true;
      }
    });
    expect(absent.map((path) => relative(".", path))).toEqual([]);
  });

  it("resolves nested lines under their folder", () => {
    expect(pathsInMap("## Tree\n\n```\na/\n  b/    x\n    c.ts  y\n  d/\ne.md\n```")).toEqual([
      "a",
      "a/b",
      "a/b/c.ts",
      "a/d",
      "e.md",
    ]);
  });
});
