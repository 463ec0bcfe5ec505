import { GatewayException } from '@routeiq/common';

export enum SecurityErrorCode {
  MissingApiKey = 'missing_api_key',
  InvalidApiKey = 'invalid_api_key',
  MissingAdminKey = 'missing_admin_key',
  InvalidAdminKey = 'invalid_admin_key',
  ControlPlaneNotConfigured = 'control_plane_not_configured',
}

export class SecurityException extends GatewayException {
  static missingApiKey(): SecurityException {
    return new SecurityException({
      status: 401,
      code: SecurityErrorCode.MissingApiKey,
      message: 'Missing API key: send "Authorization: Bearer <key>"',
    });
  }

  static invalidApiKey(): SecurityException {
    return new SecurityException({
      status: 401,
      code: SecurityErrorCode.InvalidApiKey,
      message: 'Invalid API key',
    });
  }

  static missingAdminKey(): SecurityException {
    return new SecurityException({
      status: 401,
      code: SecurityErrorCode.MissingAdminKey,
      message: 'Missing admin key: send "X-Admin-API-Key: <key>" or "Authorization: Bearer <key>"',
    });
  }

  static invalidAdminKey(): SecurityException {
    return new SecurityException({
      status: 401,
      code: SecurityErrorCode.InvalidAdminKey,
      message: 'Invalid admin key',
    });
  }

  static controlPlaneNotConfigured(): SecurityException {
    return new SecurityException({
      status: 403,
      code: SecurityErrorCode.ControlPlaneNotConfigured,
      message: 'The control plane is not configured: set ADMIN_API_KEYS to enable admin endpoints',
    });
  }
}
