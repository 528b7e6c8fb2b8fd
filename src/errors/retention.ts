import type { RetentionRule } from '../storage/retention.js';
import { DAY } from '../lib/periods.js';

/**
 * Retention for error tracking and performance data: raw events for the configured days, their
 * issues once nothing has been seen for as long, minute rollups for two days (they only serve the
 * last-hour views), hourly rollups and counts for 13 months.
 */
export function errorRetentionRules(eventDays: number): RetentionRule[] {
  return [
    { table: 'events', column: 'received_at', key: ['project_id', 'event_id'], maxAgeMs: eventDays * DAY },
    { table: 'issues', column: 'last_seen', key: ['id'], maxAgeMs: eventDays * DAY },
    { table: 'issue_hours', column: 'hour', key: ['issue_id', 'hour'], maxAgeMs: eventDays * DAY },
    { table: 'sentry_check_ins', column: 'received_at', key: ['id'], maxAgeMs: 30 * DAY },
    { table: 'perf_endpoint_minutes', column: 'bucket', key: ['project_id', 'bucket', 'name'], maxAgeMs: 2 * DAY },
    { table: 'perf_endpoint_hours', column: 'bucket', key: ['project_id', 'bucket', 'name'], maxAgeMs: 400 * DAY },
    { table: 'perf_span_hours', column: 'bucket', key: ['project_id', 'bucket', 'segment', 'op', 'description'], maxAgeMs: 400 * DAY },
    { table: 'perf_vital_hours', column: 'bucket', key: ['project_id', 'bucket', 'page', 'vital'], maxAgeMs: 400 * DAY },
    { table: 'release_session_hours', column: 'bucket', key: ['project_id', 'release', 'environment', 'bucket'], maxAgeMs: 400 * DAY },
    { table: 'release_users', column: 'last_seen', key: ['project_id', 'release', 'user_key'], maxAgeMs: 400 * DAY },
    // Session updates arrive within a session's life; two days covers the longest browser tab.
    { table: 'session_states', column: 'updated_at', key: ['project_id', 'sid'], maxAgeMs: 2 * DAY },
    { table: 'ingest_outcomes', column: 'hour', key: ['project_id', 'hour', 'category', 'outcome'], maxAgeMs: 400 * DAY },
  ];
}
