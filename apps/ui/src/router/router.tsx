import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** Where the gateway serves the console; client routes live below it. */
export const BASE_PATH = '/ui';
const NAVIGATE_EVENT = 'routeiq:navigate';

/** The current client route, e.g. `/keys` (`/` for the overview). */
export function currentRoute(): string {
  const { pathname } = window.location;
  const rest = pathname.startsWith(BASE_PATH) ? pathname.slice(BASE_PATH.length) : pathname;
  const route = rest.replace(/\/+$/, '');
  return route === '' ? '/' : route;
}

export function navigate(route: string): void {
  if (route === currentRoute()) return;
  window.history.pushState(null, '', `${BASE_PATH}${route === '/' ? '/' : route}`);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATE_EVENT, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATE_EVENT, listener);
  };
}

export function useRoute(): string {
  return useSyncExternalStore(subscribe, currentRoute);
}

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  readonly to: string;
}

/** A real link (open in a new tab works) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  const handle = (event: MouseEvent<HTMLAnchorElement>): void => {
    onClick?.(event);
    const modified = event.metaKey || event.ctrlKey || event.shiftKey || event.altKey;
    if (event.defaultPrevented || event.button !== 0 || modified) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={`${BASE_PATH}${to === '/' ? '/' : to}`} onClick={handle} {...rest} />;
}
