import { LANGUAGE_INFO, LANGUAGES, type Language } from "@observer/protocol";
import { useId } from "react";

/**
 * The language of a document; switching never deletes code. With `only` (the teacher locked
 * the language) no other language is offered: the document's current one, if it differs,
 * shows but cannot be chosen again.
 */
export function LanguageSelect({
  value,
  disabled,
  only,
  onChange,
}: {
  value: Language;
  disabled?: boolean;
  only?: Language | null;
  onChange: (language: Language) => void;
}) {
  const offered = only ? LANGUAGES.filter((language) => language === only || language === value) : LANGUAGES;
  const id = useId();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor={id} className="text-sm font-medium text-slate-700 dark:text-slate-300">
        Language
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value as Language)}
        className="h-9 rounded-lg border border-slate-300 bg-white px-2 text-sm text-slate-900 shadow-sm focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/40 focus:outline-none disabled:opacity-60 dark:border-slate-600 dark:bg-slate-950 dark:text-slate-100"
      >
        {offered.map((language) => (
          <option key={language} value={language} disabled={Boolean(only) && language !== only}>
            {LANGUAGE_INFO[language].label}
          </option>
        ))}
      </select>
    </div>
  );
}
