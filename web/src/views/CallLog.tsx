// The call log: filters in the address bar, keyset pages, sortable columns, a detail drawer
// with the event timeline, and CSV export of the filtered list.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, queryString } from '../api/client';
import type { Agent, Call, CallDetail, Page, Queue } from '../api/types';
import { DIRECTIONS, OUTCOMES } from '../api/types';
import { useAsync } from '../components/async';
import { DataTable, Drawer, Empty, ErrorBox, Field, Loading, Notice, PageHeader, errorText, useFocusTitle, type Column } from '../components/ui';
import { downloadText } from '../lib/csv';
import { formatDateTime, formatDuration, formatFcr, formatShortDateTime, humanize } from '../lib/format';
import { navigate } from '../lib/router';
import { useLocation } from '../lib/useLocation';
import { session } from '../state/session';
import { timeZone } from '../state/prefs';
import { useStore } from '../state/store';
import { EMPTY_FILTERS, apiParamsFromQuery, filtersToParams, paramsToFilters, validateFilters, type CallFilters } from './calls/filters';

const PAGE_SIZE = 100;

// Lists that may be forbidden for the role (an agent may not read every agent): empty then.
async function optionalList<T>(path: string, signal: AbortSignal): Promise<T[]> {
  try {
    return (await api.get<Page<T>>(path, signal)).items;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404)) return [];
    throw e;
  }
}

function Outcome(props: { outcome: string }) {
  return <span class={'badge badge-' + props.outcome}>{humanize(props.outcome)}</span>;
}

