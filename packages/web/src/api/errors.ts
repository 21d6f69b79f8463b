import { errorBodySchema } from "@observer/protocol";

/** One field-level problem reported by the API (`path` is e.g. `email`). */
export interface ApiIssue {
  path: string;
  message: string;
}

/**
 * Every failed API call becomes an ApiError: the HTTP status (0 when the server could not be
 * reached), the API's stable snake_case `code`, a message fit to show, and field issues.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly issues: ApiIssue[];

  constructor(status: number, code: string, message: string, issues: ApiIssue[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.issues = issues;
  }

  /** The message of the issue for one field, if the API reported one. */
  issueFor(path: string): string | undefined {
    return this.issues.find((issue) => issue.path === path)?.message;
  }

  /** Issues that belong to no field of a form listing `fields`: shown above the form. */
  otherIssues(fields: readonly string[]): ApiIssue[] {
    return this.issues.filter((issue) => !fields.includes(issue.path));
  }
}

/** Builds an ApiError from a failed reply, whatever its body holds. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // Not JSON (a proxy's HTML page, an empty body): fall back to the status text below.
  }
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success) {
    const { code, message, issues } = parsed.data.error;
    return new ApiError(response.status, code, message, issues ?? []);
  }
  const message =
    response.status >= 500
      ? "The server had a problem. Try again in a moment."
      : `The request failed (${response.status} ${response.statusText}).`;
  return new ApiError(response.status, "http_error", message);
}

/** The error for a request that never got an answer (offline, server down). */
export function networkError(cause: unknown): ApiError {
  const error = new ApiError(
    0,
    "network_error",
    "Cannot reach the server. Check your connection and try again.",
  );
  error.cause = cause;
  return error;
}

/** Any thrown value as a message fit to show to the user. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return "Something went wrong.";
}
