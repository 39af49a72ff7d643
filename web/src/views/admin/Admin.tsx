// Administration pages, one chunk: users, agents, teams, sites, lines of business, queues, pause
// reasons, sources, tokens, audit log.
import { PageHeader, useFocusTitle } from '../../components/ui';
import Agents from './Agents';
import Audit from './Audit';
import { Lobs, Sites, Teams } from './Org';
import PauseReasons from './PauseReasons';
import Queues from './Queues';
import Sources from './Sources';
import Tokens from './Tokens';
import Users from './Users';

const PAGES: Record<string, { title: string; description: string; view: () => preact.JSX.Element }> = {
  users: { title: 'Users', description: 'Who can sign in, with which role and team.', view: Users },
  agents: { title: 'Agents', description: 'Who takes calls: the user each agent signs in as, their team and their identities on the PBX.', view: Agents },
  teams: { title: 'Teams', description: 'Teams, the sites they work at and their line of business.', view: Teams },
  sites: { title: 'Sites', description: 'Sites and their time zones.', view: Sites },
  lobs: { title: 'Lines of business', description: 'The lines of business teams work for (and QA reviewers are scoped to).', view: Lobs },
  queues: { title: 'Queues', description: 'Service-level threshold, short abandon, formula and target per queue.', view: Queues },
  'pause-reasons': { title: 'Pause reasons', description: 'What agents pause with: colour, productive time and the longest pause before an alert.', view: PauseReasons },
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
