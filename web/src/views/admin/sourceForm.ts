// The source form's logic: which fields each kind has, the request body for creating or
// changing a source, and where a source reads from, in words.
import type { Source } from '../../api/types';

export const SOURCE_KINDS = ['file-tail', '3cx-tcp-listen', '3cx-tcp-connect', 'asterisk-ami'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const FILE_FORMATS = ['asterisk-queue-log', 'asterisk-cdr', '3cx-cdr', 'freeswitch-cc', 'calls-json', 'calls-csv'];
export const AMI_PORT = 5038;
export const AMI_CHANNEL_TEMPLATE = 'PJSIP/{ext}';

export const KIND_LABELS: Record<SourceKind, string> = {
  'file-tail': 'File tail',
  '3cx-tcp-listen': '3CX socket, 3CX connects',
  '3cx-tcp-connect': '3CX socket, connect to 3CX',
  'asterisk-ami': 'Asterisk AMI',
};

export type KindField = 'format' | 'path' | 'host' | 'port' | 'username' | 'secret' | 'channel_template';

// The fields of a kind besides name, kind and time zone, in form order.
export function kindFields(kind: string): KindField[] {
  switch (kind) {
    case 'file-tail':
      return ['format', 'path'];
    case '3cx-tcp-listen':
    case '3cx-tcp-connect':
      return ['host', 'port'];
    case 'asterisk-ami':
      return ['host', 'port', 'username', 'secret', 'channel_template'];
    default:
      return [];
  }
}

// The one format a kind reads, or null when the form picks it (file tails).
export function fixedFormat(kind: string): string | null {
  if (kind === 'asterisk-ami') return 'asterisk-queue-log';
  if (kind === '3cx-tcp-listen' || kind === '3cx-tcp-connect') return '3cx-cdr';
  return null;
}

export interface SourceForm {
  name: string;
  kind: SourceKind;
  format: string;
  path: string;
  host: string;
  port: string;
  username: string;
  secret: string;
  channel_template: string;
  time_zone: string;
}

export const NEW_SOURCE: SourceForm = {
  name: '',
  kind: 'file-tail',
  format: 'asterisk-queue-log',
  path: '',
  host: '',
  port: '',
  username: '',
  secret: '',
  channel_template: '',
  time_zone: '',
};

// The form for changing a stored source; the secret is never sent back, so it starts empty.
export function formOf(s: Source): SourceForm {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    name: s.name,
    kind: (SOURCE_KINDS as readonly string[]).includes(s.kind) ? (s.kind as SourceKind) : 'file-tail',
    format: s.format,
    path: text(s.path),
    host: text(s.host),
    port: s.port == null ? '' : String(s.port),
    username: text(s.username),
    secret: '',
    channel_template: text(s.channel_template),
    time_zone: text(s.time_zone),
  };
}

// The JSON body of POST /api/v1/sources ('create') or PATCH /api/v1/sources/{id} ('edit'):
// only the fields of the form's kind. Name, kind and format are fixed once created. An empty
// port or channel template takes the kind's default; an empty secret on an edit keeps the
// stored one; an empty time zone means UTC on creation and no change on an edit.
export function sourceBody(f: SourceForm, mode: 'create' | 'edit'): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (mode === 'create') {
    body.name = f.name.trim();
    body.kind = f.kind;
    body.format = fixedFormat(f.kind) ?? f.format;
  }
  for (const field of kindFields(f.kind)) {
    const v = f[field].trim();
    switch (field) {
      case 'format':
        break;
      case 'port':
        if (v !== '') body.port = Number(v);
        else if (mode === 'edit') body.port = null;
        break;
      case 'secret':
        if (f.secret !== '') body.secret = f.secret;
        break;
      case 'host':
      case 'path':
      case 'username':
      case 'channel_template':
        if (v !== '' || mode === 'edit') body[field] = v;
        break;
    }
  }
  if (f.time_zone.trim()) body.time_zone = f.time_zone.trim();
  return body;
}

// Where a source reads from, for the list.
export function sourceWhere(s: Source): string {
  if (s.path) return s.path;
  const port = s.port == null ? '' : `:${s.port}`;
  if (s.kind === 'asterisk-ami') return `${s.username ? s.username + '@' : ''}${s.host ?? ''}${port}`;
  if (s.host) return s.host + port;
  if (s.port != null) return `port ${s.port}`;
  return '—';
}
