import { useState } from 'react';
import { useAction, type Action } from './use-action';

export interface Registry {
  /** The register form is open. */
  readonly registering: boolean;
  readonly setRegistering: (open: boolean) => void;
  /** The last result, for the page's status region. */
  readonly status: string;
  /** Removes an entry by id; its error is the page's "Not removed" notice. */
  readonly remove: Action<[id: string], void>;
  /** The register form's success: closes it and says so. */
  readonly registered: (id: string) => void;
}

/**
 * A registry page's register and remove flow (MCP servers, A2A agents): `noun` names an entry in
 * messages ("Server search registered."); `changed` runs after either, to load the list again.
 */
export function useRegistry(
  noun: string,
  removeEntry: (id: string) => Promise<unknown>,
  changed: (removedId?: string) => void,
): Registry {
  const [registering, setRegistering] = useState(false);
  const [status, setStatus] = useState('');
  const remove = useAction(async (id: string) => {
    await removeEntry(id);
    setStatus(`${noun} ${id} removed.`);
    changed(id);
  });
  const registered = (id: string): void => {
    setRegistering(false);
    setStatus(`${noun} ${id} registered.`);
    changed();
  };
  return { registering, setRegistering, status, remove, registered };
}
