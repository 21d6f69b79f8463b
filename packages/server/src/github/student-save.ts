import type { GithubSaveReply } from "@observer/protocol";
import type { Octokit } from "@octokit/rest";
import type { Actor } from "../auth/actor.ts";
import { studentCodes } from "../collab/document-code.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { fail } from "../errors.ts";
import { codeFileName } from "../export/export-names.ts";
import { recordStudentSave, studentRepoOf } from "../storage/github-repos.ts";
import { defaultRepoName, saveMessage } from "./commit-texts.ts";
import { githubConfig, githubFailure, githubStatus } from "./github-client.ts";
import { linkedGithub } from "./github-token.ts";

/**
 * "Save to GitHub" (`POST /api/sessions/:id/github/save`): a member student's current code
 * (as last saved, under the name the export gives it) committed to their own repository with
 * the contents API: the repository named in the body, or the one they saved to before, or
 * `observer-<session>`; created private when missing. Each save is a new commit.
 */
export async function studentSaver(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  body: { repo?: string | undefined },
): Promise<GithubSaveReply> {
  githubConfig(ctx);
  const { session, manage } = await sessionAccess(ctx, actor, sessionId);
  if (manage) throw fail("forbidden", "Students save their own code; the teacher archives the session.");
  const { account, octokit } = await linkedGithub(ctx, actor.id);
  const remembered = await studentRepoOf(ctx.db, session.id, actor.id);
  const name = body.repo ?? remembered?.split("/")[1] ?? defaultRepoName(session.name);
  const owner = account.login;
  const { code, language } = (await studentCodes(ctx.db, session, [actor.id])).get(actor.id) ?? {
    code: session.starter_code,
    language: session.language,
  };
  const path = codeFileName(language, code);
  try {
    const created = await ensureRepository(octokit, owner, name, session.name);
    const existing = await fileSha(octokit, owner, name, path);
    const { data } = await octokit.rest.repos.createOrUpdateFileContents({
      owner,
      repo: name,
      path,
      message: saveMessage(path, session.name, new Date()),
      content: Buffer.from(code, "utf8").toString("base64"),
      ...(existing ? { sha: existing } : {}),
    });
    const commitUrl = data.commit.html_url ?? "";
    const repo = `${owner}/${name}`;
    await recordStudentSave(ctx.db, { sessionId: session.id, userId: actor.id, repo, commitUrl });
    ctx.log.info({ sessionId: session.id, userId: actor.id, repo, created }, "code saved to GitHub");
    return { commitUrl, repo, path, created };
  } catch (err) {
    const status = githubStatus(err);
    if (status === 403 || status === 404) throw fail("github_repo_not_writable");
    throw githubFailure(ctx, err, "saving a student's code");
  }
}

/** Makes sure the student's repository exists (private when created); true when this call created it. */
async function ensureRepository(octokit: Octokit, owner: string, name: string, sessionName: string) {
  try {
    const { data } = await octokit.rest.repos.get({ owner, repo: name });
    if (data.permissions && !data.permissions.push) throw fail("github_repo_not_writable");
    return false;
  } catch (err) {
    if (githubStatus(err) !== 404) throw err;
  }
  try {
    await octokit.rest.repos.createForAuthenticatedUser({
      name,
      private: true,
      description: `My code from the Observer session “${sessionName}”`,
      auto_init: false,
    });
    return true;
  } catch (err) {
    // Created meanwhile by another save: use it.
    if (githubStatus(err) === 422) return false;
    throw err;
  }
}

/** The blob sha of a file on the default branch (needed to replace it), or null when there is none. */
async function fileSha(octokit: Octokit, owner: string, repo: string, path: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.repos.getContent({ owner, repo, path });
    return !Array.isArray(data) && data.type === "file" ? data.sha : null;
  } catch (err) {
    if (githubStatus(err) === 404) return null;
    throw err;
  }
}
