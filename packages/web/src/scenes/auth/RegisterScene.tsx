import { LIMITS } from "@observer/protocol";
import { type FormEvent, useState } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { api } from "../../api/client.ts";
import { useQuery } from "../../api/useQuery.ts";
import { useAuth } from "../../auth/auth-context.ts";
import { authPath, safeNext } from "../../auth/next-path.ts";
import { Alert } from "../../ui/Alert.tsx";
import { Button } from "../../ui/Button.tsx";
import { ErrorAlert } from "../../ui/ErrorAlert.tsx";
import { TextField } from "../../ui/fields.tsx";
import { useForm } from "../../ui/useForm.ts";
import { useTitle } from "../../ui/useTitle.ts";
import { AccountFields } from "./AccountFields.tsx";
import { AuthCard, AuthSwitch } from "./AuthCard.tsx";
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
  const form = useForm({ name: "", email: "", password: "", setupToken: "" });
  const [role, setRole] = useState<SignupRole | null>(next.startsWith("/join/") ? "student" : null);
  const [roleMissing, setRoleMissing] = useState(false);

  if (status.kind === "authenticated" && !form.busy) return <Navigate to={next} replace />;

  const firstAccount = config.data?.firstAccount === true;
  const { apiError } = form;
  // The first account from another machine needs the token the server printed at its start;
  // asked for when /api/config says so, or when the server refused without it.
  const needsSetupToken =
    (firstAccount && config.data?.setupTokenRequired === true) || apiError?.code === "setup_token_required";
  // Until the server says whether this is the first account (which has no role to choose),
  // the role choice stays hidden: shown and then taken away, it would flash.
  const configKnown = config.data !== undefined || config.error !== null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const chosen: SignupRole | null = firstAccount ? "teacher" : role;
    setRoleMissing(chosen === null);
    if (chosen === null) return;
    const { name, email, password } = form.values;
    const setupToken = needsSetupToken ? form.values.setupToken.trim() || undefined : undefined;
    void form.run(
      async () => {
        await register({ name, email, password, role: chosen, setupToken });
        navigate(next, { replace: true });
      },
      { leaving: true },
    );
  };

  return (
    <AuthCard title="Create your account" subtitle="Teach or learn programming, live.">
      <form onSubmit={submit} noValidate className="space-y-5" aria-label="Create an account">
        {firstAccount && (
          <Alert tone="info" title="You are setting up this server">
            This is the first account, so it becomes the <strong>administrator</strong>. Administrators manage
            users and can also create and teach sessions.
          </Alert>
        )}
        <ErrorAlert error={form.error} fields={FIELDS} />
        {needsSetupToken && (
          <TextField
            label="Setup token"
            autoComplete="off"
            required
            hint="Printed in the server's log at its first start, and kept in the file setup-token in its data folder."
            {...form.field("setupToken")}
          />
        )}
        <TextField
          label="Name"
          autoComplete="name"
          required
          hint="Shown to your teacher or students."
          {...form.field("name")}
        />
        <AccountFields
          form={form}
          newPassword
          passwordHint={`At least ${LIMITS.passwordMinChars} characters.`}
        />
        {configKnown && !firstAccount && (
          <RoleChoice
            value={role}
            onChange={setRole}
            config={config.data}
            error={roleMissing ? "Choose whether you teach or study." : apiError?.issueFor("role")}
          />
        )}
        <Button type="submit" busy={form.busy} className="w-full">
          Create account
        </Button>
      </form>
      <AuthSwitch question="Already have an account?" to={authPath("/login", next)}>
        Log in
      </AuthSwitch>
    </AuthCard>
  );
}
