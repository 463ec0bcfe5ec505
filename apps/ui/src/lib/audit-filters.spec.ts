import { auditQuery, NO_AUDIT_FILTERS } from './audit-filters';

describe(auditQuery.name, () => {
  it('sends only the filters given', () => {
    expect(auditQuery(NO_AUDIT_FILTERS)).toEqual({ query: { limit: '50' }, errors: null });
    expect(
      auditQuery({
        ...NO_AUDIT_FILTERS,
        actor: ' admin ',
        action: 'key.generate',
        outcome: 'denied',
      }).query,
    ).toEqual({
      limit: '50',
      actor: 'admin',
      action: 'key.generate',
      outcome: 'denied',
    });
  });

  it('turns local days into instants that include both days', () => {
    const { query } = auditQuery({ ...NO_AUDIT_FILTERS, since: '2026-01-10', until: '2026-01-10' });
    const since = new Date(query!.since!);
    const until = new Date(query!.until!);
    expect(since.getDate()).toBe(10);
    expect(since.getHours()).toBe(0);
    expect(until.getDate()).toBe(10);
    expect(until.getHours()).toBe(23);
    expect(until.getTime() - since.getTime()).toBe(24 * 3600 * 1000 - 1);
  });

  it('refuses bad actions and reversed ranges', () => {
    expect(auditQuery({ ...NO_AUDIT_FILTERS, action: 'key generate' }).errors).toEqual({
      action: 'Use an action like key.generate',
    });
    expect(
      auditQuery({ ...NO_AUDIT_FILTERS, since: '2026-02-02', until: '2026-02-01' }).errors,
    ).toEqual({
      until: 'Must not be before the start',
    });
  });
});