function FilterForm(props: { initial: CallFilters; tz: string; queues: Queue[]; agents: Agent[]; onApply: (f: CallFilters) => void }) {
  const [f, setF] = useState(props.initial);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const set = <K extends keyof CallFilters>(k: K, v: CallFilters[K]) => setF((prev) => ({ ...prev, [k]: v }));
  const submit = (e: Event) => {
    e.preventDefault();
    const list = validateFilters(f, props.tz);
    setProblems(Object.fromEntries(list.map((p) => [p.field, p.message])));
    if (!list.length) props.onApply(f);
  };
  const input = (k: keyof CallFilters) => ({
    id: 'f-' + k,
    'aria-invalid': problems[k] ? true : undefined,
    'aria-describedby': problems[k] ? `f-${k}-error` : undefined,
  });
  return (
    <form class="filters" onSubmit={submit} aria-label="Call filters">
      <Field label={`From (${props.tz})`} id="f-from" error={problems.from}>
        <input type="datetime-local" {...input('from')} value={f.from} onInput={(e) => set('from', e.currentTarget.value)} />
      </Field>
      <Field label={`To (${props.tz})`} id="f-to" error={problems.to}>
        <input type="datetime-local" {...input('to')} value={f.to} onInput={(e) => set('to', e.currentTarget.value)} />
      </Field>
      <Field label="Direction" id="f-direction">
        <select {...input('direction')} value={f.direction} onChange={(e) => set('direction', e.currentTarget.value)}>
          <option value="">Any</option>
          {DIRECTIONS.map((d) => (
            <option value={d} key={d}>
              {humanize(d)}
            </option>
          ))}
        </select>
      </Field>
      {props.queues.length > 0 && (
        <Field label="Queue" id="f-queue_id">
          <select {...input('queue_id')} value={f.queue_id} onChange={(e) => set('queue_id', e.currentTarget.value)}>
            <option value="">Any</option>
            {props.queues.map((q) => (
              <option value={String(q.id)} key={q.id}>
                {q.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      {props.agents.length > 1 && (
        <Field label="Agent" id="f-agent_id">
          <select {...input('agent_id')} value={f.agent_id} onChange={(e) => set('agent_id', e.currentTarget.value)}>
            <option value="">Any</option>
            {props.agents.map((a) => (
              <option value={String(a.id)} key={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
      )}
      <Field label="Outcome" id="f-outcome">
        <select {...input('outcome')} value={f.outcome} onChange={(e) => set('outcome', e.currentTarget.value)}>
          <option value="">Any</option>
          {OUTCOMES.map((o) => (
            <option value={o} key={o}>
              {humanize(o)}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Caller number" id="f-caller" error={problems.caller}>
        <input type="search" inputMode="tel" {...input('caller')} value={f.caller} maxLength={64} onInput={(e) => set('caller', e.currentTarget.value)} />
      </Field>
      <Field label="Minimum wait (s)" id="f-min_wait_s" error={problems.min_wait_s}>
        <input type="number" min={0} step={1} {...input('min_wait_s')} value={f.min_wait_s} onInput={(e) => set('min_wait_s', e.currentTarget.value)} />
      </Field>
      <div class="field field-check">
        <input type="checkbox" id="f-has_recording" checked={f.has_recording} onChange={(e) => set('has_recording', e.currentTarget.checked)} />
        <label for="f-has_recording">With recording only</label>
      </div>
      <div class="filter-actions">
        <button type="submit" class="btn btn-primary">
          Apply filters
        </button>
        <button
          type="button"
          class="btn"
          onClick={() => {
            setF(EMPTY_FILTERS);
            setProblems({});
            props.onApply(EMPTY_FILTERS);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

function CallDetailView(props: { id: number; tz: string }) {
  const { data, error, loading, reload } = useAsync((signal) => api.get<CallDetail>(`/api/v1/calls/${props.id}`, signal), [props.id]);
  if (loading && !data) return <Loading label="Loading the call…" />;
  if (error) return <ErrorBox error={error} onRetry={reload} title="The call could not be loaded." />;
  if (!data) return null;
  const c = data;
  const facts: Array<[string, string]> = [
    ['Started', formatDateTime(c.started_at, props.tz)],
    ['Answered', formatDateTime(c.answered_at, props.tz)],
    ['Ended', formatDateTime(c.ended_at, props.tz)],
    ['Direction', humanize(c.direction)],
    ['Queue', c.queue ?? '—'],
    ['Agent', c.agent ?? '—'],
    ['Caller', c.caller || '—'],
    ['Called number', c.callee || '—'],
    ['Wait', formatDuration(c.wait_s)],
    ['Talk', formatDuration(c.talk_s)],
    ['Hold', formatDuration(c.hold_s)],
    ['After-call work', formatDuration(c.acw_s)],
    ['Transfers', String(c.transfer_count) + (c.transferred_to ? ` (to ${c.transferred_to})` : '')],
    ['Disposition', c.disposition ?? '—'],
    ['First-contact resolution', formatFcr(c.fcr, c.fcr_source)],
    ['Satisfaction (CSAT)', c.csat === null ? '—' : `${c.csat} of 5`],
    ['PBX call id', c.pbx_call_id],
  ];
  return (
    <div class="call-detail">
      <p>
        <Outcome outcome={c.outcome} />
      </p>
      <dl class="facts">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {typeof c.recording === 'string' && c.recording !== '' && (
        <section aria-labelledby="rec-title">
          <h3 id="rec-title">Recording</h3>
          <audio controls preload="none" src={c.recording} aria-labelledby="rec-title">
            Your browser cannot play this recording.
          </audio>
        </section>
      )}
      <section aria-labelledby="tl-title">
        <h3 id="tl-title">Timeline</h3>
        {c.timeline.length === 0 ? (
          <Empty>No events recorded for this call.</Empty>
        ) : (
          <ol class="timeline">
            {c.timeline.map((ev, i) => (
              <li key={i}>
                <time dateTime={ev.at}>{formatDateTime(ev.at, props.tz)}</time>
                <strong>{humanize(ev.event)}</strong>
                <span class="muted small">
                  {Object.entries(ev)
                    .filter(([k, v]) => k !== 'at' && k !== 'event' && v !== null && v !== '' && !k.endsWith('_id'))
                    .map(([k, v]) => `${humanize(k)}: ${timelineValue(k, v)}`)
                    .join(' · ')}
                </span>
              </li>
            ))}
          </ol>
        )}
        {c.timeline_source === 'call_record' && <p class="muted small">Derived from the call record.</p>}
      </section>
    </div>
  );
}

// Names from the API's vocabularies read as words; names and numbers stay as they are.
function timelineValue(key: string, value: unknown): string {
  if (key.endsWith('_s') && typeof value === 'number') return formatDuration(value);
  if (key === 'outcome' || key === 'direction') return humanize(String(value));
  return String(value);
}

export default function CallLog() {
  useFocusTitle();
  const tz = useStore(timeZone);
  const loc = useLocation();
  const params = apiParamsFromQuery(loc.query);
  const paramsKey = queryString(params);
  const canExport = session.me()?.permissions.includes('export_data') ?? false;
  const openId = Number(loc.query.get('call') ?? '') || null;

  const lists = useAsync(async (signal) => {
    const [queues, agents] = await Promise.all([optionalList<Queue>('/api/v1/queues?limit=500', signal), optionalList<Agent>('/api/v1/agents?limit=500', signal)]);
    return { queues, agents };
  }, []);

  const [rows, setRows] = useState<Call[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [exporting, setExporting] = useState<string | null>(null);

  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    api
      .get<Page<Call>>('/api/v1/calls' + queryString({ ...params, limit: PAGE_SIZE }), ctl.signal)
      .then((page) => {
        setRows(page.items);
        setCursor(page.next_cursor);
        setLoading(false);
      })
      .catch((e: unknown) => {
        if (ctl.signal.aborted) return;
        setError(e);
        setLoading(false);
      });
    return () => ctl.abort();
  }, [paramsKey, attempt]);

  async function loadMore() {
    if (!cursor) return;
    setLoading(true);
    try {
      const page = await api.get<Page<Call>>('/api/v1/calls' + queryString({ ...params, limit: PAGE_SIZE, cursor }));
      setRows((r) => [...r, ...page.items]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  }

  // The server builds the file (every call of the filters, audited as an export); managers and
  // administrators hold export_data.
  async function exportCsv() {
    setExporting('Exporting…');
    try {
      const res = await api.raw('/api/v1/calls.csv' + queryString(params), { accept: 'text/csv' });
      const csv = await res.text();
      downloadText(`calls-${new Date().toISOString().slice(0, 10)}.csv`, csv);
      const rows = csv.split('\r\n').filter((l) => l !== '').length - 1;
      setExporting(`Exported ${rows} calls.`);
    } catch (e) {
      setExporting('Export failed: ' + errorText(e));
    }
  }

  const setQuery = (next: Record<string, string | number | null | undefined>) => {
    const q = new URLSearchParams(loc.query);
    for (const [k, v] of Object.entries(next)) {
      if (v === null || v === undefined || v === '') q.delete(k);
      else q.set(k, String(v));
    }
    const s = q.toString();
    navigate('/calls' + (s ? '?' + s : ''));
  };

  const columns: Column<Call>[] = [
    {
      key: 'started_at',
      label: 'Started',
      sort: (c) => c.started_at,
      render: (c) => (
        <a href={`/calls?${new URLSearchParams({ ...params, call: String(c.id) }).toString()}`} class="row-link" onClick={(e) => { e.preventDefault(); setQuery({ call: c.id }); }}>
          {formatShortDateTime(c.started_at, tz)}
        </a>
      ),
    },
    { key: 'direction', label: 'Direction', sort: (c) => c.direction, render: (c) => humanize(c.direction) },
    { key: 'queue', label: 'Queue', sort: (c) => c.queue ?? '', render: (c) => c.queue ?? '—' },
    { key: 'agent', label: 'Agent', sort: (c) => c.agent ?? '', render: (c) => c.agent ?? '—' },
    { key: 'caller', label: 'Caller', sort: (c) => c.caller, render: (c) => c.caller || '—' },
    { key: 'wait_s', label: 'Wait', align: 'end', sort: (c) => c.wait_s, render: (c) => formatDuration(c.wait_s) },
    { key: 'talk_s', label: 'Talk', align: 'end', sort: (c) => c.talk_s, render: (c) => formatDuration(c.talk_s) },
    { key: 'outcome', label: 'Outcome', sort: (c) => c.outcome, render: (c) => <Outcome outcome={c.outcome} /> },
  ];

  const initial = paramsToFilters(loc.query, tz);
  return (
    <>
      <PageHeader title="Calls" description={`Newest first. Times in ${tz}.`}>
        {canExport && (
          <button type="button" class="btn" onClick={() => void exportCsv()} disabled={exporting?.startsWith('Exporting') ?? false}>
            Export CSV
          </button>
        )}
      </PageHeader>
      {exporting && <Notice kind="info">{exporting}</Notice>}
      {lists.error ? <ErrorBox error={lists.error} onRetry={lists.reload} title="The filter lists could not be loaded." /> : null}
      <FilterForm
        key={paramsKey + tz}
        initial={initial}
        tz={tz}
        queues={lists.data?.queues ?? []}
        agents={lists.data?.agents ?? []}
        onApply={(f) => {
          const q = queryString(filtersToParams(f, tz));
          navigate('/calls' + q);
        }}
      />
      {error ? (
        <ErrorBox error={error} onRetry={() => setAttempt((a) => a + 1)} title="The calls could not be loaded." />
      ) : loading && rows.length === 0 ? (
        <Loading label="Loading calls…" />
      ) : rows.length === 0 ? (
        <Empty>No calls match these filters.</Empty>
      ) : (
        <>
          <p class="muted small" aria-live="polite">
            {rows.length} call{rows.length === 1 ? '' : 's'} shown{cursor ? ', more available' : ''}. Sorting applies to the calls shown.
          </p>
          <DataTable caption="Calls" columns={columns} rows={rows} rowKey={(c) => c.id} onRowOpen={(c) => setQuery({ call: c.id })} />
          {cursor && (
            <div class="more">
              <button type="button" class="btn" onClick={() => void loadMore()} disabled={loading}>
                {loading ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
      <Drawer title={openId ? `Call ${openId}` : 'Call'} open={openId !== null} onClose={() => setQuery({ call: null })}>
        {openId !== null && <CallDetailView id={openId} tz={tz} />}
      </Drawer>
    </>
  );
}
