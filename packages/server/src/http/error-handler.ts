import { ERRORS, type ErrorBody, type ErrorCode } from "@observer/protocol";
import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { AppError } from "../errors.ts";
import { isUnreachable } from "../storage/retry-write.ts";

/** Fastify's own errors that a client causes, mapped into our catalogue. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "body_too_large",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "unsupported_media_type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "malformed_json",
  FST_ERR_CTP_EMPTY_JSON_BODY: "malformed_json",
  FST_ERR_CTP_INVALID_JSON_BODY: "malformed_json",
  FST_ERR_RATE_LIMIT: "rate_limited",
};

/**
 * Redis or PostgreSQL unreachable (an outage, a restart): ioredis gave up on a command, or a
 * connection was refused or cut. The request may succeed in a moment: 503, not a bug's 500.
 */
export function isOutage(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === "MaxRetriesPerRequestError") return true;
  if (err.message === "Connection is closed.") return true;
  // A missing file is a bug (only a Unix socket's absence, on connect, is an outage).
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (code === "ENOENT" && syscall !== "connect") return false;
  // PostgreSQL as the saves see it: refused, cut, restarting, or no connection free in time.
  return isUnreachable(err);
}

export function sendError(reply: FastifyReply, error: AppError): FastifyReply {
  const body: ErrorBody = {
    error: { code: error.code, message: error.message, issues: error.issues },
  };
  return reply.status(error.status).type("application/json; charset=utf-8").send(body);
}

/** Turns every error into the one JSON shape `{error:{code,message}}`, in one place. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    if (err instanceof AppError) return sendError(reply, err);
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) return sendError(reply, new AppError(mapped));
    if (err.statusCode === 429) return sendError(reply, new AppError("rate_limited"));
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return sendError(
        reply,
        new AppError(err.statusCode === 413 ? "body_too_large" : "malformed_json", err.message),
      );
    }
    if (isOutage(err)) {
      request.log.warn({ err }, "a dependency did not answer");
      return sendError(reply, new AppError("dependency_unavailable"));
    }
    request.log.error({ err }, "unhandled error");
    return sendError(reply, new AppError("internal_error"));
  });
}

/** A 404 in the catalogue's shape for API paths. */
export function notFoundBody(): ErrorBody {
  return { error: { code: "not_found", message: ERRORS.not_found.message } };
}
