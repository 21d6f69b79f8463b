import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { api } from "../../api/client.ts";
import { ApiError, errorMessage } from "../../api/errors.ts";
import { Alert } from "../../ui/Alert.tsx";
import { ButtonLink } from "../../ui/Button.tsx";
import { Loading } from "../../ui/Spinner.tsx";
import { useTitle } from "../../ui/useTitle.ts";

/** Titles for the join failures a student can meet. */
const FAILURES: Record<string, string> = {
  session_not_found: "No session with this code",
  session_ended: "This session has ended",
  students_only: "Only students join sessions",
};

/** `/join/:code`: joins the session of the link (logged in by RequireAuth) and opens it. */
export function JoinScene() {
  useTitle("Joining…");
  const { code = "" } = useParams();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let cancelled = false;
    setError(null);
    api
      .call("joinSession", { body: { joinCode: code } })
      .then(({ session }) => {
        if (!cancelled) navigate(`/sessions/${session.id}`, { replace: true });
      })
      .catch((err: unknown) => {
        if (!cancelled) setError(err);
      });
    return () => {
      cancelled = true;
    };
  }, [code, navigate]);

  if (error === null) return <Loading label={`Joining session ${code.toUpperCase()}…`} />;

  const title = (error instanceof ApiError && FAILURES[error.code]) || "Could not join the session";
  return (
    <div className="mx-auto max-w-lg space-y-6">
      <h1 className="sr-only">Join a session</h1>
      <Alert tone="error" title={title}>
        <p>{errorMessage(error)}</p>
        <p className="mt-2">
          Code: <span className="font-mono font-semibold tracking-widest">{code.toUpperCase()}</span>
        </p>
      </Alert>
      <ButtonLink to="/">Go to the home page</ButtonLink>
    </div>
  );
}
