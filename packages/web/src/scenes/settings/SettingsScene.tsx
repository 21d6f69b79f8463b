import { useAuth } from "../../auth/auth-context.ts";
import { GithubSettingsCard } from "../../github/GithubSettingsCard.tsx";
import { PageTitle } from "../../ui/Layout.tsx";
import { useTitle } from "../../ui/useTitle.ts";
import { AiSettingsCard } from "./AiSettingsCard.tsx";

/**
 * `/settings`: a list of cards, one per service the user connects — AI help (teachers, admins)
 * and GitHub (everyone, when it is set up on this server).
 */
export function SettingsScene() {
  useTitle("Settings");
  const { user } = useAuth();
  const teaches = user !== null && user.role !== "student";
  return (
    <>
      <PageTitle
        title="Settings"
        subtitle={teaches ? "The services your sessions use." : "The services you connect to Observer."}
      />
      <div className="space-y-6 sm:space-y-8">
        {teaches && <AiSettingsCard />}
        <GithubSettingsCard />
      </div>
    </>
  );
}
