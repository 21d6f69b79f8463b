import type { ReactNode } from "react";
import { formatWhen } from "./format.ts";

const TH =
  "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400";

/** The classes of a table cell; the first and last column add the card's padding (see Table). */
export const TD = "px-3 py-3 align-middle";

/** A table that spans its card's width (scrolling sideways on a narrow screen), with one header row. */
export function Table({ headers, children }: { headers: readonly string[]; children: ReactNode }) {
  const last = headers.length - 1;
  return (
    <div className="-mx-5 overflow-x-auto sm:-mx-6">
      <table className="min-w-full text-sm">
        <thead className="border-b border-slate-200 dark:border-slate-800">
          <tr>
            {headers.map((header, i) => (
              <th
                key={header}
                className={i === 0 ? `${TH} pl-5 sm:pl-6` : i === last ? `${TH} pr-5 sm:pr-6` : TH}
              >
                {header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-800">{children}</tbody>
      </table>
    </div>
  );
}

/** The last cell of a row: when the thing was created. */
export function CreatedCell({ at }: { at: string }) {
  return (
    <td className={`${TD} pr-5 whitespace-nowrap text-slate-500 sm:pr-6 dark:text-slate-400`}>
      {formatWhen(at)}
    </td>
  );
}
