import type { Language } from "@observer/protocol";
import { lazy, Suspense } from "react";
import { Button } from "../ui/Button.tsx";
import type { StudentAi } from "./useStudentAi.ts";

/** The panel and its Markdown renderer load on first use: the workspace's first load stays lean. */
const AiPanel = lazy(() => import("./AiPanel.tsx"));

/** Room the page keeps for the open panel on a wide screen (the panel is fixed at the right, `xl:w-[25rem]`). */
export const AI_PANEL_ROOM = "xl:mr-[26rem]";

/** "Give me a hint" and "Ask AI" in the student's editor toolbar (only while AI help is on). */
export function AiToolbarButtons({ ai, disabled }: { ai: StudentAi; disabled: boolean }) {
  if (ai.mode === "off") return null;
  return (
    <>
      <Button variant="secondary" onClick={() => ai.ask("hint")} disabled={disabled}>
        Give me a hint
      </Button>
      <Button
        variant="secondary"
        aria-expanded={ai.open}
        onClick={() => (ai.open ? ai.close() : ai.show(true))}
        disabled={disabled && !ai.open}
      >
        {ai.open ? "Close AI help" : "Ask AI"}
      </Button>
    </>
  );
}

/** "Explain this error" beside a failed run's status (only while AI help is on). */
export function ExplainErrorButton({ ai, disabled }: { ai: StudentAi; disabled: boolean }) {
  if (ai.mode === "off") return null;
  return (
    <Button
      variant="secondary"
      className="px-2.5 py-1.5"
      onClick={() => ai.ask("explain_error")}
      disabled={disabled}
      title="Ask the AI what this error means"
    >
      Explain this error
    </Button>
  );
}

/** The side panel with the questions and the streamed answers, while open. */
export function AiSidePanel({
  ai,
  language,
  lastRunFailed,
  disabled,
}: {
  ai: StudentAi;
  /** The student's language (for code blocks whose fence names none). */
  language: Language;
  lastRunFailed: boolean;
  /** Why asking is not possible now (the session ended), or null. */
  disabled: string | null;
}) {
  if (!ai.open || ai.mode === "off") return null;
  return (
    <Suspense fallback={null}>
      <AiPanel ai={ai} language={language} lastRunFailed={lastRunFailed} disabled={disabled} />
    </Suspense>
  );
}
