import { useEffect, useRef, useState, type FormEvent } from 'react';
import { gatewayFetch } from '../api/gateway-client';
import { GatewayError } from '../api/gateway-error';
import { Field } from '../components/field';
import { ErrorNotice } from '../components/notice';
import { useAction } from '../lib/use-action';
import { sessionStore } from '../session/session.store';
import { useSession } from '../session/use-session';

/** Checks the keys against the gateway before anything else sees them. */
async function verify(adminKey: string, userKey: string | null): Promise<true> {
  await gatewayFetch('/config/sync/status', {
    auth: 'none',
    headers: { 'x-admin-api-key': adminKey },
  });
  if (userKey) {
    await gatewayFetch('/v1/models', {
      auth: 'none',
      headers: { authorization: `Bearer ${userKey}` },
    }).catch((error: unknown) => {
      if (!(error instanceof GatewayError)) throw error;
      const { status, code, message, param, requestId } = error;
      throw new GatewayError(status, code, `User key: ${message}`, param, requestId);
    });
  }
  return true;
}

export function SignInPage() {
  const { signInNotice } = useSession();
  const [adminKey, setAdminKey] = useState('');
  const [userKey, setUserKey] = useState('');
  const [errors, setErrors] = useState<{ admin?: string; user?: string }>({});
  const heading = useRef<HTMLHeadingElement>(null);
  const signIn = useAction(verify);

  useEffect(() => {
    document.title = 'Sign in · RouteIQ Console';
    heading.current?.focus();
  }, []);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const admin = adminKey.trim();
    const user = userKey.trim() || null;
    const problems = {
      admin: admin === '' ? 'Enter an admin key' : undefined,
      user: user !== null && user.length < 8 ? 'A user key has at least 8 characters' : undefined,
    };
    setErrors(problems);
    if (problems.admin || problems.user) return;
    if (await signIn.run(admin, user)) sessionStore.signIn(admin, user);
  };

  return (
    <main id="main" className="sign-in">
      <form
        className="card"
        onSubmit={(event) => void submit(event)}
        aria-labelledby="sign-in-title"
        noValidate
      >
        <h1 id="sign-in-title" ref={heading} tabIndex={-1}>
          RouteIQ Console
        </h1>
        <p className="muted">
          Sign in with an admin key (<code>ADMIN_API_KEYS</code>). Keys stay in this tab&apos;s
          memory: reloading or closing it signs you out.
        </p>
        {signInNotice ? (
          <p role="alert" className="notice notice-error" data-testid="sign-in-notice">
            {signInNotice}
          </p>
        ) : null}
        <ErrorNotice error={signIn.error} title="Sign-in failed" />
        <Field
          label="Admin key"
          type="password"
          value={adminKey}
          onChange={setAdminKey}
          error={errors.admin}
          required
          hint="Sent as X-Admin-API-Key."
        />
        <Field
          label="User key (optional)"
          type="password"
          value={userKey}
          onChange={setUserKey}
          error={errors.user}
          hint="The master key or a virtual key: needed for live metrics, models, routing status and the playground. You can also give it later."
        />
        <button type="submit" className="primary" disabled={signIn.pending}>
          {signIn.pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
