import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import './styles.css';
import { lazyView } from './components/lazy';
import { Empty, PageHeader } from './components/ui';
import { homePath, SECTIONS, sectionOf } from './lib/navigation';
import { matchPath, navigate, startRouter } from './lib/router';
import { useLocation } from './lib/useLocation';
import { Shell } from './Shell';
import { session } from './state/session';
import { useStore } from './state/store';
import { Login } from './views/Login';

const CallLog = lazyView(() => import('./views/CallLog'));
const Reports = lazyView<{ kind: 'queues' | 'agents' }>(() => import('./views/Reports'));
const DataQuality = lazyView(() => import('./views/DataQuality'));
const Admin = lazyView<{ section: string }>(() => import('./views/admin/Admin'));
const AgentHome = lazyView(() => import('./views/AgentHome'));
const Wallboard = lazyView(() => import('./live/Wallboard'));


function NotAllowed() {
  return (
    <>
      <PageHeader title="Not available" />
      <Empty>Your role does not give access to this page. Pick one of the pages in the menu.</Empty>
    </>
  );
}

function Routes(props: { path: string; permissions: string[]; agentId: number | null }) {
  const { path } = props;
  const section = sectionOf(path);
  if (section && !section.allowed(new Set(props.permissions), { agentId: props.agentId })) return <NotAllowed />;
  if (path === '/home') return <AgentHome />;
  if (path === '/wallboard') return <Wallboard />;
  if (path === '/calls') return <CallLog />;
  const report = matchPath('/reports/:kind', path);
  if (report && (report.kind === 'queues' || report.kind === 'agents')) return <Reports kind={report.kind} />;
  if (path === '/data-quality') return <DataQuality />;
  const admin = matchPath('/admin/:section', path);
  if (admin && SECTIONS.some((s) => s.path === path)) return <Admin section={admin.section!} />;
  if (path === '/welcome') {
    return (
      <>
        <PageHeader title="Welcome" />
        <Empty>There is nothing for your role here yet. Summaries shared with you will appear on this page.</Empty>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Page not found" />
      <Empty>
        There is no page at <code>{path}</code>. <a href="/">Go to the start page</a>.
      </Empty>
    </>
  );
}

function App() {
  const state = useStore(session.state);
  const loc = useLocation();

  useEffect(() => {
    void session.restore();
  }, []);

  // Keep the address bar in line with the session: /login when signed out, never /login when in.
  useEffect(() => {
    if (state.status === 'signed_out' && loc.path !== '/login') {
      const back = state.returnTo ? '?next=' + encodeURIComponent(state.returnTo) : '';
      navigate('/login' + back, { replace: true });
    }
    if (state.status === 'signed_in' && (loc.path === '/login' || loc.path === '/')) {
      const next = loc.query.get('next');
      const safe = next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : null;
      navigate(safe ?? homePath(state.me.permissions, state.me.agent_id ?? null), { replace: true });
    }
  }, [state, loc.path]);

  useEffect(() => {
    const section = sectionOf(loc.path);
    document.title = state.status === 'signed_in' ? `${section?.label ?? 'Callboard'} · Callboard` : 'Sign in · Callboard';
  }, [loc.path, state.status]);

  if (state.status === 'loading') {
    return (
      <div class="boot" role="status">
        Loading Callboard…
      </div>
    );
  }
  if (state.status === 'signed_out') return <Login message={state.message} onSignedIn={() => undefined} />;
  if (loc.path === '/login' || loc.path === '/') return <div class="boot" role="status">Loading…</div>;
  return (
    <Shell me={state.me}>
      <Routes key={loc.path} path={loc.path} permissions={state.me.permissions} agentId={state.me.agent_id ?? null} />
    </Shell>
  );
}

startRouter();
render(<App />, document.getElementById('app')!);
