import { useState } from 'react';
import type { AuditLogPage } from '../../api/api.types';
import { gatewayJson } from '../../api/gateway-client';
import { ErrorNotice, InfoNotice, Loading } from '../../components/notice';
import { Page, Section } from '../../components/page';
import { auditQuery, NO_AUDIT_FILTERS, type AuditFilterDraft } from '../../lib/audit-filters';
import { useResource } from '../../lib/use-resource';
import { AuditFiltersForm } from './audit-filters.form';
import { AuditTable } from './audit-table';

export function AuditPage() {
  const [applied, setApplied] = useState<Record<string, string>>(
    () => auditQuery(NO_AUDIT_FILTERS).query ?? {},
  );
  // Cursors of the pages before the current one; the current page's cursor is last.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const key = JSON.stringify([applied, cursor]);
  const page = useResource(key, (signal) =>
    gatewayJson<AuditLogPage>('/audit/logs', {
      auth: 'admin',
      query: { ...applied, cursor },
      signal,
    }),
  );

  const apply = (draft: AuditFilterDraft): Record<string, string> | null => {
    const result = auditQuery(draft);
    if (result.query) {
      setApplied(result.query);
      setCursors([null]);
    }
    return result.errors;
  };

  return (
    <Page
      title="Audit log"
      description="Control-plane actions: who did what, to what, and how it ended. Newest first."
    >
      <AuditFiltersForm onApply={apply} />
      <Section
        title="Events"
        actions={
          <button type="button" onClick={page.reload}>
            Refresh
          </button>
        }
      >
        <ErrorNotice error={page.error} title="Audit log" />
        {page.loading && !page.data ? <Loading what="audit events" /> : null}
        {page.data?.data.length === 0 ? <InfoNotice>No events match.</InfoNotice> : null}
        {page.data?.data.length ? <AuditTable entries={page.data.data} /> : null}
        <nav className="pager" aria-label="Audit pages">
          <button
            type="button"
            disabled={cursors.length <= 1}
            onClick={() => setCursors(cursors.slice(0, -1))}
          >
            Newer events
          </button>
          <span>Page {cursors.length}</span>
          <button
            type="button"
            disabled={!page.data?.next_cursor}
            onClick={() =>
              page.data?.next_cursor && setCursors([...cursors, page.data.next_cursor])
            }
          >
            Older events
          </button>
        </nav>
      </Section>
    </Page>
  );
}
