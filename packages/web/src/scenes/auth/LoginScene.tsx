import { type FormEvent, useState } from "react";
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from "react-router";
import { ApiError, errorMessage } from "../../api/errors.ts";
import { useAuth } from "../../auth/auth-context.ts";
import { authPath, safeNext } from "../../auth/next-path.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Button } from "../../ui/Button.tsx";
import { TextField } from "../../ui/fields.tsx";
import { useTitle } from "../../ui/useTitle.ts";
import { AuthCard } from "./AuthCard.tsx";

const FIELDS = ["email", "password"] as const;

/** /login: email and password; returns to `?next=` afterwards. */
export function LoginScene() {
  useTitle("Log in");
  const { status, login } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  // Set by RequireAuth when a login in use here ended (logged out elsewhere, revoked, expired).
  const loginEnded = (useLocation().state as { loginEnded?: boolean } | null)?.loginEnded === true;
  const next = safeNext(params.get("next"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (status.kind === "authenticated" && !busy) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login({ email, password });
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const apiError = error instanceof ApiError ? error : null;
  const joining = next.startsWith("/join/");

  return (
    <AuthCard
      title="Log in to Observer"
      subtitle={joining ? "Log in to join the session." : "Welcome back. Your classes are waiting."}
    >
      <form onSubmit={submit} noValidate className="space-y-5" aria-label="Log in">
        {loginEnded && error === null && (
          <Alert tone="warning">Your login has ended. Please log in again.</Alert>
        )}
        {error !== null && (
          <Alert tone="error">
            {apiError && apiError.otherIssues(FIELDS).length === 0 && apiError.issues.length > 0
              ? "Check the fields below."
              : errorMessage(error)}
          </Alert>
        )}
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={apiError?.issueFor("email")}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={apiError?.issueFor("password")}
        />
        <Button type="submit" busy={busy} className="w-full">
          Log in
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-600 dark:text-slate-400">
        No account yet?{" "}
        <Link
          to={authPath("/register", next)}
          className="font-semibold text-indigo-700 hover:underline dark:text-indigo-300"
        >
          Create an account
        </Link>
      </p>
    </AuthCard>
  );
}
