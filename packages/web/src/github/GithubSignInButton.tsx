import { api } from "../api/client.ts";
import { useQuery } from "../api/useQuery.ts";
import { buttonClasses } from "../ui/Button.tsx";
import { GithubMark } from "./GithubMark.tsx";

/**
 * "Sign in with GitHub" under the login form, when GitHub is set up on this server (nothing
 * otherwise). A plain link: the browser goes to GitHub and comes back logged in.
 */
export function GithubSignInButton() {
  const config = useQuery("config", () => api.call("config"));
  if (!config.data?.github) return null;
  return (
    <div className="mt-5 space-y-3">
      <div className="flex items-center gap-3 text-xs text-slate-500 dark:text-slate-400" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
        or
        <span className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
      </div>
      <a href="/api/auth/github" className={buttonClasses("secondary", "w-full")}>
        <GithubMark />
        Sign in with GitHub
      </a>
    </div>
  );
}
