import { useEffect, useState } from "react";
import { buttonClasses } from "./Button.tsx";
import { copyText } from "./clipboard.ts";

type CopyState = "idle" | "copied" | "failed";

/**
 * Copies `text` on click and says so for two seconds ("Copied"). `label` is the visible text
 * and the stable accessible name, e.g. "Copy join code".
 */
export function CopyButton({
  text,
  label,
  className = "",
}: {
  text: string;
  label: string;
  className?: string;
}) {
  const [state, setState] = useState<CopyState>("idle");

  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => setState((await copyText(text)) ? "copied" : "failed");

  return (
    <>
      <button
        type="button"
        onClick={copy}
        aria-label={label}
        className={buttonClasses("secondary", className)}
      >
        <svg
          width="16"
          height="16"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          aria-hidden="true"
        >
          {state === "copied" ? (
            <path d="M20 6 9 17l-5-5" strokeLinecap="round" strokeLinejoin="round" />
          ) : (
            <>
              <rect x="9" y="9" width="12" height="12" rx="2" />
              <path d="M5 15V5a2 2 0 0 1 2-2h10" />
            </>
          )}
        </svg>
        <span>{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}</span>
      </button>
      <span role="status" className="sr-only">
        {state === "copied" ? "Copied to the clipboard" : ""}
      </span>
    </>
  );
}
