import type { ReactNode } from "react";
import { TextField } from "../../ui/fields.tsx";
import type { Form } from "../../ui/useForm.ts";

/** Email and password, as logging in and creating an account ask for them. */
export function AccountFields({
  form,
  newPassword = false,
  passwordHint,
}: {
  form: Form<{ email: string; password: string }>;
  /** Creating an account: the browser offers a new password. */
  newPassword?: boolean;
  passwordHint?: ReactNode;
}) {
  return (
    <>
      <TextField label="Email" type="email" autoComplete="email" required {...form.field("email")} />
      <TextField
        label="Password"
        type="password"
        autoComplete={newPassword ? "new-password" : "current-password"}
        required
        hint={passwordHint}
        {...form.field("password")}
      />
    </>
  );
}
