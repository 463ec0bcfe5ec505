import { useEffect, useId, useRef, useState } from 'react';

interface SecretOncePanelProps {
  readonly title: string;
  readonly secret: string;
  /** Called when the operator is done: the caller must forget the secret. */
  readonly onDismiss: () => void;
}

/**
 * Shows a new key the one time the gateway returns it. It is never shown again: the gateway keeps
 * only its hash, and the console forgets it when this panel is dismissed.
 */
export function SecretOncePanel({ title, secret, onDismiss }: SecretOncePanelProps) {
  const [copied, setCopied] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const id = useId();

  useEffect(() => headingRef.current?.focus(), []);

  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied to the clipboard.');
    } catch {
      input.current?.select();
      setCopied('Copying is blocked here: the key is selected, press Ctrl+C (⌘C) to copy it.');
    }
  };

  return (
    <section className="secret-panel" aria-labelledby={`${id}-title`} data-testid="secret-once">
      <h2 id={`${id}-title`} ref={headingRef} tabIndex={-1}>
        {title}
      </h2>
      <p>Copy it now: this is the only time it is shown. The gateway stores only its hash.</p>
      <label htmlFor={`${id}-value`}>New key</label>
      <div className="secret-row">
        <input id={`${id}-value`} ref={input} className="mono" readOnly value={secret} />
        <button type="button" onClick={() => void copy()}>
          Copy key
        </button>
      </div>
      <p role="status" aria-live="polite" className="muted">
        {copied}
      </p>
      <button type="button" className="primary" onClick={onDismiss}>
        I have stored the key
      </button>
    </section>
  );
}
