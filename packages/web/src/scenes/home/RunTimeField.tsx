import { SelectField } from "../../ui/fields.tsx";
import { RUN_TIME_CHOICES, runTimeLabel } from "./run-time-choices.ts";

/**
 * The "Time per run" choice of a session's forms. The current value is offered even when it
 * is not one of the usual choices (a session set through the API).
 */
export function RunTimeField(props: { value: number; onChange: (seconds: number) => void; error?: string }) {
  const choices = [...new Set([...RUN_TIME_CHOICES, props.value])].sort((a, b) => a - b);
  return (
    <SelectField
      label="Time per run"
      name="runTimeLimitSeconds"
      value={String(props.value)}
      onChange={(e) => props.onChange(Number(e.target.value))}
      error={props.error}
    >
      {choices.map((seconds) => (
        <option key={seconds} value={seconds}>
          {runTimeLabel(seconds)}
        </option>
      ))}
    </SelectField>
  );
}
