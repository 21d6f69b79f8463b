import { SelectField } from "../../ui/fields.tsx";
import type { FieldBinding } from "../../ui/useForm.ts";
import { RUN_TIME_CHOICES, runTimeLabel } from "./run-time-choices.ts";

/**
 * The "Time per run" choice of a session's forms. The current value is offered even when it
 * is not one of the usual choices (a session set through the API). The value is in seconds.
 */
export function RunTimeField(props: FieldBinding) {
  const choices = [...new Set([...RUN_TIME_CHOICES, Number(props.value)])].sort((a, b) => a - b);
  return (
    <SelectField label="Time per run" {...props}>
      {choices.map((seconds) => (
        <option key={seconds} value={seconds}>
          {runTimeLabel(seconds)}
        </option>
      ))}
    </SelectField>
  );
}
