import { useEffect, useState } from "react";

type HighlightModule = typeof import("../../../editor/highlight.ts");

let loading: Promise<HighlightModule> | null = null;
let loaded: HighlightModule | null = null;

/** Monaco's tokenizers for the tiles, loaded in the background (tiles show plain text until then). */
function load(): Promise<HighlightModule> {
  loading ??= import("../../../editor/highlight.ts").then(async (module) => {
    await module.warmUpLanguages();
    loaded = module;
    return module;
  });
  return loading;
}

/** The highlighter once it is ready, else null. */
export function useHighlighter(): HighlightModule | null {
  const [module, setModule] = useState<HighlightModule | null>(loaded);
  useEffect(() => {
    if (module) return;
    let alive = true;
    void load().then((m) => {
      if (alive) setModule(m);
    });
    return () => {
      alive = false;
    };
  }, [module]);
  return module;
}
