import { LANGUAGE_INFO, type Language } from "@observer/protocol";
import { useEffect, useRef } from "react";
import { minimalEdit } from "../editor/code-limit.ts";
import { monaco } from "../editor/monaco.ts";
import { followAppTheme } from "../editor/theme.ts";

const READ_ONLY_MESSAGE = "This is a recording: the code cannot be changed here.";

/**
 * A read-only Monaco showing the code of one moment of a playback: a plain model, no Yjs. The
 * model changes only when the code does, by the one edit between the two texts (so the view
 * keeps its scroll, and the changed place is brought into view).
 */
export function PlaybackEditor({
  code,
  language,
  ariaLabel,
  className = "",
}: {
  code: string;
  language: Language;
  ariaLabel: string;
  className?: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const shown = useRef<string | null>(null);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const releaseTheme = followAppTheme();
    const model = monaco.editor.createModel("", "plaintext");
    model.updateOptions({ tabSize: 4 });
    const created = monaco.editor.create(element, {
      model,
      readOnly: true,
      readOnlyMessage: { value: READ_ONLY_MESSAGE },
      automaticLayout: true,
      fontSize: 14,
      lineHeight: 21,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      padding: { top: 12, bottom: 12 },
      renderLineHighlight: "none",
      overviewRulerLanes: 0,
      hideCursorInOverviewRuler: true,
      overviewRulerBorder: false,
      contextmenu: false,
      fixedOverflowWidgets: true,
    });
    editor.current = created;
    shown.current = "";
    return () => {
      editor.current = null;
      shown.current = null;
      created.dispose();
      model.dispose();
      releaseTheme();
    };
  }, []);

  // After the editor is made (effects run in order), and on each change.
  useEffect(() => editor.current?.updateOptions({ ariaLabel }), [ariaLabel]);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (model) monaco.editor.setModelLanguage(model, LANGUAGE_INFO[language].monacoId);
  }, [language]);

  useEffect(() => {
    const view = editor.current;
    const model = view?.getModel();
    if (!view || !model || shown.current === code) return;
    const previous = shown.current ?? model.getValue();
    shown.current = code;
    const edit = minimalEdit(previous, code);
    const start = model.getPositionAt(edit.start);
    const end = model.getPositionAt(edit.end);
    model.applyEdits([
      {
        range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
        text: edit.text,
      },
    ]);
    view.revealPositionInCenterIfOutsideViewport(model.getPositionAt(edit.start + edit.text.length));
  }, [code]);

  return <div ref={container} data-testid="playback-editor" className={`h-full ${className}`} />;
}
