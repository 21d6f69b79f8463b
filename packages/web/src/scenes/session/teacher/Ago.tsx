import { formatSince } from "../../../ui/format.ts";
import { useNow } from "../../../ui/useNow.ts";

/** "edited 12 s ago" (or "no edits yet"), ticking on the shared clock. */
export function EditedAgo({ at }: { at: number | null }) {
  const now = useNow(5000);
  if (at === null) return <span>no edits yet</span>;
  return (
    <time dateTime={new Date(at).toISOString()} title={new Date(at).toLocaleString()}>
      edited {formatSince(at, now)}
    </time>
  );
}
