import { LANGUAGE_INFO, type Language } from "@observer/protocol";

/** The name of the first `public class` (or interface, enum, record) in Java code, if any. */
export function javaPublicClassName(code: string): string | null {
  const withoutComments = code.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, " ");
  const match =
    /\bpublic\s+(?:(?:abstract|final|static|sealed|non-sealed|strictfp)\s+)*(?:class|interface|enum|record)\s+([A-Za-z_$][\w$]*)/.exec(
      withoutComments,
    );
  return match?.[1] ?? null;
}

/** A file name fit for any OS from free text ("Loops — period 3" -> "loops-period-3"). */
export function fileSlug(text: string): string {
  return (
    text
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "code"
  );
}

/**
 * The file name for downloading code: Java must be named after its public class (else
 * `Main.java`, the class our template declares); other languages take `baseName`.
 */
export function downloadFileName(language: Language, code: string, baseName: string): string {
  const { extension } = LANGUAGE_INFO[language];
  if (language === "java") return `${javaPublicClassName(code) ?? "Main"}.${extension}`;
  return `${fileSlug(baseName)}.${extension}`;
}

/** Saves `code` as a file through the browser's download. */
export function downloadCode(fileName: string, code: string): void {
  saveBlob(new Blob([code], { type: "text/plain;charset=utf-8" }), fileName);
}

/** Hands a blob to the browser's download as `fileName` (an object URL and an `<a download>`). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // Long enough for the browser to start saving a large file.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
