import type { ReactNode } from 'react';

interface DataTableProps {
  readonly caption: ReactNode;
  /** The column headings; a falsy entry leaves its column out. */
  readonly columns: ReadonlyArray<string | false | null>;
  readonly testId?: string;
  /** The rows (`<tr>`s). */
  readonly children: ReactNode;
}

/** A captioned table that scrolls sideways on narrow screens. */
export function DataTable({ caption, columns, testId, children }: DataTableProps) {
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) =>
              column ? (
                <th key={column} scope="col">
                  {column}
                </th>
              ) : null,
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
