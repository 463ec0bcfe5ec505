import type { ReactNode } from 'react';
import { GatewayError, messageOf } from '../api/gateway-error';

/** A polite live region: results of async actions are announced to screen readers. */
export function StatusMessage({ children }: { readonly children: ReactNode }) {
  return (
    <div role="status" aria-live="polite" className="status-region">
      {children ? <p className="notice notice-success">{children}</p> : null}
    </div>
  );
}

/** The gateway's error message (and its code and request id), announced at once. */
export function ErrorNotice({
  error,
  title,
}: {
  readonly error: unknown;
  readonly title?: string;
}) {
  if (!error) return null;
  const gateway = error instanceof GatewayError ? error : null;
  return (
    <div role="alert" className="notice notice-error">
      {title ? <strong>{title}: </strong> : null}
      <span data-testid="error-message">{messageOf(error)}</span>
      {gateway && gateway.status > 0 ? (
        <span className="muted">
          {' '}
          ({gateway.status} {gateway.code}
          {gateway.requestId ? `, request ${gateway.requestId}` : ''})
        </span>
      ) : null}
    </div>
  );
}

/** A neutral explanation box (feature off, nothing yet…). */
export function InfoNotice({ children }: { readonly children: ReactNode }) {
  return <div className="notice notice-info">{children}</div>;
}

/** Shown while a view loads for the first time. */
export function Loading({ what }: { readonly what: string }) {
  return (
    <p className="muted" aria-busy="true">
      Loading {what}…
    </p>
  );
}
