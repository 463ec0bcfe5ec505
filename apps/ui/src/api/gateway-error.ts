/** An error answered by the gateway (OpenAI shape), or a failure to reach it (`status` 0). */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

interface ErrorEnvelope {
  error?: { message?: unknown; code?: unknown; param?: unknown };
  request_id?: unknown;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/** The gateway's `{ error: { message, code, param }, request_id }`, or a generic error. */
export function errorFromBody(status: number, body: string): GatewayError {
  let envelope: ErrorEnvelope | null = null;
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null) envelope = parsed;
  } catch {
    // Not JSON (a proxy's HTML page, say): the status alone must do.
  }
  const error = envelope?.error;
  const message = text(error?.message) ?? `The gateway answered HTTP ${status}`;
  return new GatewayError(
    status,
    text(error?.code) ?? `http_${status}`,
    message,
    text(error?.param),
    text(envelope?.request_id),
  );
}

/** A failure to reach the gateway at all. */
export function networkError(cause: unknown): GatewayError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new GatewayError(0, 'network_error', `Could not reach the gateway (${detail})`);
}

/** Admin credential failures that end the session (anything else is shown where it happened). */
const SIGN_OUT_CODES = new Set(['control_plane_not_configured']);

export function endsAdminSession(error: GatewayError): boolean {
  return error.status === 401 || (error.status === 403 && SIGN_OUT_CODES.has(error.code));
}

/** A readable message for anything a promise rejected with. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Something went wrong';
}
