import { ButtonLink } from "../ui/Button.tsx";
import { useTitle } from "../ui/useTitle.ts";

/** Shown on a page the user's role may not open. */
export function NotAllowed() {
  useTitle("Not allowed");
  return (
    <div className="mx-auto max-w-lg py-10 text-center">
      <h1 className="text-2xl font-bold text-slate-900 dark:text-white">You can't open this page</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">Your account does not have access to it.</p>
      <ButtonLink to="/" className="mt-8">
        Go to the home page
      </ButtonLink>
    </div>
  );
}
