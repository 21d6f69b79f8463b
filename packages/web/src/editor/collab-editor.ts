import { LANGUAGE_INFO, type Language, LIMITS, utf8Bytes } from "@observer/protocol";
import { MonacoBinding } from "y-monaco";
import type { Awareness } from "y-protocols/awareness";
import * as Y from "yjs";
import { Attribution } from "./attribution.ts";
import { codeOf, replaceCode } from "./code-document.ts";
import { fitsCap, minimalEdit } from "./code-limit.ts";
import { EditHistory } from "./edit-history.ts";
import { monaco } from "./monaco.ts";
import { CursorAwareness, RemoteCursorStyles } from "./remote-cursors.ts";
import { followAppTheme } from "./theme.ts";

/** Origin of the transactions a language switch makes (undone like typing). */
export const LANGUAGE_SWITCH_ORIGIN = { name: "language-switch" };

export interface CollabEditorOptions {
  container: HTMLElement;
  doc: Y.Doc;
  /** The provider's awareness: remote cursors shown, the local selection published. */
  awareness: Awareness | null;
  /** Origin of the updates that come from the server (the collaboration provider). */
  remoteOrigin: unknown;
  /** Who types here (mapped to this client's clientID in the document). */
  userId: string;
  /** Whose changes `undoOther()` undoes (the teacher, in a student's editor). */
  otherUserId?: string | null;
  language: Language;
  readOnly: boolean;
  /** What Monaco says when someone types into it while read-only (default: the session has ended). */
  readOnlyMessage?: string;
  ariaLabel: string;
  /** Ctrl/Cmd+Enter. Reserved for Run even when absent. */
  onRun?: () => void;
  /** An edit was refused because the code would exceed the size limit; `insertedBytes`: what it added. */
  onTooLarge?: (edit: { insertedBytes: number }) => void;
  /** This user changed the code (for the "typing" activity). */
  onLocalEdit?: () => void;
}

const ENDED_MESSAGE = "This session has ended: the code can no longer be changed.";

/**
 * A Monaco editor bound to a document's `Y.Text("code")` with y-monaco.
 *
 * Invariants:
 * - The Y.Text is the truth; Monaco's model mirrors it. An edit that would take the code over
 *   LIMITS.codeBytes never reaches the Y.Text: the model is put back and `onTooLarge` called.
 * - Undo/redo (keys, menu, browser) go through EditHistory, so they only ever undo this
 *   user's own edits; Monaco's own undo stack (which also holds remote edits) is never used.
 * - Ctrl/Cmd+Enter never edits: it calls `onRun` when given.
 * - `dispose()` releases the binding, the model, the editor, the undo managers and styles;
 *   the Y.Doc and the provider belong to the caller.
 */
export class CollabEditor {
  readonly editor: monaco.editor.IStandaloneCodeEditor;
  readonly model: monaco.editor.ITextModel;
  readonly binding: MonacoBinding;
  readonly history: EditHistory;
  private readonly attribution: Attribution;
  private readonly cursors: RemoteCursorStyles | null;
  /** What y-monaco sees of awareness: only states it can draw, never a throw (see CursorAwareness). */
  private readonly cursorView: CursorAwareness | null;
  private readonly releaseTheme: () => void;
  private readonly text: Y.Text;

  constructor(private readonly options: CollabEditorOptions) {
    const { doc, awareness } = options;
    this.text = codeOf(doc);
    this.releaseTheme = followAppTheme();
    this.model = monaco.editor.createModel(this.text.toString(), LANGUAGE_INFO[options.language].monacoId);
    this.model.updateOptions({ tabSize: 4, insertSpaces: true });
    this.editor = monaco.editor.create(options.container, {
      model: this.model,
      automaticLayout: true,
      ariaLabel: options.ariaLabel,
      fontSize: 14,
      lineHeight: 21,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      // Room above the first line for a remote cursor's name label.
      padding: { top: 18, bottom: 12 },
      renderLineHighlight: "line",
      tabSize: 4,
      fixedOverflowWidgets: true,
      readOnly: options.readOnly,
      readOnlyMessage: { value: options.readOnlyMessage ?? ENDED_MESSAGE },
    });
    this.cursorView = awareness ? new CursorAwareness(awareness, doc) : null;
    this.binding = this.bind(this.cursorView?.asAwareness() ?? null);
    this.cursors = awareness ? new RemoteCursorStyles(awareness) : null;
    this.attribution = new Attribution(doc, options.userId, new Set([this.binding, LANGUAGE_SWITCH_ORIGIN]));
    this.history = new EditHistory({
      text: this.text,
      attribution: this.attribution,
      ownOrigins: [this.binding, LANGUAGE_SWITCH_ORIGIN],
      remoteOrigin: options.remoteOrigin,
      otherUserId: options.otherUserId ?? null,
    });
    this.installUndo();
    this.installKeys();
    doc.on("afterTransaction", this.afterTransaction);
  }

