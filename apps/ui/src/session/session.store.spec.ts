import { sessionStore } from './session.store';

describe('sessionStore', () => {
  afterEach(() => sessionStore.signOut());

  it('holds both keys in memory and tells subscribers about changes', () => {
    const seen: Array<string | null> = [];
    const unsubscribe = sessionStore.subscribe(() => seen.push(sessionStore.get().adminKey));
    sessionStore.signIn('admin-key-123', null);
    sessionStore.setUserKey('sk-user');
    unsubscribe();
    sessionStore.signOut();
    expect(seen).toEqual(['admin-key-123', 'admin-key-123']);
    expect(sessionStore.get()).toMatchObject({ adminKey: null, userKey: null });
  });

  it("forgets every key on sign-out and keeps the gateway's reason", () => {
    sessionStore.signIn('admin-key-123', 'sk-user');
    sessionStore.signOut('Invalid admin API key');
    expect(sessionStore.get()).toEqual({
      adminKey: null,
      userKey: null,
      signInNotice: 'Invalid admin API key',
      userKeyNotice: null,
    });
  });

  it('drops a refused user key without ending the admin session', () => {
    sessionStore.signIn('admin-key-123', 'sk-user');
    sessionStore.clearUserKey('The key is blocked');
    expect(sessionStore.get()).toMatchObject({
      adminKey: 'admin-key-123',
      userKey: null,
      userKeyNotice: 'The key is blocked',
    });
  });
});
