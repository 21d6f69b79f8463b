import { ApiError, errorMessage } from "../api/errors.ts";
import { Alert } from "./Alert.tsx";

/**
 * The error a request ended with, as an alert; nothing when there is none. With `fields` (the
 * form's fields), an error that is only about those fields says "Check the fields below.": each
 * field shows its own issue.
 */
export function ErrorAlert({
  error,
  fields,
  className,
}: {
  error: unknown;
  fields?: readonly string[];
  className?: string;
}) {
  if (error === null) return null;
  const onlyFieldIssues =
    fields !== undefined &&
    error instanceof ApiError &&
    error.issues.length > 0 &&
    error.otherIssues(fields).length === 0;
  return (
    <Alert tone="error" className={className}>
      {onlyFieldIssues ? "Check the fields below." : errorMessage(error)}
    </Alert>
  );
}
