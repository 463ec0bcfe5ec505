import { useState } from 'react';
import { useAction, type Action } from './use-action';

/** What the page's form is doing: creating, editing `item`, or closed. */
export type Editing<T> = { kind: 'create' } | { kind: 'edit'; item: T } | null;

export interface ListEditor<T> {
  readonly editing: Editing<T>;
  /** Opens the create form (and clears the last result). */
  readonly create: () => void;
  readonly edit: (item: T) => void;
  readonly close: () => void;
  /** The last result, for the page's status region. */
  readonly status: string;
  /** A row action (block, delete…): runs it, shows the message it answers, loads the list again. */
  readonly rowAction: Action<[run: () => Promise<string>], void>;
  /** A form's send: writes the body, closes the form, shows `message(result)`, loads the list. */
  readonly saveWith: <R>(
    write: (body: Record<string, unknown>) => Promise<R>,
    message: (result: R) => string,
  ) => (body: Record<string, unknown>) => Promise<void>;
}

/** The create, edit and row-action flow of a list page (keys, teams); `reload` loads the list. */
export function useListEditor<T>(reload: () => void): ListEditor<T> {
  const [editing, setEditing] = useState<Editing<T>>(null);
  const [status, setStatus] = useState('');
  const rowAction = useAction(async (run: () => Promise<string>) => {
    setStatus(await run());
    reload();
  });
  return {
    editing,
    create: () => {
      setStatus('');
      setEditing({ kind: 'create' });
    },
    edit: (item) => setEditing({ kind: 'edit', item }),
    close: () => setEditing(null),
    status,
    rowAction,
    saveWith: (write, message) => async (body) => {
      const result = await write(body);
      setEditing(null);
      setStatus(message(result));
      reload();
    },
  };
}
