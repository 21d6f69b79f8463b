import { z } from "zod";

/** Languages a session can use, by their stable API names. */
export const LANGUAGES = ["python", "javascript", "c", "cpp", "java"] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

/** Whether a value (from a document's metadata, say) names a language. */
export const isLanguage = (value: unknown): value is Language =>
  typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);

/** Human labels and file extensions for each language. */
export const LANGUAGE_INFO: Record<Language, { label: string; extension: string; monacoId: string }> = {
  python: { label: "Python", extension: "py", monacoId: "python" },
  javascript: { label: "JavaScript", extension: "js", monacoId: "javascript" },
  c: { label: "C", extension: "c", monacoId: "c" },
  cpp: { label: "C++", extension: "cpp", monacoId: "cpp" },
  java: { label: "Java", extension: "java", monacoId: "java" },
};
