import { useState, type FormEvent } from 'react';
import type { BodyResult, Errors } from './governance-form';
import { useAction } from './use-action';
import { useDraft, type DraftState } from './use-draft';

export interface BodyForm<T> extends DraftState<T> {
  /** The problems the last submit found, by body field. */
  readonly errors: Errors;
  /** Validates the draft; sends the body only when it has no problems. */
  readonly submit: (event: FormEvent) => void;
  readonly pending: boolean;
  /** What the gateway answered to the last send, when it refused. */
  readonly error: unknown;
}

/** A form that turns its draft into a request body (`toBody`) and sends it (`send`). */
export function useBodyForm<T extends object>(
  initial: T | (() => T),
  toBody: (draft: T) => BodyResult,
  send: (body: Record<string, unknown>) => Promise<unknown>,
): BodyForm<T> {
  const state = useDraft(initial);
  const [errors, setErrors] = useState<Errors>({});
  const action = useAction(send);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const result = toBody(state.draft);
    setErrors(result.errors ?? {});
    if (result.body) void action.run(result.body);
  };
  return { ...state, errors, submit, pending: action.pending, error: action.error };
}
