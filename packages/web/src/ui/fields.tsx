import {
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
  useId,
} from "react";

export const INPUT_CLASSES =
  "block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-slate-900 shadow-sm placeholder:text-slate-400 focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/40 aria-[invalid=true]:border-red-500 dark:border-slate-600 dark:bg-slate-950 dark:text-slate-100 dark:placeholder:text-slate-500 dark:focus:border-indigo-400";

interface ShellProps {
  label: string;
  /** The API's message for this field; shown under it and linked with aria-describedby. */
  error?: string | undefined;
  hint?: ReactNode;
}

/** What a field gives its control: its id, and its error or hint for assistive technology. */
interface ControlProps {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/** Label, control, hint and error laid out the same way for every field. */
function Field({
  label,
  error,
  hint,
  children,
}: ShellProps & { children: (control: ControlProps) => ReactNode }) {
  const id = useId();
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800 dark:text-slate-200">
        {label}
      </label>
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy })}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-slate-500 dark:text-slate-400">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}

type TextFieldProps = ShellProps & Omit<InputHTMLAttributes<HTMLInputElement>, "id">;

export const TextField = ({ label, error, hint, className = "", ...input }: TextFieldProps) => (
  <Field label={label} error={error} hint={hint}>
    {(control) => <input {...control} className={`${INPUT_CLASSES} h-10 ${className}`} {...input} />}
  </Field>
);

type TextAreaFieldProps = ShellProps & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id">;

export const TextAreaField = ({ label, error, hint, className = "", ...textarea }: TextAreaFieldProps) => (
  <Field label={label} error={error} hint={hint}>
    {(control) => <textarea {...control} className={`${INPUT_CLASSES} ${className}`} {...textarea} />}
  </Field>
);

type SelectFieldProps = ShellProps & Omit<SelectHTMLAttributes<HTMLSelectElement>, "id">;

export function SelectField({ label, error, hint, className = "", children, ...select }: SelectFieldProps) {
  return (
    <Field label={label} error={error} hint={hint}>
      {(control) => (
        <select {...control} className={`${INPUT_CLASSES} h-10 ${className}`} {...select}>
          {children}
        </select>
      )}
    </Field>
  );
}
