import { useCallback, useSyncExternalStore } from "react";
import type * as Y from "yjs";
import { languageOf, metaOf } from "../editor/code-document.ts";
import type { ProviderState, ProviderWatcher } from "./provider-state.ts";

/** The provider's connection state, re-rendering on change. */
export function useProviderState(watcher: ProviderWatcher): ProviderState {
  return useSyncExternalStore(watcher.subscribe, watcher.getSnapshot);
}

/** The document's language (`meta.language`), re-rendering when it changes. */
export function useDocumentLanguage(doc: Y.Doc) {
  const subscribe = useCallback(
    (listener: () => void) => {
      const meta = metaOf(doc);
      meta.observe(listener);
      return () => meta.unobserve(listener);
    },
    [doc],
  );
  return useSyncExternalStore(subscribe, () => languageOf(doc));
}
