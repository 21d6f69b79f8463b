import { Alert } from "../../../ui/Alert.tsx";

/**
 * Why the student's editor is read-only while the teacher locks editing (the class
 * controls): shown as long as the lock holds, and announced politely as it appears.
 */
export function EditingLockedNotice({ runningDenied }: { runningDenied: boolean }) {
  return (
    <Alert tone="warning" title="Your teacher locked editing" className="py-2">
      <span data-testid="editing-locked">
        {runningDenied
          ? "You can read your code, but not change or run it until your teacher allows it again."
          : "You can read and run your code, but not change it until your teacher unlocks editing."}
      </span>
    </Alert>
  );
}
