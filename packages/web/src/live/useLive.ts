import { useCallback, useSyncExternalStore } from "react";
import type * as Y from "yjs";
import { languageOf, metaOf } from "../editor/code-document.ts";
import type { ProviderState, ProviderWatcher } from "./provider-state.ts";

/** The provider's connection state, re-rendering on change. */
export function useProviderState(watcher: ProviderWatcher): ProviderState {
  return useSyncExternalStore(watcher.subscribe, watcher.getSnapshot);
}

const NO_STATE = () => () => {};

/** Like useProviderState, for a document that may not be open yet (null until it is). */
export function useOptionalProviderState(watcher: ProviderWatcher | null): ProviderState | null {
  return useSyncExternalStore(watcher?.subscribe ?? NO_STATE, () => watcher?.getSnapshot() ?? null);
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
