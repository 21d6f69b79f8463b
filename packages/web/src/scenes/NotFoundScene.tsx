import { ButtonLink } from "../ui/Button.tsx";
import { useTitle } from "../ui/useTitle.ts";

/** Any path the app does not know. */
export function NotFoundScene() {
  useTitle("Page not found");
  return (
    <div className="mx-auto max-w-lg py-10 text-center">
      <p className="font-mono text-6xl font-bold text-indigo-600 dark:text-indigo-400">404</p>
      <h1 className="mt-4 text-2xl font-bold text-slate-900 dark:text-white">Page not found</h1>
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        There is nothing at this address. Check the link, or start again from the home page.
      </p>
      <ButtonLink to="/" className="mt-8">
        Go to the home page
      </ButtonLink>
    </div>
  );
}
