import { ConfigValidationError } from '@routeiq/config';
import { resolveAuditConfig } from './audit.config';

describe('resolveAuditConfig', () => {
  it('is enabled and fails open by default', () => {
    expect(resolveAuditConfig({})).toEqual({ enabled: true, failMode: 'open' });
    expect(resolveAuditConfig({ AUDIT_LOG_ENABLED: ' ', AUDIT_LOG_FAIL_MODE: '' })).toEqual({
      enabled: true,
      failMode: 'open',
    });
  });

  it('reads both variables', () => {
    expect(
      resolveAuditConfig({ AUDIT_LOG_ENABLED: 'false', AUDIT_LOG_FAIL_MODE: 'Closed' }),
    ).toEqual({
      enabled: false,
      failMode: 'closed',
    });
  });

  it('names every bad variable', () => {
    const attempt = () =>
      resolveAuditConfig({ AUDIT_LOG_ENABLED: 'maybe', AUDIT_LOG_FAIL_MODE: 'sometimes' });
    expect(attempt).toThrow(ConfigValidationError);
    expect(attempt).toThrow(/AUDIT_LOG_ENABLED[\s\S]*AUDIT_LOG_FAIL_MODE/);
  });
});
