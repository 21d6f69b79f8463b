import type { Language } from "@observer/protocol";
import { useEffect, useRef } from "react";
import type { Awareness } from "y-protocols/awareness";
import type * as Y from "yjs";
import { CollabEditor } from "./collab-editor.ts";

export interface CodeEditorProps {
  doc: Y.Doc;
  awareness: Awareness | null;
  remoteOrigin: unknown;
  userId: string;
  otherUserId?: string | null;
  language: Language;
  readOnly: boolean;
  ariaLabel: string;
  onRun?: () => void;
  onTooLarge?: () => void;
  onLocalEdit?: () => void;
  /** The editor once created, and null when it is gone. */
  onEditor?: (editor: CollabEditor | null) => void;
  className?: string;
  focusOnMount?: boolean;
}

/**
 * A Monaco editor bound live to `doc` (see CollabEditor). The editor is created once per
 * document, awareness and user; language and read-only follow the props without a rebuild.
 */
export function CodeEditor(props: CodeEditorProps) {
  const container = useRef<HTMLDivElement>(null);
  const editorRef = useRef<CollabEditor | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const { doc, awareness, remoteOrigin, userId, otherUserId } = props;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const initial = latest.current;
    const editor = new CollabEditor({
      container: element,
      doc,
      awareness,
      remoteOrigin,
      userId,
      otherUserId: otherUserId ?? null,
      language: initial.language,
      readOnly: initial.readOnly,
      ariaLabel: initial.ariaLabel,
      onRun: () => latest.current.onRun?.(),
      onTooLarge: () => latest.current.onTooLarge?.(),
      onLocalEdit: () => latest.current.onLocalEdit?.(),
    });
    editorRef.current = editor;
    latest.current.onEditor?.(editor);
    if (initial.focusOnMount) editor.focus();
    return () => {
      latest.current.onEditor?.(null);
      editorRef.current = null;
      editor.dispose();
    };
  }, [doc, awareness, remoteOrigin, userId, otherUserId]);

  useEffect(() => editorRef.current?.setLanguage(props.language), [props.language]);
  useEffect(() => editorRef.current?.setReadOnly(props.readOnly), [props.readOnly]);

  return <div ref={container} data-testid="code-editor" className={props.className} />;
}
