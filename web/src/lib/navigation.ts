// What each role may open: the app's sections, from the permissions the server reports.
// The server enforces every permission; this only decides what the app offers.

export interface Section {
  path: string;
  label: string;
  group: 'main' | 'admin';
  // True when the signed-in user may use the section.
  allowed: (perms: ReadonlySet<string>, ctx: { agentId: number | null }) => boolean;
}

const any = (perms: ReadonlySet<string>, ...names: string[]) => names.some((n) => perms.has(n));
const performance = (p: ReadonlySet<string>) => any(p, 'view_own_performance', 'view_team_performance', 'view_all_performance');

export const SECTIONS: Section[] = [
  { path: '/home', label: 'My day', group: 'main', allowed: (p, c) => c.agentId !== null && p.has('view_own_performance') },
  { path: '/wallboard', label: 'Wallboard', group: 'main', allowed: (p) => p.has('view_wallboard') },
  { path: '/calls', label: 'Calls', group: 'main', allowed: performance },
  { path: '/reports/queues', label: 'Queue report', group: 'main', allowed: (p) => p.has('generate_reports') },
  { path: '/reports/agents', label: 'Agent report', group: 'main', allowed: (p) => p.has('generate_reports') },
  { path: '/data-quality', label: 'Data quality', group: 'main', allowed: (p) => p.has('manage_sources') },
  { path: '/admin/users', label: 'Users', group: 'admin', allowed: (p) => p.has('manage_users') },
  { path: '/admin/agents', label: 'Agents', group: 'admin', allowed: (p) => p.has('manage_org') },
  { path: '/admin/teams', label: 'Teams', group: 'admin', allowed: (p) => p.has('manage_org') },
  { path: '/admin/sites', label: 'Sites', group: 'admin', allowed: (p) => p.has('manage_org') },
  { path: '/admin/lobs', label: 'Lines of business', group: 'admin', allowed: (p) => p.has('manage_org') },
  { path: '/admin/queues', label: 'Queues', group: 'admin', allowed: (p) => p.has('configure_metrics') },
  { path: '/admin/pause-reasons', label: 'Pause reasons', group: 'admin', allowed: (p) => p.has('configure_metrics') },
  { path: '/admin/sources', label: 'Sources', group: 'admin', allowed: (p) => p.has('manage_sources') },
  { path: '/admin/tokens', label: 'API tokens', group: 'admin', allowed: (p) => p.has('manage_tokens') },
  { path: '/admin/audit', label: 'Audit log', group: 'admin', allowed: (p) => p.has('view_audit') },
];

export function sectionsFor(permissions: readonly string[], agentId: number | null): Section[] {
  const perms = new Set(permissions);
  return SECTIONS.filter((s) => s.allowed(perms, { agentId }));
}

// Where a user lands after sign-in: the first section offered, or the welcome page.
export function homePath(permissions: readonly string[], agentId: number | null): string {
  return sectionsFor(permissions, agentId)[0]?.path ?? '/welcome';
}

// The section a path belongs to (longest prefix), for the active navigation item.
export function sectionOf(path: string): Section | undefined {
  let best: Section | undefined;
  for (const s of SECTIONS) {
    if ((path === s.path || path.startsWith(s.path + '/')) && (!best || s.path.length > best.path.length)) best = s;
  }
  return best;
}
