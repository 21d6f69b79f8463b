import { AI_LIMITS, type AiMode, type Language } from "@observer/protocol";
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { Alert } from "../ui/Alert.tsx";
import { Button } from "../ui/Button.tsx";
import { INPUT_CLASSES } from "../ui/fields.tsx";
import { Spinner } from "../ui/Spinner.tsx";
import { AiMarkdown, type Highlight } from "./AiMarkdown.tsx";
import { type AiExchange, isPending, KIND_LABELS } from "./exchange.ts";
import { useCodeHighlight } from "./useCodeHighlight.ts";
import type { StudentAi } from "./useStudentAi.ts";

/** How the panel names the teacher's choice, neutrally. */
const MODE_LABELS: Record<Exclude<AiMode, "off">, string> = {
  hints: "Hints only, set by your teacher",
  full: "Full help, set by your teacher",
};

/** Beside the server's own note in the answer: why code was left out, in the teacher's terms. */
export const CUT_NOTE = "Code shortened: your teacher set AI help to hints only.";

function ExchangeView({
  exchange,
  language,
  highlight,
  onStop,
}: {
  exchange: AiExchange;
  language: Language;
  highlight: Highlight | null;
  onStop: () => void;
}) {
  const pending = isPending(exchange);
  return (
    <li className="space-y-2" data-testid="ai-exchange" data-status={exchange.status}>
      <p className="ml-8 rounded-lg bg-indigo-50 px-3 py-2 text-sm text-indigo-950 dark:bg-indigo-950/60 dark:text-indigo-100">
        <span className="sr-only">You asked: </span>
        {exchange.kind === "question" ? (
          exchange.message
        ) : (
          <span className="font-medium">{KIND_LABELS[exchange.kind]}</span>
        )}
        {exchange.kind !== "question" && exchange.message && <> — {exchange.message}</>}
      </p>
      <div
        className="rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
        aria-busy={pending || undefined}
        data-testid="ai-answer"
      >
        <span className="sr-only">Answer: </span>
        {exchange.answer && (
          <AiMarkdown text={exchange.answer} fallbackLanguage={language} highlight={highlight} />
        )}
        {pending && (
          <div className="mt-1 flex items-center justify-between gap-2 text-sm text-slate-600 dark:text-slate-400">
            <span className="flex items-center gap-2">
              <Spinner className="size-3.5" />
              {exchange.status === "asking" ? "Thinking…" : "Writing…"}
            </span>
            <Button variant="ghost" className="px-2 py-1" onClick={onStop}>
              Stop
            </Button>
          </div>
        )}
        {exchange.status === "cancelled" && (
          <p className="text-sm text-slate-500 italic dark:text-slate-400">Stopped.</p>
        )}
        {exchange.cut && (
          <p
            data-testid="ai-cut-note"
            className="mt-2 rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-900 dark:bg-amber-950/60 dark:text-amber-100"
          >
            {CUT_NOTE}
          </p>
        )}
        {exchange.problem && (
          <Alert tone="error" title={exchange.problem.title} className="mt-2 py-2">
            <span data-testid="ai-problem" data-code={exchange.problem.code}>
              {exchange.problem.detail}
            </span>
          </Alert>
        )}
      </div>
    </li>
  );
}

/**
 * The student's AI help, a panel at the side of the workspace: the teacher's mode named
 * neutrally, this visit's questions with their answers streaming in (Markdown, rendered
 * safely), "Give me a hint", "Explain my last error" and a question box. Closing it (the
 * button or Esc) cancels an answer on its way and gives the focus back to where it was.
 */
