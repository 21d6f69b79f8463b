import { z } from "zod";
import { timestampSchema } from "./ids.ts";

/** Limits of the GitHub inputs. */
export const GITHUB_LIMITS = {
  /** GitHub's own limits: an owner login is at most 39 characters, a repository name 100. */
  ownerChars: 39,
  repoChars: 100,
} as const;

const REPO_NAME = /^[A-Za-z0-9._-]{1,100}$/;
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;

/** A repository name of one's own ("loops-lab"), as GitHub allows them. */
export const repoNameSchema = z
  .string()
  .trim()
  .refine(
    (s) => REPO_NAME.test(s) && s !== "." && s !== "..",
    "A repository name has letters, digits, '.', '-' and '_' only (at most 100).",
  );

/** A repository as `owner/name`. */
export const repoFullNameSchema = z
  .string()
  .trim()
  .refine((s) => {
    const [owner, name, ...rest] = s.split("/");
    return (
      rest.length === 0 &&
      OWNER.test(owner ?? "") &&
      REPO_NAME.test(name ?? "") &&
      name !== "." &&
      name !== ".."
    );
  }, "Give the repository as owner/name, such as my-school/loops-lab.");

/** Whether GitHub is set up on this server and, for the caller, which GitHub account is linked. */
export const githubStatusReplySchema = z.object({
  enabled: z.boolean(),
  linked: z
    .object({
      login: z.string(),
      linkedAt: timestampSchema,
      /** The OAuth scopes GitHub granted. */
      scopes: z.array(z.string()),
    })
    .nullable(),
});
export type GithubStatusReply = z.infer<typeof githubStatusReplySchema>;

/** `POST /api/auth/github/link`: where to send the browser to link GitHub to the logged-in account. */
export const githubLinkReplySchema = z.object({ url: z.string() });
export type GithubLinkReply = z.infer<typeof githubLinkReplySchema>;

/** `GET /api/auth/github/callback`'s query, as GitHub sends it back. */
export const githubCallbackQuerySchema = z.object({
  code: z.string().max(200).optional(),
  state: z.string().max(200).optional(),
  error: z.string().max(200).optional(),
  error_description: z.string().max(1000).optional(),
});

/** `POST /api/sessions/:id/github/save` (a student): optionally the repository's name (default from the session). */
export const githubSaveBodySchema = z.strictObject({ repo: repoNameSchema.optional() });
export type GithubSaveBody = z.input<typeof githubSaveBodySchema>;

export const githubSaveReplySchema = z.object({
  commitUrl: z.string(),
  /** `owner/name` of the repository committed to. */
  repo: z.string(),
  /** The file committed, e.g. `main.py`. */
  path: z.string(),
  /** Whether the repository was created by this save. */
  created: z.boolean(),
});
export type GithubSaveReply = z.infer<typeof githubSaveReplySchema>;

/** `POST /api/sessions/:id/archive` (the teacher). */
export const archiveBodySchema = z.strictObject({ repo: repoFullNameSchema });
export type ArchiveBody = z.input<typeof archiveBodySchema>;

export const archiveReplySchema = z.object({
  commitUrl: z.string(),
  repo: z.string(),
  /** How many files the commit holds (each student's code and the README). */
  files: z.number().int().nonnegative(),
});
export type ArchiveReply = z.infer<typeof archiveReplySchema>;
