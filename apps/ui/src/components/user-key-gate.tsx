import { useState, type FormEvent, type ReactNode } from 'react';
import { sessionStore } from '../session/session.store';
import { useSession } from '../session/use-session';
import { Field } from './field';

interface UserKeyGateProps {
  /** What the key is needed for, e.g. "the router's live state". */
  readonly purpose: string;
  readonly children: ReactNode;
}

/**
 * Some views read user-plane routes (`/router/info`, `/metrics`, `/v1/*`), which take a user key
 * (the master key or a virtual key), not the admin key. Without one, this asks for it; it is kept
 * in memory only, like the admin key.
 */
export function UserKeyGate({ purpose, children }: UserKeyGateProps) {
  const { userKey } = useSession();
  if (userKey) return <>{children}</>;
  return <UserKeyForm purpose={purpose} />;
}

export function UserKeyForm({ purpose }: { readonly purpose: string }) {
  const { userKeyNotice } = useSession();
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (value.trim().length < 8) {
      setError('Enter the master key or a virtual key (at least 8 characters)');
      return;
    }
    sessionStore.setUserKey(value.trim());
  };
  return (
    <form className="card user-key-form" onSubmit={submit} aria-label="Give a user key">
      <p>
        A user key is needed for {purpose}. It is sent as <code>Authorization: Bearer</code> and
        kept in this tab&apos;s memory only.
      </p>
      {userKeyNotice ? (
        <p role="alert" className="notice notice-error">
          {userKeyNotice}
        </p>
      ) : null}
      <Field
        label="User key"
        type="password"
        value={value}
        onChange={setValue}
        error={error}
        autoComplete="off"
        hint="The master key or a virtual key (sk-…)."
      />
      <button type="submit" className="primary">
        Use this user key
      </button>
    </form>
  );
}
