// Administration pages, one chunk: users, teams, sites, queues, sources, tokens, audit log.
import { PageHeader, useFocusTitle } from '../../components/ui';
import Audit from './Audit';
import { Sites, Teams } from './Org';
import Queues from './Queues';
import Sources from './Sources';
import Tokens from './Tokens';
import Users from './Users';

const PAGES: Record<string, { title: string; description: string; view: () => preact.JSX.Element }> = {
  users: { title: 'Users', description: 'Who can sign in, with which role and team.', view: Users },
  teams: { title: 'Teams', description: 'Teams and the sites they work at.', view: Teams },
  sites: { title: 'Sites', description: 'Sites and their time zones.', view: Sites },
  queues: { title: 'Queues', description: 'Service-level threshold, short abandon, formula and target per queue.', view: Queues },
  sources: { title: 'Sources', description: 'Where calls come from.', view: Sources },
  tokens: { title: 'API tokens', description: 'Tokens for systems that post calls or read reports.', view: Tokens },
  audit: { title: 'Audit log', description: 'Every change, newest first; the chain proves nothing was altered.', view: Audit },
};

export default function Admin(props: { section: string }) {
  useFocusTitle();
  const page = PAGES[props.section];
  if (!page) return <PageHeader title="Not found" />;
  const View = page.view;
  return (
    <>
      <PageHeader title={page.title} description={page.description} />
      <View />
    </>
  );
}