  /**
   * Creates the y-monaco binding with a guard in front of its model listener: an edit that
   * would exceed the size cap is put back instead of being passed on to the Y.Text.
   */
  private bind(awareness: Awareness | null): MonacoBinding {
    const model = this.model;
    const original = model.onDidChangeContent;
    let binding: MonacoBinding | null = null;
    const guarded: typeof model.onDidChangeContent = (listener) =>
      original.call(model, (event) => {
        // Cheap first: a model of n UTF-16 units holds at most 3n bytes of UTF-8.
        const maybeTooLarge = model.getValueLength() * 3 > LIMITS.codeBytes;
        if (
          maybeTooLarge &&
          binding &&
          !this.isRemoteApply(binding) &&
          !fitsCap(model.getValue(), LIMITS.codeBytes)
        ) {
          const inserted = event.changes.reduce((sum, change) => sum + utf8Bytes(change.text), 0);
          this.restoreFromText(binding, inserted);
          return;
        }
        listener(event);
      });
    model.onDidChangeContent = guarded;
    try {
      binding = new MonacoBinding(this.text, model, new Set([this.editor]), awareness);
    } finally {
      delete (model as Partial<Pick<monaco.editor.ITextModel, "onDidChangeContent">>).onDidChangeContent;
    }
    return binding;
  }

  /** True while the binding itself is writing the Y.Text's changes into the model. */
  private isRemoteApply(binding: MonacoBinding): boolean {
    let free = false;
    binding.mux(() => {
      free = true;
    });
    return !free;
  }

  /** Puts the model back to the Y.Text's content (after a refused edit), keeping the cursor. */
  private restoreFromText(binding: MonacoBinding, insertedBytes: number): void {
    this.options.onTooLarge?.({ insertedBytes });
    queueMicrotask(() => {
      if (this.model.isDisposed()) return;
      const current = this.model.getValue();
      const edit = minimalEdit(current, this.text.toString());
      const start = this.model.getPositionAt(edit.start);
      const end = this.model.getPositionAt(edit.end);
      binding.mux(() => {
        this.model.applyEdits([
          {
            range: new monaco.Range(start.lineNumber, start.column, end.lineNumber, end.column),
            text: edit.text,
          },
        ]);
      });
    });
  }

  private installUndo(): void {
    // Every route to undo and redo (Ctrl/Cmd+Z, Ctrl+Y, Shift+Cmd+Z, the browser's Edit menu)
    // ends in Monaco's undo/redo command, which calls these.
    const model = this.model as monaco.editor.ITextModel & { undo(): unknown; redo(): unknown };
    model.undo = () => {
      if (!this.editor.getOption(monaco.editor.EditorOption.readOnly)) this.history.undo();
    };
    model.redo = () => {
      if (!this.editor.getOption(monaco.editor.EditorOption.readOnly)) this.history.redo();
    };
    const own = this.history.own;
    own.on("stack-item-added", ({ stackItem }) => {
      const position = this.editor.getPosition();
      if (!position) return;
      const offset = this.model.getOffsetAt(position);
      stackItem.meta.set("cursor", Y.createRelativePositionFromTypeIndex(this.text, offset));
    });
    own.on("stack-item-popped", ({ stackItem }) => {
      const cursor = stackItem.meta.get("cursor") as Y.RelativePosition | undefined;
      const absolute = cursor && Y.createAbsolutePositionFromRelativePosition(cursor, this.options.doc);
      if (!absolute) return;
      const position = this.model.getPositionAt(absolute.index);
      this.editor.setPosition(position);
      this.editor.revealPositionInCenterIfOutsideViewport(position);
    });
  }

  private installKeys(): void {
    const { KeyMod, KeyCode } = monaco;
    this.editor.addCommand(KeyMod.CtrlCmd | KeyCode.Enter, () => this.options.onRun?.());
  }

  private readonly afterTransaction = (transaction: Y.Transaction): void => {
    if (
      transaction.local &&
      (transaction.origin === this.binding || transaction.origin === LANGUAGE_SWITCH_ORIGIN)
    )
      this.options.onLocalEdit?.();
  };

  setLanguage(language: Language): void {
    monaco.editor.setModelLanguage(this.model, LANGUAGE_INFO[language].monacoId);
  }

  setReadOnly(readOnly: boolean, message = ENDED_MESSAGE): void {
    this.editor.updateOptions({ readOnly, readOnlyMessage: { value: message } });
  }

  focus(): void {
    this.editor.focus();
  }

  /**
   * Replaces the whole code (and the language, unless null) as this user's own edit, in an
   * undo step of its own: one undo brings back exactly the code it replaced.
   */
  replaceCode(code: string, language: Language | null): void {
    this.history.own.stopCapturing();
    replaceCode(this.options.doc, code, language, this.binding);
    this.history.own.stopCapturing();
  }

  /** Scrolls `line` (1-based) into the middle and highlights it (a raised hand's line); returns the undo. */
  highlightLine(line: number): () => void {
    const target = Math.min(Math.max(1, line), this.model.getLineCount());
    this.editor.revealLineInCenter(target);
    const highlight = this.editor.createDecorationsCollection([
      {
        range: new monaco.Range(target, 1, target, 1),
        options: {
          isWholeLine: true,
          className: "asked-line",
          linesDecorationsClassName: "asked-line-gutter",
        },
      },
    ]);
    return () => highlight.clear();
  }

  dispose(): void {
    this.options.doc.off("afterTransaction", this.afterTransaction);
    this.binding.destroy();
    this.cursorView?.dispose();
    this.history.dispose();
    this.attribution.dispose();
    this.cursors?.dispose();
    this.editor.dispose();
    this.model.dispose();
    this.releaseTheme();
  }
}
