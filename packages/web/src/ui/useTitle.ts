import { useEffect } from "react";
import { setTitleBase } from "./title.ts";

/** Sets the tab title to "<title> · Observer" while the scene is shown (see title.ts for its badge). */
export function useTitle(title: string): void {
  useEffect(() => {
    setTitleBase(title);
  }, [title]);
}
