import type { ReactNode } from 'react';
import type { Resource } from '../lib/use-resource';
import { ErrorNotice, InfoNotice, Loading } from './notice';

interface ResourceListProps<T, I> {
  readonly resource: Resource<T>;
  /** Names the error notice ("Keys: …"). */
  readonly title: string;
  /** Completes "Loading …". */
  readonly what: string;
  /** Shown when the list is empty. */
  readonly empty: ReactNode;
  readonly items: (data: T) => readonly I[];
  /** The list, drawn when it has items. */
  readonly children: (items: readonly I[], data: T) => ReactNode;
}

/** A loaded list's states: its error, loading the first time, empty, or its items. */
export function ResourceList<T, I>(props: ResourceListProps<T, I>) {
  const { data, error, loading } = props.resource;
  const items = data === undefined ? undefined : props.items(data);
  return (
    <>
      <ErrorNotice error={error} title={props.title} />
      {loading && data === undefined ? <Loading what={props.what} /> : null}
      {items?.length === 0 ? <InfoNotice>{props.empty}</InfoNotice> : null}
      {items?.length && data !== undefined ? props.children(items, data) : null}
    </>
  );
}
