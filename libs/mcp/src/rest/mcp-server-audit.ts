import { noteAuditResource, type GatewayRequest } from '@routeiq/common';
import type { McpServerView } from '../registry/mcp-server.view';

/**
 * Names the server an audited write acts on before it runs, so a failed write is attributed too;
 * returns the id for the call.
 */
export function auditServerId(req: GatewayRequest, serverId: string): string {
  noteAuditResource(req, serverId.slice(0, 80));
  return serverId;
}

/** Notes the written server with a few non-secret facts (never its URL, headers or credential). */
export function auditedView(req: GatewayRequest, view: McpServerView): McpServerView {
  noteAuditResource(req, view.server_id, {
    server_name: view.server_name,
    transport: view.transport,
    auth_type: view.auth_type,
    enabled: view.enabled,
    mcp_access_groups: view.mcp_access_groups,
  });
  return view;
}
