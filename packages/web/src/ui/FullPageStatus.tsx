import { Button } from "./Button.tsx";
import { Spinner } from "./Spinner.tsx";

/** A centred message filling the page: start-up loading, or the server unreachable with a retry. */
export function FullPageStatus({
  message,
  busy = false,
  action,
}: {
  message: string;
  busy?: boolean;
  action?: { label: string; onClick: () => void };
}) {
  return (
    <div
      role={busy ? "status" : "alert"}
      className="flex min-h-[50vh] flex-col items-center justify-center gap-4 px-4 text-center text-slate-600 dark:text-slate-300"
    >
      {busy && <Spinner className="size-8 text-indigo-500" />}
      <p className="max-w-md text-base">{message}</p>
      {action && <Button onClick={action.onClick}>{action.label}</Button>}
    </div>
  );
}
