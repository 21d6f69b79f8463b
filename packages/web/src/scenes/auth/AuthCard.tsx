import type { ReactNode } from "react";
import { Link } from "react-router";
import { PageHeading } from "../../ui/Layout.tsx";

/** The narrow centred card that holds the login and sign-up forms. */
export function AuthCard({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="mx-auto w-full max-w-md">
      <div className="mb-6 text-center">
        <PageHeading>{title}</PageHeading>
        {subtitle && <p className="mt-2 text-slate-600 dark:text-slate-400">{subtitle}</p>}
      </div>
      <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:p-8 dark:border-slate-800 dark:bg-slate-900">
        {children}
      </div>
    </div>
  );
}

/** The line under an auth form that leads to the other one: "No account yet? Create an account". */
export function AuthSwitch({
  question,
  to,
  children,
}: {
  question: string;
  to: string;
  children: ReactNode;
}) {
  return (
    <p className="mt-6 text-center text-sm text-slate-600 dark:text-slate-400">
      {question}{" "}
      <Link to={to} className="font-semibold text-indigo-700 hover:underline dark:text-indigo-300">
        {children}
      </Link>
    </p>
  );
}
