import type { ReactNode } from 'react';
import { A2aPage } from '../pages/a2a/a2a.page';
import { AuditPage } from '../pages/audit/audit.page';
import { KeysPage } from '../pages/keys/keys.page';
import { McpPage } from '../pages/mcp/mcp.page';
import { ModelsPage } from '../pages/models/models.page';
import { OverviewPage } from '../pages/overview/overview.page';
import { RoutingPage } from '../pages/routing/routing.page';
import { SettingsPage } from '../pages/settings/settings.page';
import { TeamsPage } from '../pages/teams/teams.page';

export interface ConsoleRoute {
  readonly path: string;
  readonly label: string;
  readonly render: () => ReactNode;
}

/** The console's pages, in navigation order. */
export const ROUTES: readonly ConsoleRoute[] = [
  { path: '/', label: 'Overview', render: () => <OverviewPage /> },
  { path: '/models', label: 'Models', render: () => <ModelsPage /> },
  { path: '/keys', label: 'Keys', render: () => <KeysPage /> },
  { path: '/teams', label: 'Teams', render: () => <TeamsPage /> },
  { path: '/routing', label: 'Routing', render: () => <RoutingPage /> },
  { path: '/mcp', label: 'MCP', render: () => <McpPage /> },
  { path: '/a2a', label: 'A2A', render: () => <A2aPage /> },
  { path: '/audit', label: 'Audit log', render: () => <AuditPage /> },
  { path: '/settings', label: 'Settings', render: () => <SettingsPage /> },
];
