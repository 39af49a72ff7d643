import { describe, expect, it } from 'vitest';
import { homePath, sectionOf, sectionsFor } from './navigation';
import { matchPath } from './router';

describe('navigation by role', () => {
  it('offers an agent only its own day and calls', () => {
    const labels = sectionsFor(['view_own_performance', 'set_own_status', 'read_org'], 7).map((s) => s.label);
    expect(labels).toEqual(['My day', 'Calls']);
    expect(homePath(['view_own_performance'], 7)).toBe('/home');
  });
  it('hides My day from users without a linked agent', () => {
    expect(sectionsFor(['view_own_performance'], null).map((s) => s.path)).toEqual(['/calls']);
  });
  it('offers an administrator the admin sections', () => {
    const paths = sectionsFor(['manage_users', 'manage_org', 'manage_tokens', 'view_audit', 'manage_sources', 'configure_metrics'], null).map((s) => s.path);
    expect(paths).toEqual([
      '/data-quality',
      '/admin/users',
      '/admin/agents',
      '/admin/teams',
      '/admin/sites',
      '/admin/lobs',
      '/admin/queues',
      '/admin/pause-reasons',
      '/admin/sources',
      '/admin/tokens',
      '/admin/audit',
    ]);
  });
  it('offers queue settings and pause reasons, not the organisation, to metric configurers', () => {
    const labels = sectionsFor(['configure_metrics', 'read_org'], null).map((s) => s.label);
    expect(labels).toEqual(['Queues', 'Pause reasons']);
  });
  it('sends a user with nothing to open to the welcome page', () => {
    expect(homePath(['view_approved_insights'], null)).toBe('/welcome');
  });
  it('finds the section of a nested path', () => {
    expect(sectionOf('/reports/agents')?.label).toBe('Agent report');
    expect(sectionOf('/calls/12')?.path).toBe('/calls');
    expect(sectionOf('/nowhere')).toBeUndefined();
  });
});

describe('matchPath', () => {
  it('extracts parameters', () => {
    expect(matchPath('/calls/:id', '/calls/42')).toEqual({ id: '42' });
    expect(matchPath('/calls/:id', '/calls')).toBeNull();
    expect(matchPath('/reports/:kind', '/reports/queues/')).toEqual({ kind: 'queues' });
  });
});
