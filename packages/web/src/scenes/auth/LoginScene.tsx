import type { FormEvent } from "react";
import { Navigate, useLocation, useNavigate, useSearchParams } from "react-router";
import { useAuth } from "../../auth/auth-context.ts";
import { authPath, safeNext } from "../../auth/next-path.ts";
import { GithubSignInButton } from "../../github/GithubSignInButton.tsx";
import { Alert } from "../../ui/Alert.tsx";
import { Button } from "../../ui/Button.tsx";
import { ErrorAlert } from "../../ui/ErrorAlert.tsx";
import { useForm } from "../../ui/useForm.ts";
import { useTitle } from "../../ui/useTitle.ts";
import { AccountFields } from "./AccountFields.tsx";
import { AuthCard, AuthSwitch } from "./AuthCard.tsx";

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
  const form = useForm({ email: "", password: "" });

  if (status.kind === "authenticated" && !form.busy) return <Navigate to={next} replace />;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void form.run(
      async () => {
        await login(form.values);
        navigate(next, { replace: true });
      },
      { leaving: true },
    );
  };

  const joining = next.startsWith("/join/");

  return (
    <AuthCard
      title="Log in to Observer"
      subtitle={joining ? "Log in to join the session." : "Welcome back. Your classes are waiting."}
    >
      <form onSubmit={submit} noValidate className="space-y-5" aria-label="Log in">
        {loginEnded && form.error === null && (
          <Alert tone="warning">Your login has ended. Please log in again.</Alert>
        )}
        <ErrorAlert error={form.error} fields={FIELDS} />
        <AccountFields form={form} />
        <Button type="submit" busy={form.busy} className="w-full">
          Log in
        </Button>
      </form>
      <GithubSignInButton />
      <AuthSwitch question="No account yet?" to={authPath("/register", next)}>
        Create an account
      </AuthSwitch>
    </AuthCard>
  );
}
