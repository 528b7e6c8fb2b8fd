import type { Selectable } from 'kysely';

export type IssueStatus = 'unresolved' | 'resolved' | 'ignored';
/** Why an unresolved issue is unresolved: first seen, came back after resolve, or back from ignore. */
export type IssueSubstatus = 'new' | 'ongoing' | 'regressed' | 'escalating' | 'none';

export interface IssuesTable {
  id: string;
  project_id: number;
  title: string;
  culprit: string;
  type: string | null;
  value: string | null;
  level: string;
  platform: string;
  status: IssueStatus;
  substatus: IssueSubstatus;
  times_seen: number;
  user_count: number;
  first_seen: number;
  last_seen: number;
  first_release: string | null;
  last_release: string | null;
  resolved_at: number | null;
  /** "Resolved in release X": only events from a release newer than X regress it. */
  resolved_in_release: string | null;
  /** "Resolved in the next release": resolved_in_release holds the latest release when resolved. */
  resolved_in_next_release: number;
  ignore_until: number | null;
  /** Ignored until times_seen reaches this. */
  ignore_until_count: number | null;
  assignee_id: string | null;
  updated_at: number;
}

export interface IssueHashesTable {
  project_id: number;
  hash: string;
  issue_id: string;
}

export interface EventsTable {
  project_id: number;
  event_id: string;
  issue_id: string;
  timestamp: number;
  received_at: number;
  level: string;
  environment: string;
  release: string | null;
  transaction: string | null;
  message: string;
  user_key: string | null;
  data: Buffer;
}

export interface IssueTagValuesTable {
  issue_id: string;
  key: string;
  value: string;
  count: number;
  first_seen: number;
  last_seen: number;
}

export interface IssueUsersTable {
  issue_id: string;
  user_key: string;
}

export interface IssueHoursTable {
  issue_id: string;
  hour: number;
  count: number;
}

export type IssueActivityKind = 'first_seen' | 'regressed' | 'unignored' | 'status' | 'assigned' | 'comment' | 'merged';

export interface IssueActivityTable {
  id: string;
  issue_id: string;
  project_id: number;
  kind: IssueActivityKind;
  user_id: string | null;
  /** JSON: status details, comment text, merged ids. */
  data: string | null;
  created_at: number;
}

export interface ReleasesTable {
  id: string;
  project_id: number;
  version: string;
  created_at: number;
  last_seen: number;
}

export interface ReleaseSessionHoursTable {
  project_id: number;
  release: string;
  environment: string;
  bucket: number;
  total: number;
  errored: number;
  crashed: number;
  abnormal: number;
}

export interface ReleaseUsersTable {
  project_id: number;
  release: string;
  user_key: string;
  crashed: number;
  last_seen: number;
}

/** Bits of a client session's state already counted: 1 init, 2 errored, 4 crashed, 8 abnormal. */
export interface SessionStatesTable {
  project_id: number;
  sid: string;
  flags: number;
  updated_at: number;
}

export interface ErrorsTables {
  issues: IssuesTable;
  issue_hashes: IssueHashesTable;
  events: EventsTable;
  issue_tag_values: IssueTagValuesTable;
  issue_users: IssueUsersTable;
  issue_hours: IssueHoursTable;
  issue_activity: IssueActivityTable;
  releases: ReleasesTable;
  release_session_hours: ReleaseSessionHoursTable;
  release_users: ReleaseUsersTable;
  session_states: SessionStatesTable;
}

export type IssueRow = Selectable<IssuesTable>;
export type EventRow = Selectable<EventsTable>;
