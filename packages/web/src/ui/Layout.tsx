import type { ReactNode } from "react";
import { Outlet } from "react-router";
import { Header } from "./Header.tsx";
import { useColumnClass, useMainPaddingClass } from "./useWideLayout.ts";

/** Every page: a skip link, the header, and the page in a centred column. */
export function Layout() {
  const column = useColumnClass();
  const padding = useMainPaddingClass();
  return (
    <>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded-md focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-indigo-700 focus:shadow"
      >
        Skip to content
      </a>
      <Header />
      <main id="main" className={`mx-auto w-full ${column} px-4 sm:px-6 ${padding}`}>
        <Outlet />
      </main>
    </>
  );
}

/** A page's main heading with an optional line under it. */
export function PageTitle({ title, subtitle }: { title: string; subtitle?: ReactNode }) {
  return (
    <div className="mb-6 sm:mb-8">
      <PageHeading>{title}</PageHeading>
      {subtitle && <div className="mt-1 text-slate-600 dark:text-slate-400">{subtitle}</div>}
    </div>
  );
}

/** A page's h1, styled the same on every page. */
export function PageHeading({ children }: { children: ReactNode }) {
  return (
    <h1 className="text-2xl font-bold tracking-tight text-slate-900 sm:text-3xl dark:text-white">
      {children}
    </h1>
  );
}
