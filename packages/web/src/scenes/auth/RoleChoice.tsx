import type { PublicConfig } from "@observer/protocol";

export type SignupRole = "teacher" | "student";

const OPTIONS: { value: SignupRole; label: string; help: string }[] = [
  { value: "teacher", label: "Teacher", help: "Create sessions and watch your students code." },
  { value: "student", label: "Student", help: "Join a session with the code your teacher gives you." },
];

/**
 * The teacher/student radio group. When teacher sign-up is closed the teacher option is
 * disabled and the reason is given.
 */
export function RoleChoice({
  value,
  onChange,
  config,
  error,
}: {
  value: SignupRole | null;
  onChange: (role: SignupRole) => void;
  config: PublicConfig | undefined;
  error?: string | undefined;
}) {
  const teacherClosed = config?.teacherSignup === "closed" && !config.firstAccount;
  return (
    <fieldset aria-describedby={error ? "role-error" : teacherClosed ? "role-closed" : undefined}>
      <legend className="text-sm font-medium text-slate-800 dark:text-slate-200">I am a…</legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        {OPTIONS.map((option) => {
          const disabled = option.value === "teacher" && teacherClosed;
          return (
            <label
              key={option.value}
              className={`flex gap-3 rounded-lg border p-3 text-sm has-[:checked]:border-indigo-500 has-[:checked]:bg-indigo-50 has-[:focus-visible]:ring-2 has-[:focus-visible]:ring-indigo-500 dark:has-[:checked]:border-indigo-400 dark:has-[:checked]:bg-indigo-950/60 ${
                disabled
                  ? "cursor-not-allowed border-slate-200 opacity-60 dark:border-slate-700"
                  : "cursor-pointer border-slate-300 hover:border-slate-400 dark:border-slate-600 dark:hover:border-slate-500"
              }`}
            >
              <input
                type="radio"
                name="role"
                value={option.value}
                checked={value === option.value}
                disabled={disabled}
                onChange={() => onChange(option.value)}
                className="mt-0.5 size-4 accent-indigo-600 focus-visible:outline-none"
              />
              <span>
                <span className="block font-semibold text-slate-900 dark:text-white">{option.label}</span>
                <span className="block text-slate-600 dark:text-slate-400">{option.help}</span>
              </span>
            </label>
          );
        })}
      </div>
      {teacherClosed && (
        <p id="role-closed" className="mt-2 text-xs text-slate-600 dark:text-slate-400">
          Teacher sign-up is closed on this server. Sign up as a student, or ask an administrator to make you
          a teacher.
        </p>
      )}
      {error && (
        <p id="role-error" className="mt-2 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}
