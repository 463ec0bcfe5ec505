import { useState, type Dispatch, type SetStateAction } from 'react';

/** The keys of `T` whose values are text (what an input or a select edits). */
export type TextKeys<T> = { [K in keyof T]-?: T[K] extends string ? K : never }[keyof T];

/** An input's value and change handler: `<Field label="Alias" {...bind('alias')} />`. */
export interface Binding {
  readonly value: string;
  readonly onChange: (value: string) => void;
}

export interface DraftState<T> {
  readonly draft: T;
  readonly setDraft: Dispatch<SetStateAction<T>>;
  readonly bind: (field: TextKeys<T>) => Binding;
}

/** A form's values as typed, with one binding per text field. */
export function useDraft<T extends object>(initial: T | (() => T)): DraftState<T> {
  const [draft, setDraft] = useState<T>(initial);
  const bind = (field: TextKeys<T>): Binding => ({
    value: String(draft[field]),
    onChange: (value) => setDraft((current) => ({ ...current, [field]: value })),
  });
  return { draft, setDraft, bind };
}
