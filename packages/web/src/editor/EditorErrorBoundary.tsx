import { Component, type ErrorInfo, type ReactNode } from "react";
import { Button } from "../ui/Button.tsx";

interface Props {
  children: ReactNode;
  className?: string;
}

interface State {
  failed: boolean;
  /** Bumped by "Reload the editor": the editor below is mounted afresh. */
  attempt: number;
}

/**
 * Keeps an editor's failure inside the editor's box: instead of unmounting the whole page, it
 * shows "The editor hit a problem" with a button that mounts the editor again (the document
 * and its connection belong to the page and are kept).
 */
export class EditorErrorBoundary extends Component<Props, State> {
  override state: State = { failed: false, attempt: 0 };

  static getDerivedStateFromError(): Partial<State> {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("the editor failed", error, info.componentStack);
  }

  private readonly retry = () => this.setState((s) => ({ failed: false, attempt: s.attempt + 1 }));

  override render(): ReactNode {
    if (!this.state.failed) return <ErrorScope key={this.state.attempt}>{this.props.children}</ErrorScope>;
    return (
      <div
        role="alert"
        data-testid="editor-failed"
        className={`flex flex-col items-center justify-center gap-3 rounded-lg border border-red-300 bg-red-50 p-6 text-sm text-red-800 dark:border-red-800 dark:bg-red-950/60 dark:text-red-200 ${this.props.className ?? ""}`}
      >
        <p className="font-semibold">The editor hit a problem — reload it.</p>
        <p>The code is safe: it lives in the document, not in the editor.</p>
        <Button variant="secondary" onClick={this.retry}>
          Reload the editor
        </Button>
      </div>
    );
  }
}

/** Only there to give the editor a key that changes on each retry. */
function ErrorScope({ children }: { children: ReactNode }) {
  return <>{children}</>;
}
