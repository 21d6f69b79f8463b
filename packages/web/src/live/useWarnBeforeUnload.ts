import { useEffect } from "react";

/** Closing the tab with changes the server has not acknowledged yet: the browser asks first. */
export function useWarnBeforeUnload(live: { readonly hasUnsavedEdits: boolean }): void {
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (live.hasUnsavedEdits) event.preventDefault();
    };
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [live]);
}
