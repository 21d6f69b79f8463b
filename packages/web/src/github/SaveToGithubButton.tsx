import type { GithubSaveReply } from "@observer/protocol";
import { useState } from "react";
import { Link } from "react-router";
import { api } from "../api/client.ts";
import { Button } from "../ui/Button.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { useAction } from "../ui/useAction.ts";
import { CommitLink } from "./CommitLink.tsx";
import { GithubMark } from "./GithubMark.tsx";
import { useGithubStatus } from "./useGithubStatus.ts";

/**
 * The student's "Save to GitHub": commits their current code to their own repository (made
 * private the first time) and shows the commit. Without a linked account it says where to
 * link one; without GitHub on this server, nothing.
 */
export function SaveToGithubButton({ sessionId }: { sessionId: string }) {
  const status = useGithubStatus();
  const action = useAction();
  const [saved, setSaved] = useState<GithubSaveReply | null>(null);
  if (!status.data?.enabled) return null;
  if (!status.data.linked) {
    return (
      <Link
        to="/settings"
        className="text-sm text-slate-600 underline-offset-2 hover:underline dark:text-slate-300"
        title="Link your GitHub account to save your code there"
      >
        Link GitHub to save there
      </Link>
    );
  }
  const save = () =>
    action.run(async () => {
      setSaved(null);
      setSaved(await api.call("githubSave", { params: { id: sessionId }, body: {} }));
    });
  return (
    <div className="flex flex-col items-end gap-1.5">
      <Button variant="secondary" busy={action.busy} onClick={() => void save()}>
        <GithubMark />
        Save to GitHub
      </Button>
      {saved && !action.busy && (
        <p className="text-sm text-slate-600 dark:text-slate-300" data-testid="github-saved">
          Saved {saved.path} to {saved.repo}
          {saved.created ? " (new private repository)" : ""}:{" "}
          <CommitLink url={saved.commitUrl}>see the commit</CommitLink>
        </p>
      )}
      <ErrorAlert error={action.error} className="py-2" />
    </div>
  );
}
