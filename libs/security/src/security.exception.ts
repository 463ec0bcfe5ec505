import { GatewayException } from '@routeiq/common';

export enum SecurityErrorCode {
  MissingApiKey = 'missing_api_key',
  InvalidApiKey = 'invalid_api_key',
  MissingAdminKey = 'missing_admin_key',
  InvalidAdminKey = 'invalid_admin_key',
  ControlPlaneNotConfigured = 'control_plane_not_configured',
  KeyBlocked = 'key_blocked',
  KeyExpired = 'key_expired',
  PermissionDenied = 'permission_denied',
  ModelNotAllowed = 'model_not_allowed',
  KeyNotFound = 'key_not_found',
  TeamNotFound = 'team_not_found',
  AlreadyExists = 'already_exists',
}

export class SecurityException extends GatewayException {
  static missingApiKey(): SecurityException {
    return new SecurityException({
      status: 401,
      code: SecurityErrorCode.MissingApiKey,
      message: 'Missing API key: send "Authorization: Bearer <key>" (or "x-api-key" or "api-key")',
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

  static keyBlocked(scope: 'key' | 'team'): SecurityException {
    return new SecurityException({
      status: 401,
      code: SecurityErrorCode.KeyBlocked,
      message: scope === 'key' ? 'This API key is blocked' : "This API key's team is blocked",
    });
  }

  static keyExpired(): SecurityException {
    return new SecurityException({
      status: 401,
      code: SecurityErrorCode.KeyExpired,
      message: 'This API key has expired',
    });
  }

  static permissionDenied(permission: string): SecurityException {
    return new SecurityException({
      status: 403,
      code: SecurityErrorCode.PermissionDenied,
      message: `This route needs the "${permission}" permission (or an admin key)`,
      type: 'permission_error',
    });
  }

  static modelNotAllowed(model: string): SecurityException {
    return new SecurityException({
      status: 403,
      code: SecurityErrorCode.ModelNotAllowed,
      message: `This API key may not call model "${model}"`,
      param: 'model',
      type: 'permission_error',
    });
  }

  static keyNotFound(): SecurityException {
    return new SecurityException({
      status: 404,
      code: SecurityErrorCode.KeyNotFound,
      message: 'No such key',
      param: 'key',
    });
  }

  static teamNotFound(teamId: string): SecurityException {
    return new SecurityException({
      status: 404,
      code: SecurityErrorCode.TeamNotFound,
      message: `No team "${teamId}"`,
      param: 'team_id',
    });
  }

  static alreadyExists(what: string, param: string): SecurityException {
    return new SecurityException({
      status: 409,
      code: SecurityErrorCode.AlreadyExists,
      message: `${what} already exists`,
      param,
    });
  }
}
