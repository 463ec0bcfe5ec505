/**
 * The signed-in session, held in this module's memory only: never localStorage, sessionStorage or
 * a cookie. Reloading or closing the tab signs out.
 */
export interface SessionState {
  /** The control-plane key, sent as `X-Admin-API-Key`. */
  readonly adminKey: string | null;
  /** A user key (master or virtual), sent as `Authorization: Bearer` where the API needs one. */
  readonly userKey: string | null;
  /** Why the session ended (the gateway's message), shown on the sign-in page. */
  readonly signInNotice: string | null;
  /** Why the user key was dropped, shown where a user key is asked for. */
  readonly userKeyNotice: string | null;
}

const SIGNED_OUT: SessionState = {
  adminKey: null,
  userKey: null,
  signInNotice: null,
  userKeyNotice: null,
};

let state: SessionState = SIGNED_OUT;
const listeners = new Set<() => void>();

function update(next: SessionState): void {
  state = next;
  for (const listener of listeners) listener();
}

export const sessionStore = {
  get: (): SessionState => state,

  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  signIn: (adminKey: string, userKey: string | null): void =>
    update({ adminKey, userKey, signInNotice: null, userKeyNotice: null }),

  /** Forgets both keys; `notice` is shown on the sign-in page. */
  signOut: (notice: string | null = null): void => update({ ...SIGNED_OUT, signInNotice: notice }),

  setUserKey: (userKey: string): void => update({ ...state, userKey, userKeyNotice: null }),

  /** Forgets the user key only; `notice` says why. */
  clearUserKey: (notice: string | null = null): void =>
    update({ ...state, userKey: null, userKeyNotice: notice }),
};
