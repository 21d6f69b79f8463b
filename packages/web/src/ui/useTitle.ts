import { useEffect } from "react";

/** Sets the tab title to "<title> · Observer" while the scene is shown. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Observer` : "Observer";
  }, [title]);
}
