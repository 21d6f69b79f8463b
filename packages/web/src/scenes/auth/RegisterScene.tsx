import { LIMITS } from "@observer/protocol";
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { api } from "../../api/client.ts";
import { ApiError, errorMessage } from "../../api/errors.ts";
import { useQuery } from "../../api/useQuery.ts";
import { useAuth } from "../../auth/auth-context.ts";
import { authPath, safeNext } from "../../auth/next-path.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Button } from "../../ui/Button.tsx";
import { TextField } from "../../ui/fields.tsx";
import { useTitle } from "../../ui/useTitle.ts";
import { AuthCard } from "./AuthCard.tsx";
import { RoleChoice, type SignupRole } from "./RoleChoice.tsx";

const FIELDS = ["name", "email", "password", "role", "setupToken"] as const;

/** /register: name, email, password and role; returns to `?next=` afterwards. */
export function RegisterScene() {
  useTitle("Create an account");
  const { status, register } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const config = useQuery("config", () => api.call("config"));
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [setupToken, setSetupToken] = useState("");
  const [role, setRole] = useState<SignupRole | null>(next.startsWith("/join/") ? "student" : null);
  const [roleMissing, setRoleMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (status.kind === "authenticated" && !busy) return <Navigate to={next} replace />;

  const firstAccount = config.data?.firstAccount === true;
  const apiError = error instanceof ApiError ? error : null;
  // The first account from another machine needs the token the server printed at its start;
  // asked for when /api/config says so, or when the server refused without it.
  const needsSetupToken =
    (firstAccount && config.data?.setupTokenRequired === true) || apiError?.code === "setup_token_required";
  // Until the server says whether this is the first account (which has no role to choose),
  // the role choice stays hidden: shown and then taken away, it would flash.
  const configKnown = config.data !== undefined || config.error !== null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const chosen: SignupRole | null = firstAccount ? "teacher" : role;
    setRoleMissing(chosen === null);
    if (chosen === null) return;
    setBusy(true);
    setError(null);
    try {
      await register({
        name,
        email,
        password,
        role: chosen,
        ...(needsSetupToken && setupToken.trim() ? { setupToken: setupToken.trim() } : {}),
      });
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const onlyFieldIssues =
    apiError !== null && apiError.issues.length > 0 && apiError.otherIssues(FIELDS).length === 0;

  return (
    <AuthCard title="Create your account" subtitle="Teach or learn programming, live.">
      <form onSubmit={submit} noValidate className="space-y-5" aria-label="Create an account">
        {firstAccount && (
          <Alert tone="info" title="You are setting up this server">
            This is the first account, so it becomes the <strong>administrator</strong>. Administrators manage
            users and can also create and teach sessions.
          </Alert>
        )}
        {error !== null && (
          <Alert tone="error">{onlyFieldIssues ? "Check the fields below." : errorMessage(error)}</Alert>
        )}
        {needsSetupToken && (
          <TextField
            label="Setup token"
            name="setupToken"
            autoComplete="off"
            required
            value={setupToken}
            onChange={(e) => setSetupToken(e.target.value)}
            error={apiError?.issueFor("setupToken")}
            hint="Printed in the server's log at its first start, and kept in the file setup-token in its data folder."
          />
        )}
        <TextField
          label="Name"
          name="name"
          autoComplete="name"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={apiError?.issueFor("name")}
          hint="Shown to your teacher or students."
        />
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
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={apiError?.issueFor("password")}
          hint={`At least ${LIMITS.passwordMinChars} characters.`}
        />
        {configKnown && !firstAccount && (
          <RoleChoice
            value={role}
            onChange={setRole}
            config={config.data}
            error={roleMissing ? "Choose whether you teach or study." : apiError?.issueFor("role")}
          />
        )}
        <Button type="submit" busy={busy} className="w-full">
          Create account
        </Button>
      </form>
      <p className="mt-6 text-center text-sm text-slate-600 dark:text-slate-400">
        Already have an account?{" "}
        <Link
          to={authPath("/login", next)}
          className="font-semibold text-indigo-700 hover:underline dark:text-indigo-300"
        >
          Log in
        </Link>
      </p>
    </AuthCard>
  );
}
