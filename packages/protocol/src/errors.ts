import { z } from "zod";

/**
 * The error catalogue: every error code the API can return, with its HTTP status and a
 * default message. The server raises errors only through this list; docs/API.md documents
 * every entry (a test checks it).
 */
export const ERRORS = {
  validation_failed: { status: 422, message: "The request is invalid." },
  language_locked: {
    status: 422,
    message: "Your teacher has locked the language of this session: run your code in it.",
  },
  malformed_json: { status: 400, message: "The request body is not valid JSON." },
  oauth_state_invalid: {
    status: 400,
    message: "This sign-in link is invalid, expired or was already used. Start again.",
  },
  invalid_encoding: { status: 400, message: "The request body is not valid UTF-8." },
  unsupported_media_type: { status: 415, message: "Send the request body as application/json." },
  body_too_large: { status: 413, message: "The request body is too large." },
  code_too_large: { status: 413, message: "The code is too large to run." },
  not_authenticated: { status: 401, message: "Log in to continue." },
  token_invalid: { status: 401, message: "Your login is invalid or has expired." },
  refresh_token_invalid: { status: 401, message: "Your login has expired. Log in again." },
  refresh_token_reused: {
    status: 401,
    message: "This login was used twice and has been revoked. Log in again.",
  },
  invalid_credentials: { status: 401, message: "The email or password is wrong." },
  account_deactivated: { status: 403, message: "This account has been deactivated." },
  forbidden: { status: 403, message: "You are not allowed to do this." },
  runs_disabled: { status: 403, message: "Your teacher has paused running programs for now." },
  setup_token_required: {
    status: 403,
    message:
      "The first account of this server needs the setup token. Find it in the server log or in the file setup-token in its data folder.",
  },
  origin_not_allowed: { status: 403, message: "This request came from another site and was refused." },
  teacher_signup_closed: { status: 403, message: "Teacher sign-up is closed here. Ask an administrator." },
  teachers_only: { status: 403, message: "Only teachers can do this." },
  students_only: { status: 403, message: "Only students can join sessions." },
  own_role_change: { status: 403, message: "You cannot change your own role or deactivate yourself." },
  ai_disabled: { status: 403, message: "AI help is off in this session." },
  not_found: { status: 404, message: "Not found." },
  github_disabled: { status: 404, message: "GitHub is not set up on this server." },
  session_not_found: { status: 404, message: "No session has this join code." },
  email_taken: { status: 409, message: "An account with this email already exists." },
  hand_resolved: { status: 409, message: "This hand has already been resolved or lowered." },
  ai_not_configured: {
    status: 409,
    message: "Your teacher has not set up AI help yet (Settings: provider, model and API key).",
  },
  github_not_linked: { status: 409, message: "Link your GitHub account first (Settings)." },
  github_account_taken: {
    status: 409,
    message: "This GitHub account is already linked to another Observer account.",
  },
  github_repo_not_writable: {
    status: 409,
    message: "Your GitHub account cannot write to this repository. Check its name and your access.",
  },
  session_ended: { status: 410, message: "This session has ended." },
  rate_limited: { status: 429, message: "Too many requests. Wait a moment and try again." },
  ai_limit_reached: {
    status: 429,
    message: "You have asked the AI as often as your teacher allows this hour. Try again later.",
  },
  login_throttled: { status: 429, message: "Too many failed logins for this account. Wait a few minutes." },
  internal_error: { status: 500, message: "Something went wrong on the server." },
  ai_provider_error: { status: 502, message: "The AI service did not answer. Try again in a moment." },
  github_error: { status: 502, message: "GitHub did not answer as expected. Try again in a moment." },
  storage_quota_exceeded: {
    status: 507,
    message: "Your storage for this session is full: your code is saved, but no more runs can be kept.",
  },
  sandbox_unavailable: { status: 503, message: "Programs cannot run on this server right now." },
  language_unavailable: { status: 503, message: "This language is not installed on this server." },
  service_unavailable: { status: 503, message: "The server is shutting down or not ready." },
  dependency_unavailable: {
    status: 503,
    message: "The server cannot reach its database or Redis right now. Try again in a moment.",
  },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as ErrorCode[];

/**
 * Options of a schema refinement whose failure is its own error rather than a 422
 * (e.g. `code_too_large`): `.refine(check, { message, ...answersWith("code_too_large") })`.
 */
export const answersWith = (code: ErrorCode) => ({ params: { errorCode: code } });

/** The JSON shape of every error reply. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** For validation errors: which fields are wrong and why. */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;
