import { ErrorBoundary } from './components/error-boundary';
import { Shell } from './components/shell';
import { SignInPage } from './pages/sign-in.page';
import { useSession } from './session/use-session';

/** Signed out: the sign-in page. Signed in: the console. */
export function App() {
  const { adminKey } = useSession();
  return <ErrorBoundary>{adminKey ? <Shell /> : <SignInPage />}</ErrorBoundary>;
}
