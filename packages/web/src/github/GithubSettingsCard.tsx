import { useSearchParams } from "react-router";
import { api } from "../api/client.ts";
import { Alert } from "../ui/Alert.tsx";
import { Button } from "../ui/Button.tsx";
import { Card } from "../ui/Card.tsx";
import { ErrorAlert } from "../ui/ErrorAlert.tsx";
import { useAction } from "../ui/useAction.ts";
import { GithubMark } from "./GithubMark.tsx";
import { startGithubLink, useGithubStatus } from "./useGithubStatus.ts";

const linkedOn = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/**
 * The settings' GitHub card: link a GitHub account (to sign in with it and save code there) or
 * unlink it (its token is revoked at GitHub). Nothing when GitHub is not set up on this server.
 */
export function GithubSettingsCard() {
  const status = useGithubStatus();
  const action = useAction();
  const [params] = useSearchParams();
  if (!status.data?.enabled) return null;
  const linked = status.data.linked;
  return (
    <Card title="GitHub">
      <div className="space-y-4 text-sm text-slate-600 dark:text-slate-300">
        {params.get("github") === "linked" && linked && (
          <Alert tone="success">Your GitHub account @{linked.login} is linked.</Alert>
        )}
        {linked ? (
          <p>
            Linked to <strong className="text-slate-900 dark:text-white">@{linked.login}</strong> since{" "}
            {linkedOn.format(new Date(linked.linkedAt))}. You can sign in with GitHub
            {linked.scopes.includes("repo") ? " and save code to your repositories" : ""}.
          </p>
        ) : (
          <p>
            Link your GitHub account to sign in with it, save your code to your own repository and archive a
            class to GitHub.
          </p>
        )}
        <ErrorAlert error={action.error} />
        {linked ? (
          <Button
            variant="secondary"
            busy={action.busy}
            onClick={() =>
              void action.run(async () => {
                await api.call("githubUnlink");
                await status.reload();
              })
            }
          >
            Unlink GitHub
          </Button>
        ) : (
          <Button busy={action.busy} onClick={() => void action.run(startGithubLink, { leaving: true })}>
            <GithubMark />
            Link GitHub
          </Button>
        )}
      </div>
    </Card>
  );
}
