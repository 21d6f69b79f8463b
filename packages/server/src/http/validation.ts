import { ERRORS, type ErrorCode, isUuid } from "@observer/protocol";
import type { z } from "zod";
import { fail } from "../errors.ts";

/** Validates input against a protocol schema; failures become 422 with one issue per field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  // A refinement that answers with its own error (see answersWith) wins over the 422.
  for (const issue of result.error.issues) {
    const code = issue.code === "custom" ? issue.params?.errorCode : undefined;
    if (typeof code === "string" && code in ERRORS) throw fail(code as ErrorCode, issue.message);
  }
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.join(".") || "(body)",
    message:
      issue.code === "unrecognized_keys"
        ? `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}.`
        : issue.code === "invalid_type" && issue.input === undefined
          ? "This field is required."
          : issue.message,
  }));
  throw fail("validation_failed", issues.map((i) => `${i.path}: ${i.message}`).join(" "), issues);
}

/** A path id that is not a UUID names nothing: 404, never a database error. */
export function uuidParam(params: unknown, name = "id"): string {
  const value = (params as Record<string, unknown>)[name];
  if (!isUuid(value)) throw fail("not_found");
  return value.toLowerCase();
}
