import type { ReactNode } from "react";

/** A titled panel; the title is the section's heading (for `getByRole("region")` too). */
export function Card({
  title,
  actions,
  children,
  className = "",
  titleId,
}: {
  title?: string;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  titleId?: string;
}) {
  const headingId = title
    ? (titleId ?? `card-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`)
    : undefined;
  return (
    <section
      aria-labelledby={headingId}
      className={`rounded-xl border border-slate-200 bg-white p-5 shadow-sm sm:p-6 dark:border-slate-800 dark:bg-slate-900 ${className}`}
    >
      {(title || actions) && (
        <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
          {title && (
            <h2 id={headingId} className="text-lg font-semibold text-slate-900 dark:text-white">
              {title}
            </h2>
          )}
          {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
        </div>
      )}
      {children}
    </section>
  );
}
