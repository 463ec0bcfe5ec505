import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface ConfirmButtonProps {
  /** The button's text (its accessible name unless `ariaLabel` is given). */
  readonly label: string;
  readonly ariaLabel?: string;
  /** Dialog title, e.g. "Delete key ci-bot?" */
  readonly title: string;
  readonly children?: ReactNode;
  /** The dialog's confirm button, e.g. "Delete key". */
  readonly confirmLabel: string;
  readonly onConfirm: () => void | Promise<unknown>;
  readonly danger?: boolean;
  readonly disabled?: boolean;
}

/**
 * A button that asks first, in a modal dialog (the browser traps focus and Escape cancels).
 * Cancel has the initial focus, so Enter never confirms by accident.
 */
export function ConfirmButton(props: ConfirmButtonProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [open, setOpen] = useState(false);
  const titleId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      cancel.current?.focus();
    }
    if (!open && element.open) element.close();
  }, [open]);

  const confirm = (): void => {
    setOpen(false);
    void props.onConfirm();
  };

  return (
    <>
      <button
        type="button"
        className={props.danger ? 'danger' : undefined}
        aria-label={props.ariaLabel}
        disabled={props.disabled}
        onClick={() => setOpen(true)}
      >
        {props.label}
      </button>
      <dialog ref={dialog} aria-labelledby={titleId} onClose={() => setOpen(false)}>
        <h2 id={titleId}>{props.title}</h2>
        {props.children}
        <div className="actions">
          <button ref={cancel} type="button" onClick={() => setOpen(false)}>
            Cancel
          </button>
          <button type="button" className={props.danger ? 'danger' : 'primary'} onClick={confirm}>
            {props.confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}
