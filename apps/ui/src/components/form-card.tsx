import type { FormEvent, ReactNode } from 'react';
import { ErrorNotice } from './notice';

interface FormCardProps {
  /** The heading, also the form's accessible name. */
  readonly title: string;
  readonly submitLabel: string;
  readonly onSubmit: (event: FormEvent) => void;
  readonly onCancel: () => void;
  readonly pending: boolean;
  /** The gateway's refusal of the last submit. */
  readonly error: unknown;
  readonly children: ReactNode;
}

/** A create or edit form in a card: title, the gateway's refusal, fields, submit and cancel. */
export function FormCard(props: FormCardProps) {
  return (
    <form className="card" onSubmit={props.onSubmit} aria-label={props.title} noValidate>
      <h2>{props.title}</h2>
      <ErrorNotice error={props.error} title="The gateway refused" />
      <div className="form-grid">{props.children}</div>
      <div className="actions">
        <button type="submit" className="primary" disabled={props.pending}>
          {props.submitLabel}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** The page action that opens a create or register form (expanded while it is open). */
export function OpenFormButton(props: {
  readonly label: string;
  readonly open: boolean;
  readonly onOpen: () => void;
}) {
  return (
    <button type="button" className="primary" aria-expanded={props.open} onClick={props.onOpen}>
      {props.label}
    </button>
  );
}
