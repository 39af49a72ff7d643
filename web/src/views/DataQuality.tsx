// Data quality: every source with its status and lag, the data-quality findings per source
// and kind, and the rejected input lines.
import { api } from '../api/client';
import type { DiagnosticsPage, Page, Reject, Source } from '../api/types';
import { useAsync } from '../components/async';
import { DataTable, Empty, ErrorBox, Loading, PageHeader, useFocusTitle } from '../components/ui';
import { formatDateTime, formatDuration, humanize } from '../lib/format';
import { timeZone } from '../state/prefs';
import { useStore } from '../state/store';

export function SourceState(props: { source: Source }) {
  const st = props.source.status;
  if (props.source.kind === 'push') return <span class="badge">Push</span>;
  if (!st) return <span class="badge">Unknown</span>;
  const state = String(st.state ?? (st.connected ? 'connected' : 'stopped'));
  // starting, connected, listening, following, waiting, error
  const good = state === 'connected' || state === 'listening' || state === 'following';
  return <span class={'badge ' + (state === 'error' ? 'badge-failed' : good ? 'badge-answered' : 'badge-timeout')}>{humanize(state)}</span>;
}

export default function DataQuality() {
  useFocusTitle();
  const tz = useStore(timeZone);
  const sources = useAsync((s) => api.get<Page<Source>>('/api/v1/sources', s), []);
  const diags = useAsync((s) => api.get<DiagnosticsPage>('/api/v1/ingest/diagnostics?limit=100', s), []);
  const rejects = useAsync((s) => api.get<Page<Reject>>('/api/v1/ingest/rejects?limit=100', s), []);
  return (
    <>
      <PageHeader title="Data quality" description="Sources, their lag, and what the import could not use." />
      <section aria-labelledby="dq-sources">
        <h2 id="dq-sources">Sources</h2>
        {sources.error ? (
          <ErrorBox error={sources.error} onRetry={sources.reload} />
        ) : !sources.data ? (
          <Loading />
        ) : sources.data.items.length === 0 ? (
          <Empty>No sources yet. Add one under Administration → Sources, or import a file.</Empty>
        ) : (
          <DataTable
            caption="Sources"
            rows={sources.data.items}
            rowKey={(s) => s.id}
            columns={[
              { key: 'name', label: 'Name', sort: (s) => s.name, render: (s) => s.name },
              { key: 'kind', label: 'Kind', sort: (s) => s.kind, render: (s) => s.kind },
              { key: 'format', label: 'Format', render: (s) => s.format },
              { key: 'state', label: 'Status', render: (s) => <SourceState source={s} /> },
              { key: 'last', label: 'Last event', render: (s) => formatDateTime((s.status?.last_event_at as string | undefined) ?? null, tz) },
              { key: 'lag', label: 'Lag', align: 'end', sort: (s) => (s.status?.lag_s as number | undefined) ?? null, render: (s) => formatDuration((s.status?.lag_s as number | undefined) ?? null) },
              { key: 'error', label: 'Last error', render: (s) => (s.status?.last_error as string | undefined) || '—' },
            ]}
          />
        )}
      </section>
      <section aria-labelledby="dq-diag">
        <h2 id="dq-diag">Findings</h2>
        {diags.error ? (
          <ErrorBox error={diags.error} onRetry={diags.reload} />
        ) : !diags.data ? (
          <Loading />
        ) : diags.data.counts.length === 0 ? (
          <Empty>No findings: every imported call was complete and consistent.</Empty>
        ) : (
          <>
            <ul class="count-list">
              {diags.data.counts.map((c) => (
                <li key={c.source_id + c.kind}>
                  <strong>{c.count}</strong> {humanize(c.kind)} <span class="muted">in {c.source}</span>
                </li>
              ))}
            </ul>
            <DataTable
              caption="Latest findings"
              rows={diags.data.items}
              rowKey={(d) => d.id}
              columns={[
                { key: 'at', label: 'When', sort: (d) => d.at, render: (d) => formatDateTime(d.at, tz) },
                { key: 'source', label: 'Source', render: (d) => d.source },
                { key: 'kind', label: 'Kind', sort: (d) => d.kind, render: (d) => humanize(d.kind) },
                { key: 'line', label: 'Line', align: 'end', render: (d) => d.line },
                { key: 'detail', label: 'Detail', render: (d) => d.detail },
              ]}
            />
          </>
        )}
      </section>
      <section aria-labelledby="dq-rejects">
        <h2 id="dq-rejects">Rejected lines</h2>
        {rejects.error ? (
          <ErrorBox error={rejects.error} onRetry={rejects.reload} />
        ) : !rejects.data ? (
          <Loading />
        ) : rejects.data.items.length === 0 ? (
          <Empty>No rejected lines.</Empty>
        ) : (
          <DataTable
            caption="Rejected lines"
            rows={rejects.data.items}
            rowKey={(r) => r.id}
            columns={[
              { key: 'at', label: 'When', sort: (r) => r.at, render: (r) => formatDateTime(r.at, tz) },
              { key: 'source', label: 'Source', render: (r) => r.source },
              { key: 'line', label: 'Line', align: 'end', render: (r) => r.line },
              { key: 'reason', label: 'Reason', render: (r) => r.reason },
              { key: 'raw', label: 'Text', render: (r) => <code class="raw">{r.raw}</code> },
            ]}
          />
        )}
      </section>
    </>
  );
}
