import type { ArchiveReply } from "@observer/protocol";
import type { Octokit } from "@octokit/rest";
import type { Actor } from "../auth/actor.ts";
import { studentCodes } from "../collab/document-code.ts";
import { sessionAccess } from "../commands/session-access.ts";
import type { Ctx } from "../context.ts";
import { AppError, fail } from "../errors.ts";
import { codeFileName, studentFolder } from "../export/export-names.ts";
import type { SessionViewRow } from "../presenters.ts";
import { listParticipants } from "../storage/participants.ts";
import { findSessionView } from "../storage/sessions.ts";
import { archiveMessage, archiveReadme } from "./commit-texts.ts";
import { githubConfig, githubFailure, githubStatus } from "./github-client.ts";
import { linkedGithub } from "./github-token.ts";

/**
 * Content sent in one tree request at most (GitHub writes each file's blob itself): a class's
 * code takes a few requests, not one blob request per student — GitHub's secondary rate limit
 * allows about 80 content-creating requests a minute.
 */
const TREE_BATCH_BYTES = 1024 * 1024;
/** How long a whole archive may take at GitHub. */
const ARCHIVE_TIMEOUT_MS = 120_000;

/** A file of the archive: its path in the repository and its content. */
export interface ArchiveFile {
  path: string;
  content: string;
}

/** `POST /api/sessions/:id/archive`: whoever manages the session, with their linked GitHub. */
export async function sessionArchiver(
  ctx: Ctx,
  actor: Actor,
  sessionId: string,
  body: { repo: string },
): Promise<ArchiveReply> {
  githubConfig(ctx);
  const { session, manage } = await sessionAccess(ctx, actor, sessionId);
  if (!manage) throw fail("forbidden", "Only the session's teacher archives it.");
  return archiveSession(ctx, session, actor.id, body.repo);
}

/** The archive's files: a folder per student with their code (named as in the export), and README.md. */
export async function archiveFiles(ctx: Ctx, session: SessionViewRow, at: Date): Promise<ArchiveFile[]> {
  const students = await listParticipants(ctx.db, session.id);
  const codes = await studentCodes(
    ctx.db,
    session,
    students.map((s) => s.user_id),
  );
  const files = students.map((student) => {
    const { code, language } = codes.get(student.user_id) ?? { code: "", language: session.language };
    return {
      name: student.name,
      path: `${studentFolder(student)}/${codeFileName(language, code)}`,
      content: code,
    };
  });
  const readme = archiveReadme(
    { name: session.name, language: session.language, teacherName: session.teacher_name },
    files,
    at,
  );
  return [{ path: "README.md", content: readme }, ...files.map(({ path, content }) => ({ path, content }))];
}

/**
 * Commits every student's code to `repoFullName` in ONE commit on its default branch (git data
 * API: the files' contents sent in a tree on top of the current one — a few chained tree
 * requests for a large class, see TREE_BATCH_BYTES — one commit whose parent is the current
 * head, then a fast-forward of the branch: never a force push). Files already in the
 * repository stay; those of the archive replace the ones at the same paths. An empty
 * repository first gets a README (GitHub's git data API needs a first commit). A repository
 * the linked account cannot write to is 409 `github_repo_not_writable`.
 */
export async function archiveSession(
  ctx: Ctx,
  session: SessionViewRow,
  userId: string,
  repoFullName: string,
): Promise<ArchiveReply> {
  const { octokit } = await linkedGithub(ctx, userId, ARCHIVE_TIMEOUT_MS);
  const [owner, repo] = repoFullName.split("/") as [string, string];
  const at = new Date();
  const files = await archiveFiles(ctx, session, at);
  const message = archiveMessage(session.name, files.length - 1, at);
  try {
    const { data } = await octokit.rest.repos.get({ owner, repo });
    if (data.permissions && !data.permissions.push) throw fail("github_repo_not_writable");
    const branch = data.default_branch;
    if ((await headOf(octokit, owner, repo, branch)) === null)
      await firstCommit(octokit, owner, repo, branch);
    // Once more if the branch moved meanwhile (someone pushed): still on top, never forced.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const commitUrl = await commitOnTop(octokit, { owner, repo, branch, message, files });
        ctx.log.info({ sessionId: session.id, repo: repoFullName, files: files.length }, "session archived");
        return { commitUrl, repo: `${owner}/${repo}`, files: files.length };
      } catch (err) {
        if (attempt > 0 || githubStatus(err) !== 422) throw err;
      }
    }
  } catch (err) {
    if (err instanceof AppError) throw err;
    const status = githubStatus(err);
    if (status === 403 || status === 404) throw fail("github_repo_not_writable");
    throw githubFailure(ctx, err, "archiving a session");
  }
}

