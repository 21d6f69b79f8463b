import { useEffect, useState } from "react";
import {
  applyPreference,
  nextPreference,
  readPreference,
  storePreference,
  type ThemePreference,
  watchSystemScheme,
} from "./theme.ts";

const LABELS: Record<ThemePreference, string> = { system: "System", light: "Light", dark: "Dark" };

/** Header button cycling the theme system → light → dark; the choice is remembered. */
export function ThemeToggle() {
  const [preference, setPreference] = useState<ThemePreference>(readPreference);

  useEffect(() => {
    applyPreference(preference);
    if (preference !== "system") return;
    return watchSystemScheme(() => applyPreference("system"));
  }, [preference]);

  const choose = () => {
    const next = nextPreference(preference);
    storePreference(next);
    setPreference(next);
  };

  return (
    <button
      type="button"
      onClick={choose}
      aria-label={`Theme: ${LABELS[preference]}. Switch to ${LABELS[nextPreference(preference)]}`}
      title={`Theme: ${LABELS[preference]}`}
      className="inline-flex h-9 items-center gap-1.5 rounded-md px-2 text-sm text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
    >
      <ThemeIcon preference={preference} />
      <span className="hidden sm:inline">{LABELS[preference]}</span>
    </button>
  );
}

function ThemeIcon({ preference }: { preference: ThemePreference }) {
  const common = {
    width: 18,
    height: 18,
    viewBox: "0 0 24 24",
    fill: "none",
    stroke: "currentColor",
    strokeWidth: 2,
    strokeLinecap: "round" as const,
    strokeLinejoin: "round" as const,
  };
  if (preference === "light") {
    return (
      <svg {...common} aria-hidden="true">
        <circle cx="12" cy="12" r="4" />
        <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" />
      </svg>
    );
  }
  if (preference === "dark") {
    return (
      <svg {...common} aria-hidden="true">
        <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" />
      </svg>
    );
  }
  return (
    <svg {...common} aria-hidden="true">
      <rect x="3" y="4" width="18" height="12" rx="2" />
      <path d="M8 20h8M12 16v4" />
    </svg>
  );
}
