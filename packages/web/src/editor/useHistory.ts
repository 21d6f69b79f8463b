import { useCallback, useSyncExternalStore } from "react";
import type { CollabEditor } from "./collab-editor.ts";

/** Whether the other user (the teacher) has a change that can be undone in this editor. */
export function useCanUndoOther(editor: CollabEditor | null): boolean {
  const subscribe = useCallback(
    (listener: () => void) => (editor ? editor.history.subscribe(listener) : () => {}),
    [editor],
  );
  return useSyncExternalStore(subscribe, () => editor?.history.canUndoOther() ?? false);
}