/** The branch's head commit, or null when the repository is empty (GitHub: 409) or has no such branch. */
async function headOf(octokit: Octokit, owner: string, repo: string, branch: string): Promise<string | null> {
  try {
    const { data } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` });
    return data.object.sha;
  } catch (err) {
    const status = githubStatus(err);
    if (status === 409 || status === 404) return null;
    throw err;
  }
}

/** An empty repository's first commit (a README), through the contents API: the git data API needs one. */
async function firstCommit(octokit: Octokit, owner: string, repo: string, branch: string): Promise<void> {
  await octokit.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: "README.md",
    branch,
    message: "Start the Observer archive",
    content: Buffer.from(`# ${repo}\n\nArchives of Observer sessions.\n`).toString("base64"),
  });
}

/** The files in batches of at most `maxBytes` of content each (a larger file alone). */
export function treeBatches(files: readonly ArchiveFile[], maxBytes = TREE_BATCH_BYTES): ArchiveFile[][] {
  const batches: ArchiveFile[][] = [];
  let current: ArchiveFile[] = [];
  let bytes = 0;
  for (const file of files) {
    const size = Buffer.byteLength(file.content);
    if (current.length > 0 && bytes + size > maxBytes) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The trees and one commit on top of the branch's head, then the branch moved to it; the commit's html_url. */
async function commitOnTop(
  octokit: Octokit,
  props: { owner: string; repo: string; branch: string; message: string; files: readonly ArchiveFile[] },
): Promise<string> {
  const { owner, repo, branch } = props;
  const head = await headOf(octokit, owner, repo, branch);
  if (head === null) throw fail("github_error", "The repository's branch vanished while archiving.");
  const { data: headCommit } = await octokit.rest.git.getCommit({ owner, repo, commit_sha: head });
  // Each batch's tree on top of the one before: the last holds every file, over the head's tree.
  let tree = headCommit.tree.sha;
  for (const batch of treeBatches(props.files)) {
    const { data } = await octokit.rest.git.createTree({
      owner,
      repo,
      base_tree: tree,
      tree: batch.map((f) => ({
        path: f.path,
        mode: "100644" as const,
        type: "blob" as const,
        content: f.content,
      })),
    });
    tree = data.sha;
  }
  const { data: commit } = await octokit.rest.git.createCommit({
    owner,
    repo,
    message: props.message,
    tree,
    parents: [head],
  });
  await octokit.rest.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.sha, force: false });
  return commit.html_url;
}

/**
 * "Archive when the session ends": once its documents' last edits are saved (the end's grace
 * period and Hocuspocus' longest save delay), the ended session is archived to its
 * `archive_repo` with its teacher's GitHub, in the background. Failures are logged only.
 */
export function archiveWhenEnded(ctx: Ctx, sessionId: string): void {
  if (!ctx.config.github) return;
  const delayMs = ctx.config.live.sessionEndGraceMs + 3000;
  const timer = setTimeout(() => {
    void (async () => {
      const session = await findSessionView(ctx.db, sessionId);
      if (!session?.archive_on_end || !session.archive_repo) return;
      await archiveSession(ctx, session, session.teacher_id, session.archive_repo);
    })().catch((err: unknown) =>
      ctx.log.warn(
        { sessionId, code: err instanceof AppError ? err.code : undefined, message: (err as Error).message },
        "archiving the ended session failed",
      ),
    );
  }, delayMs);
  timer.unref();
}
