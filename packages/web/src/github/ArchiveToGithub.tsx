import { type ArchiveReply, repoFullNameSchema, type Session } from "@observer/protocol";
import { type FormEvent, useId, useState } from "react";
import { Link } from "react-router";
import { api } from "../api/client.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { TextField } from "../ui/fields.tsx";
import { useAction } from "../ui/useAction.ts";
import { CommitLink } from "./CommitLink.tsx";
import { GithubMark } from "./GithubMark.tsx";
import { useGithubStatus } from "./useGithubStatus.ts";

/**
 * The teacher's "Archive to GitHub": every student's code in one commit to a repository they
 * can write to (a folder per student and a README), now or when the session ends. Without a
 * linked account it says where to link one; without GitHub on this server, nothing.
 */
export function ArchiveToGithub({
  session,
  onChanged,
}: {
  session: Session;
  onChanged: (session: Session) => void;
}) {
  const status = useGithubStatus();
  const archive = useAction();
  const option = useAction();
  const [open, setOpen] = useState(false);
  const [repo, setRepo] = useState(session.archiveRepo ?? "");
  const [done, setDone] = useState<ArchiveReply | null>(null);
  const formId = useId();
  if (!status.data?.enabled) return null;
  const parsed = repoFullNameSchema.safeParse(repo);
  const repoError = repo === "" || parsed.success ? undefined : parsed.error.issues[0]?.message;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!parsed.success) return;
    void archive.run(async () => {
      setDone(null);
      setDone(await api.call("archiveSession", { params: { id: session.id }, body: { repo: parsed.data } }));
    });
  };
  const setArchiveOnEnd = (on: boolean) =>
    option.run(async () => {
      const { session: updated } = await api.call("updateSession", {
        params: { id: session.id },
        body:
          on && parsed.success ? { archiveOnEnd: true, archiveRepo: parsed.data } : { archiveOnEnd: false },
      });
      onChanged(updated);
    });

  if (!open) {
    return (
      <Button variant="secondary" onClick={() => setOpen(true)} aria-expanded={false}>
        <GithubMark />
        Archive to GitHub
      </Button>
    );
  }
  return (
    <section
      aria-labelledby={`${formId}-title`}
      className="w-full rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-3 flex items-center justify-between gap-3">
        <h2 id={`${formId}-title`} className="font-semibold text-slate-900 dark:text-white">
          Archive to GitHub
        </h2>
        <Button variant="ghost" onClick={() => setOpen(false)}>
          Close
        </Button>
      </div>
      {!status.data.linked ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">
          <Link to="/settings" className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
            Link your GitHub account
          </Link>{" "}
          first: the archive is committed as you.
        </p>
      ) : (
        <form onSubmit={submit} className="space-y-3" aria-label="Archive to GitHub">
          <TextField
            label="Repository (owner/name)"
            name="repo"
            value={repo}
            placeholder={`${status.data.linked.login}/class-archive`}
            onChange={(e) => setRepo(e.target.value)}
            error={repoError}
            hint="Every student's code goes in one commit, a folder per student, with a README listing them."
            autoComplete="off"
            spellCheck={false}
          />
          <label className="flex items-center gap-2 text-sm text-slate-700 dark:text-slate-200">
            <input
              type="checkbox"
              checked={session.archiveOnEnd}
              disabled={
                option.busy || (!session.archiveOnEnd && !parsed.success) || session.status === "ended"
              }
              onChange={(e) => void setArchiveOnEnd(e.target.checked)}
            />
            Archive when the session ends
            {session.archiveOnEnd && session.archiveRepo ? ` (to ${session.archiveRepo})` : ""}
          </label>
          <ErrorAlert error={option.error} className="py-2" />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" busy={archive.busy} disabled={!parsed.success}>
              {archive.busy ? `Archiving ${session.participantCount} students…` : "Archive now"}
            </Button>
            {done && !archive.busy && (
              <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="github-archived">
                Archived {done.files} files to {done.repo}:{" "}
                <CommitLink url={done.commitUrl}>see the commit</CommitLink>
              </p>
            )}
          </div>
          <ErrorAlert error={archive.error} className="py-2" />
        </form>
      )}
    </section>
  );
}