export default function AiPanel({
  ai,
  language,
  lastRunFailed,
  disabled,
}: {
  ai: StudentAi;
  language: Language;
  lastRunFailed: boolean;
  disabled: string | null;
}) {
  const headingId = useId();
  const questionId = useId();
  const [question, setQuestion] = useState("");
  const panel = useRef<HTMLElement>(null);
  const questionBox = useRef<HTMLTextAreaElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const opener = useRef<Element | null>(null);
  const highlight = useCodeHighlight();
  const last = ai.exchanges.at(-1);
  const mode = ai.mode === "off" ? "hints" : ai.mode;

  // On opening: remember where the focus was, and take it (the question box for "Ask AI").
  const focusQuestion = useRef(ai.focusQuestion);
  useEffect(() => {
    opener.current = document.activeElement;
    if (focusQuestion.current) questionBox.current?.focus();
    else panel.current?.focus();
  }, []);

  // The newest answer stays in view while it streams.
  const answerLength = last?.answer.length ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls when the list or the answer grows.
  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [ai.exchanges.length, answerLength]);

  const close = () => {
    const back = opener.current;
    ai.close();
    if (back instanceof HTMLElement && back.isConnected) requestAnimationFrame(() => back.focus());
  };
  const send = (event?: FormEvent) => {
    event?.preventDefault();
    const words = question.trim();
    if (!words || disabled) return;
    ai.ask("question", words);
    setQuestion("");
  };
  const onQuestionKey = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) send(event);
  };

  return (
    <section
      ref={panel}
      tabIndex={-1}
      aria-labelledby={headingId}
      onKeyDown={(event) => {
        if (event.key === "Escape") close();
      }}
      className="fixed top-14 right-0 bottom-0 z-20 flex w-full flex-col border-l border-slate-200 bg-slate-50 shadow-2xl focus:outline-none sm:w-[28rem] xl:w-[25rem] xl:shadow-none dark:border-slate-800 dark:bg-slate-950"
    >
      <div className="flex items-start gap-3 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
        <div className="min-w-0 flex-1">
          <h2 id={headingId} className="text-base font-semibold text-slate-900 dark:text-white">
            AI help
          </h2>
          <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="ai-mode">
            {MODE_LABELS[mode]}. Your teacher can read your questions and the answers.
          </p>
        </div>
        <Button variant="ghost" className="px-2 py-1" onClick={close} aria-label="Close AI help">
          <span aria-hidden="true" className="text-lg leading-none">
            ×
          </span>
        </Button>
      </div>
      <ol
        ref={list}
        className="min-h-0 flex-1 space-y-4 overflow-y-auto px-4 py-3"
        aria-label="Questions and answers"
      >
        {ai.exchanges.length === 0 && (
          <li className="text-sm text-slate-600 dark:text-slate-400">
            Ask for a hint, an explanation of your last error, or anything about your code. The AI sees your
            current code and your last run’s output.
          </li>
        )}
        {ai.exchanges.map((exchange) => (
          <ExchangeView
            key={exchange.key}
            exchange={exchange}
            language={language}
            highlight={highlight}
            onStop={ai.cancel}
          />
        ))}
      </ol>
      <p className="sr-only" role="status" aria-live="polite">
        {last?.status === "answered"
          ? "The answer is complete."
          : last?.status === "failed"
            ? last.problem?.title
            : ""}
      </p>
      <form
        onSubmit={send}
        className="space-y-2 border-t border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900"
      >
        {disabled && <p className="text-xs text-amber-800 dark:text-amber-200">{disabled}</p>}
        <div className="flex flex-wrap gap-2">
          <Button
            variant="secondary"
            className="px-3 py-1.5"
            onClick={() => ai.ask("hint")}
            disabled={Boolean(disabled)}
          >
            Give me a hint
          </Button>
          <Button
            variant="secondary"
            className="px-3 py-1.5"
            onClick={() => ai.ask("explain_error")}
            disabled={Boolean(disabled) || !lastRunFailed}
            title={lastRunFailed ? undefined : "Your last run did not fail"}
          >
            Explain my last error
          </Button>
        </div>
        <label htmlFor={questionId} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
          Your question
        </label>
        <textarea
          ref={questionBox}
          id={questionId}
          rows={2}
          maxLength={AI_LIMITS.messageChars}
          value={question}
          onChange={(event) => setQuestion(event.target.value)}
          onKeyDown={onQuestionKey}
          placeholder="Why does my loop stop early?"
          className={`${INPUT_CLASSES} resize-y text-sm`}
        />
        <div className="flex items-center justify-between gap-2">
          <span className="text-xs text-slate-500 dark:text-slate-400">
            Enter sends, Shift+Enter adds a line
          </span>
          <Button type="submit" className="px-3 py-1.5" disabled={Boolean(disabled) || !question.trim()}>
            Ask
          </Button>
        </div>
      </form>
    </section>
  );
}
