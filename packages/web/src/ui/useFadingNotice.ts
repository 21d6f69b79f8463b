import { useEffect, useState } from "react";

/** A notice that clears itself after `ms` (default 8 s): `[notice, setNotice]`. */
export function useFadingNotice(ms = 8000) {
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), ms);
    return () => clearTimeout(timer);
  }, [notice, ms]);
  return [notice, setNotice] as const;
}
