import {
  endsAdminSession,
  errorFromBody,
  GatewayError,
  messageOf,
  networkError,
} from './gateway-error';

describe(errorFromBody.name, () => {
  it("keeps the gateway's message, code, param and request id", () => {
    const error = errorFromBody(
      400,
      '{"error":{"message":"\\"rpm_limit\\" must be a number >= 0","type":"invalid_request_error","code":"invalid_request","param":"rpm_limit"},"request_id":"abc"}',
    );
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      message: '"rpm_limit" must be a number >= 0',
      param: 'rpm_limit',
      requestId: 'abc',
    });
  });

  it('falls back to the status for bodies that are not the error shape', () => {
    expect(errorFromBody(502, '<html>Bad gateway</html>')).toMatchObject({
      code: 'http_502',
      message: 'The gateway answered HTTP 502',
      param: null,
    });
    expect(errorFromBody(500, '{"error":"plain"}').message).toBe('The gateway answered HTTP 500');
  });
});

describe(endsAdminSession.name, () => {
  it('ends the session on bad admin credentials only', () => {
    expect(endsAdminSession(new GatewayError(401, 'invalid_admin_key', 'x'))).toBe(true);
    expect(endsAdminSession(new GatewayError(403, 'control_plane_not_configured', 'x'))).toBe(true);
    expect(endsAdminSession(new GatewayError(403, 'policy_denied', 'x'))).toBe(false);
    expect(endsAdminSession(new GatewayError(400, 'invalid_request', 'x'))).toBe(false);
  });
});

describe(messageOf.name, () => {
  it('reads errors, strings and anything else', () => {
    expect(messageOf(networkError(new TypeError('fetch failed')))).toBe(
      'Could not reach the gateway (fetch failed)',
    );
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(42)).toBe('Something went wrong');
  });
});
