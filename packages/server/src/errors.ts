import { ERRORS, type ErrorCode } from "@observer/protocol";

export interface ErrorIssue {
  path: string;
  message: string;
}

/** An error with a stable code from the catalogue in @observer/protocol; the HTTP status comes from there. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly issues?: ErrorIssue[],
  ) {
    super(message ?? ERRORS[code].message);
    this.status = ERRORS[code].status;
  }
}

/** Shorthand factory: `throw fail("forbidden")`. */
export function fail(code: ErrorCode, message?: string, issues?: ErrorIssue[]): AppError {
  return new AppError(code, message, issues);
}
