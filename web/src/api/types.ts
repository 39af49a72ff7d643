// Shapes of the server's JSON (see GET /api/v1/openapi.json).

export type Role = 'agent' | 'supervisor' | 'qa' | 'manager' | 'admin' | 'client_viewer';
export const ROLES: Role[] = ['agent', 'supervisor', 'qa', 'manager', 'admin', 'client_viewer'];

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface Scope {
  kind: 'own' | 'team' | 'lob' | 'tenant';
  team_ids: number[];
  lob_ids: number[];
}

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  team_id: number | null;
  lob_ids: number[];
  active: boolean;
}

export interface Tenant {
  id: number;
  name: string;
  created_at: string;
}

export interface LoginAnswer {
  token: string;
  csrf_token: string;
  expires_at: string;
  user: { id: number; email: string; name: string; role: Role };
  permissions: string[];
  scope: Scope;
}

export interface Me {
  user?: User;
  role: Role | null;
  tenant: Tenant;
  agent_id?: number | null;
  permissions: string[];
  scope: Scope;
}

export interface Site {
  id: number;
  name: string;
  time_zone: string;
}
export interface Team {
  id: number;
  name: string;
  site_id: number | null;
  lob_id: number | null;
  supervisor_ids: number[];
}
export interface Lob {
  id: number;
  name: string;
  description: string;
}
export interface Agent {
  id: number;
  name: string;
  user_id: number | null;
  team_id: number | null;
  pbx_ids: string[];
  active: boolean;
}

export interface PauseReason {
  id: number;
  name: string;
  colour: string;
  productive: boolean;
  max_minutes: number | null;
  active: boolean;
}

export type SlFormula = 'abandons_count' | 'abandons_ignored' | 'late_abandons_count' | 'abandons_in_sl_success';
export const SL_FORMULAS: SlFormula[] = ['abandons_count', 'abandons_ignored', 'late_abandons_count', 'abandons_in_sl_success'];

export interface Queue {
  id: number;
  name: string;
  sl_threshold_s: number;
  short_abandon_s: number;
  sl_formula: SlFormula;
  target_sl: number | null;
  settings_version?: number;
  [key: string]: unknown;
}

export type Direction = 'inbound' | 'outbound' | 'internal';
export const DIRECTIONS: Direction[] = ['inbound', 'outbound', 'internal'];
export const OUTCOMES = ['answered', 'abandoned', 'timeout', 'exit_key', 'exit_empty', 'voicemail', 'missed', 'failed'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Call {
  id: number;
  source_id: number;
  pbx_call_id: string;
  direction: Direction;
  queue_id: number | null;
  queue: string | null;
  agent_id: number | null;
  agent: string | null;
  caller: string;
  callee: string;
  started_at: string;
  answered_at: string | null;
  ended_at: string;
  wait_s: number;
  talk_s: number;
  hold_s: number;
  acw_s: number;
  outcome: Outcome;
  transfer_count: number;
  transferred_to: string | null;
  disposition: string | null;
  call_type: string | null;
  fcr: boolean | null;
  // Where fcr comes from: given by the source, decided automatically (the caller did or did
  // not reach the tenant again within the window), or pending (window still open; fcr null).
  fcr_source?: 'given' | 'automatic' | 'pending' | null;
  csat: number | null;
  recording?: string | null;
}

export interface TimelineEvent {
  at: string;
  event: string;
  [key: string]: unknown;
}

export interface CallDetail extends Call {
  timeline: TimelineEvent[];
  timeline_source: string;
}

export interface QueueSettingsDef {
  queue: string;
  queue_id: number;
  sl_threshold_s: number;
  short_abandon_s: number;
  sl_formula: SlFormula;
}

export interface ReportDefinition {
  from: string;
  to: string;
  tz: string;
  interval: string;
  queues: QueueSettingsDef[];
  formulas: Record<string, string>;
  agent_settings?: { sl_threshold_s: number; short_abandon_s: number; sl_formula: SlFormula };
}

export interface ReportRow {
  queue?: string;
  queue_id?: number;
  agent?: string;
  agent_id?: number;
  interval_start: string;
  offered: number;
  answered: number;
  abandoned: number;
  short_abandoned: number;
  answered_in_sl: number;
  abandoned_in_sl: number;
  handled: number;
  transfers: number;
  service_level: number | null;
  asa_s: number | null;
  abandon_rate: number | null;
  aht_s: number | null;
  max_wait_s: number | null;
  fcr_rate: number | null;
  occupancy?: number | null;
  utilization?: number | null;
  calls_per_hour?: number | null;
  service_level_variants: Record<SlFormula, number | null>;
  [key: string]: unknown;
}

export interface Report {
  definition: ReportDefinition;
  rows: ReportRow[];
}

export interface SourceStatus {
  state?: string;
  connected?: boolean;
  last_event_at?: string | null;
  lag_s?: number | null;
  last_error?: string | null;
  [key: string]: unknown;
}

export interface Source {
  id: number;
  name: string;
  kind: string;
  format: string;
  enabled?: boolean;
  path?: string | null;
  host?: string | null;
  port?: number | null;
  time_zone?: string | null;
  username?: string | null;
  secret_set?: boolean | null;
  channel_template?: string | null;
  status?: SourceStatus | null;
  [key: string]: unknown;
}

export interface Reject {
  id: number;
  source_id: number;
  source: string;
  stream: string;
  line: number;
  reason: string;
  raw: string;
  at: string;
}

export interface Diagnostic {
  id: number;
  source_id: number;
  source: string;
  stream: string;
  kind: string;
  call_id: number | null;
  line: number;
  detail: string;
  at: string;
}

export interface DiagnosticsPage extends Page<Diagnostic> {
  counts: { source_id: number; source: string; kind: string; count: number }[];
}

export interface ApiToken {
  id: number;
  name: string;
  scopes: string[];
  created_by: number | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  actor_user_id: number | null;
  action: string;
  object_type: string;
  object_id: number | null;
  before: unknown;
  after: unknown;
  request_id: string;
  ip: string;
  hash: string;
}
