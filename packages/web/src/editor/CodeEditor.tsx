import { useEffect, useId, useRef, useState } from "react";
import { CollabEditor, type CollabEditorOptions } from "./collab-editor.ts";
import { EditorErrorBoundary } from "./EditorErrorBoundary.tsx";
import { INITIAL_TAB_ESCAPE, TabEscape, tabEscapeHint } from "./tab-escape.ts";

const MAC = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** The editor's options (see CollabEditorOptions), its container aside, and how it sits in the page. */
export interface CodeEditorProps extends Omit<CollabEditorOptions, "container"> {
  /** The editor once created, and null when it is gone. */
  onEditor?: (editor: CollabEditor | null) => void;
  className?: string;
  focusOnMount?: boolean;
}

/**
 * A Monaco editor bound live to `doc` (see CollabEditor). The editor is created once per
 * document, awareness and user; language and read-only follow the props without a rebuild.
 * Keyboard users can always leave it (see TabEscape); while it has focus a hint says how.
 * A failure inside it shows a "reload the editor" box instead of taking the page down.
 */
export function CodeEditor(props: CodeEditorProps) {
  return (
    <EditorErrorBoundary className={props.className}>
      <BoundEditor {...props} />
    </EditorErrorBoundary>
  );
}

function BoundEditor(props: CodeEditorProps) {
  const container = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CollabEditor | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const { doc, awareness, remoteOrigin, userId, otherUserId } = props;
  const [tabState, setTabState] = useState(INITIAL_TAB_ESCAPE);
  const [focused, setFocused] = useState(false);
  const hintId = useId();

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const initial = latest.current;
    const { onEditor, className, focusOnMount, ...options } = initial;
    const editor = new CollabEditor({
      ...options,
      container: element,
      doc,
      awareness,
      remoteOrigin,
      userId,
      otherUserId: otherUserId ?? null,
      // The callbacks of the latest render, not of the first.
      onRun: () => latest.current.onRun?.(),
      onTooLarge: (edit) => latest.current.onTooLarge?.(edit),
      onLocalEdit: () => latest.current.onLocalEdit?.(),
    });
    editorRef.current = editor;
    const tabEscape = new TabEscape(element, setTabState, MAC);
    const onFocus = editor.editor.onDidFocusEditorText(() => {
      tabEscape.focused();
      setFocused(true);
    });
    const onBlur = editor.editor.onDidBlurEditorText(() => {
      tabEscape.blurred();
      setFocused(false);
    });
    element.querySelector("textarea")?.setAttribute("aria-describedby", hintId);
    latest.current.onEditor?.(editor);
    if (initial.focusOnMount) editor.focus();
    return () => {
      latest.current.onEditor?.(null);
      editorRef.current = null;
      onFocus.dispose();
      onBlur.dispose();
      tabEscape.dispose();
      editor.dispose();
    };
  }, [doc, awareness, remoteOrigin, userId, otherUserId, hintId]);

  useEffect(() => editorRef.current?.setLanguage(props.language), [props.language]);
  useEffect(
    () => editorRef.current?.setReadOnly(props.readOnly, props.readOnlyMessage),
    [props.readOnly, props.readOnlyMessage],
  );

  return (
    <div className={`relative ${props.className ?? ""}`}>
      <div ref={container} data-testid="code-editor" className="h-full" />
      <p
        id={hintId}
        data-testid="editor-keys-hint"
        className={`pointer-events-none absolute right-2 bottom-1.5 z-10 max-w-[calc(100%-1rem)] rounded-md border border-slate-200 bg-white/95 px-2 py-0.5 text-xs text-slate-700 shadow-sm dark:border-slate-700 dark:bg-slate-800/95 dark:text-slate-200 ${focused ? "pointer-coarse:hidden" : "sr-only"}`}
      >
        {tabEscapeHint(tabState, MAC)}
      </p>
    </div>
  );
}
