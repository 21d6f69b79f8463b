import { type ChangeEvent, useState } from "react";
import { type Action, useAction } from "./useAction.ts";

type FieldElement = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;

/** A form of text fields named as the API names them, and the request it sends. */
export interface Form<V extends Record<string, string>> extends Action {
  values: V;
  /** Changes some values (e.g. clears them after a success). */
  set: (patch: Partial<V>) => void;
  /** What a field of `fields.tsx` takes to edit the value `name`. */
  field: (name: keyof V & string) => FieldBinding;
}

/** A text field bound to a form: its name, value, change handler and the API's issue with it. */
export interface FieldBinding {
  name: string;
  value: string;
  onChange: (event: ChangeEvent<FieldElement>) => void;
  error: string | undefined;
}

/** The values of a form's text fields, with the busy and error state of its request (see useAction). */
export function useForm<V extends Record<string, string>>(initial: V): Form<V> {
  const [values, setValues] = useState(initial);
  const action = useAction();
  const set = (patch: Partial<V>) => setValues((current) => ({ ...current, ...patch }));
  const field: Form<V>["field"] = (name) => ({
    name,
    value: values[name] ?? "",
    onChange: (event) => set({ [name]: event.target.value } as Partial<V>),
    error: action.apiError?.issueFor(name),
  });
  return { ...action, values, set, field };
}
