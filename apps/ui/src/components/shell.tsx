import { useEffect, useState } from 'react';
import { Link, useRoute } from '../router/router';
import { ROUTES } from '../router/routes';
import { sessionStore } from '../session/session.store';
import { useSession } from '../session/use-session';
import { ErrorBoundary } from './error-boundary';
import { Page } from './page';

/** The signed-in layout: header, collapsible navigation and the current page. */
export function Shell() {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [route]);
  const page = ROUTES.find((candidate) => candidate.path === route);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <button
          type="button"
          className="menu-toggle"
          aria-expanded={menuOpen}
          aria-controls="console-nav"
          onClick={() => setMenuOpen((open) => !open)}
        >
          Menu
        </button>
        <span className="brand">RouteIQ Console</span>
        <SessionControls />
      </header>
      <nav id="console-nav" aria-label="Console" className={menuOpen ? 'nav open' : 'nav'}>
        <ul>
          {ROUTES.map((item) => (
            <li key={item.path}>
              <Link to={item.path} aria-current={item.path === route ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <ErrorBoundary resetKey={route}>{page ? page.render() : <NotFound />}</ErrorBoundary>
      </main>
    </div>
  );
}

function SessionControls() {
  const { userKey } = useSession();
  return (
    <div className="session">
      <span className="muted" data-testid="user-key-state">
        {userKey ? 'User key set' : 'No user key'}
      </span>
      {userKey ? (
        <button type="button" onClick={() => sessionStore.clearUserKey()}>
          Forget user key
        </button>
      ) : null}
      <button type="button" onClick={() => sessionStore.signOut('You signed out.')}>
        Sign out
      </button>
    </div>
  );
}

function NotFound() {
  return (
    <Page title="Page not found">
      <p>
        There is no such page. <Link to="/">Go to the overview</Link>.
      </p>
    </Page>
  );
}
