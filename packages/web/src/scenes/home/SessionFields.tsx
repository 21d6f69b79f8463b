import { LIMITS } from "@observer/protocol";
import type { ComponentProps } from "react";
import { TextAreaField, TextField } from "../../ui/fields.tsx";

/** The name of a session (creating and editing a session). */
export function SessionNameField(props: Omit<ComponentProps<typeof TextField>, "label">) {
  return <TextField label="Session name" required maxLength={LIMITS.sessionNameChars} {...props} />;
}

/** The starter code of a session, in a monospace text area (creating and editing a session). */
export function StarterCodeField({
  optional = false,
  ...props
}: Omit<ComponentProps<typeof TextAreaField>, "label"> & { optional?: boolean }) {
  return (
    <TextAreaField
      label={optional ? "Starter code (optional)" : "Starter code"}
      rows={5}
      spellCheck={false}
      className="font-mono text-sm"
      {...props}
    />
  );
}
