import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { codeOf, languageOf, metaOf, replaceCode, switchLanguage } from "./code-document.ts";
import { downloadFileName, fileSlug, javaPublicClassName } from "./download.ts";
import { LANGUAGE_TEMPLATES } from "./templates.ts";

describe("replaceCode", () => {
  it("replaces the whole code and the language in one transaction: one undo brings the code back", () => {
    const doc = new Y.Doc();
    const origin = { name: "editor" };
    codeOf(doc).insert(0, "mine = 1\n");
    metaOf(doc).set("language", "python");
    const undo = new Y.UndoManager(codeOf(doc), { trackedOrigins: new Set([origin]) });
    codeOf(doc).insert(0, "# my own\n");
    doc.transact(() => codeOf(doc).insert(0, "# typed\n"), origin);
    undo.stopCapturing();
    const origins: unknown[] = [];
    doc.on("afterTransaction", (tr: Y.Transaction) => origins.push(tr.origin));
    replaceCode(doc, "int main() {}\n", "c", origin);
    expect(origins).toEqual([origin]);
    expect(codeOf(doc).toString()).toBe("int main() {}\n");
    expect(languageOf(doc)).toBe("c");
    undo.undo();
    expect(codeOf(doc).toString()).toBe("# typed\n# my own\nmine = 1\n");
  });

  it("keeps the language when given none, and writes nothing when the code is the same", () => {
    const doc = new Y.Doc();
    codeOf(doc).insert(0, "same\n");
    metaOf(doc).set("language", "java");
    let updates = 0;
    doc.on("update", () => updates++);
    replaceCode(doc, "same\n", null, null);
    expect(updates).toBe(0);
    replaceCode(doc, "other\n", null, null);
    expect(codeOf(doc).toString()).toBe("other\n");
    expect(languageOf(doc)).toBe("java");
  });
});

describe("switchLanguage", () => {
  it("never deletes code: only the language changes", () => {
    const doc = new Y.Doc();
    codeOf(doc).insert(0, "print('hi')\n");
    metaOf(doc).set("language", "python");
    switchLanguage(doc, "java", null);
    expect(languageOf(doc)).toBe("java");
    expect(codeOf(doc).toString()).toBe("print('hi')\n");
  });

  it("puts the language's template into an empty (or blank) editor", () => {
    const doc = new Y.Doc();
    switchLanguage(doc, "c", null);
    expect(codeOf(doc).toString()).toBe(LANGUAGE_TEMPLATES.c);
    const blank = new Y.Doc();
    codeOf(blank).insert(0, "  \n\n");
    switchLanguage(blank, "java", null);
    expect(codeOf(blank).toString()).toBe(LANGUAGE_TEMPLATES.java);
  });

  it("is one transaction with the given origin (so it is undone as one step)", () => {
    const doc = new Y.Doc();
    const origin = { name: "workspace" };
    const origins: unknown[] = [];
    doc.on("afterTransaction", (tr: Y.Transaction) => origins.push(tr.origin));
    switchLanguage(doc, "cpp", origin);
    expect(origins).toEqual([origin]);
  });

  it("reads an unknown or missing language as null", () => {
    const doc = new Y.Doc();
    expect(languageOf(doc)).toBeNull();
    metaOf(doc).set("language", "cobol");
    expect(languageOf(doc)).toBeNull();
  });
});

describe("download file names", () => {
  it("names Java files after the public class, else Main.java", () => {
    expect(javaPublicClassName("public class Hello {\n}")).toBe("Hello");
    expect(javaPublicClassName("// public class Wrong\npublic final class Right {}")).toBe("Right");
    expect(javaPublicClassName("/* public class No */ class Helper {}")).toBeNull();
    expect(downloadFileName("java", "class A {}", "Loops")).toBe("Main.java");
    expect(downloadFileName("java", "import x;\npublic class Grades {}", "Loops")).toBe("Grades.java");
  });

  it("uses the language's extension and a safe name", () => {
    expect(downloadFileName("python", "", "Loops in Python — period 3")).toBe("loops-in-python-period-3.py");
    expect(downloadFileName("cpp", "", "Ünïcode!")).toBe("unicode.cpp");
    expect(downloadFileName("c", "", "///")).toBe("code.c");
    expect(fileSlug("A".repeat(100))).toHaveLength(60);
  });
});
