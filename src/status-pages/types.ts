/** Statuspage's component vocabulary, best first (the order ranks them: later is worse). */
export const COMPONENT_STATUSES = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export const INCIDENT_KINDS = ['incident', 'maintenance'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export const ALL_INCIDENT_STATUSES = [...INCIDENT_STATUSES, ...MAINTENANCE_STATUSES] as const;
export type IncidentStatus = (typeof ALL_INCIDENT_STATUSES)[number];

/** The status an incident of each kind ends with. */
export const FINAL_STATUS: Record<IncidentKind, IncidentStatus> = { incident: 'resolved', maintenance: 'completed' };

/** Summary indicator, as Statuspage's summary.json has it. */
export type Indicator = 'none' | 'minor' | 'major' | 'critical' | 'maintenance';

/** Limits that keep a page small and its queries bounded. */
export const LIMITS = { components: 50, monitorsPerComponent: 20, incidentBody: 5000 } as const;

export interface StatusPagesTable {
  id: string;
  project_id: number;
  /** Globally unique: the page lives at /status/<slug>. */
  slug: string;
  title: string;
  description: string | null;
  /** A host name (lower case, no port) that serves this page at `/`; unique. */
  custom_domain: string | null;
  /** scrypt hash (src/lib/password.ts) when the page is password-protected. */
  password_hash: string | null;
  show_uptime_bars: number;
  created_at: number;
  updated_at: number;
}

export interface StatusPageComponentsTable {
  id: string;
  page_id: string;
  name: string;
  description: string | null;
  position: number;
  /** JSON array of monitor ids of the page's project (one or more). */
  monitor_ids: string;
  group_name: string | null;
}

export interface StatusIncidentsTable {
  id: string;
  page_id: string;
  title: string;
  impact: Impact;
  kind: IncidentKind;
  status: IncidentStatus;
  /** JSON array of component ids of the page. */
  component_ids: string;
  /** Maintenance window (null for incidents). */
  scheduled_for: number | null;
  scheduled_until: number | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  /** The user who opened it (null once the user is deleted). */
  created_by: string | null;
}

export interface StatusIncidentUpdatesTable {
  id: string;
  incident_id: string;
  status: IncidentStatus;
  /** Plain text, shown escaped with its line breaks. */
  body: string;
  created_at: number;
  author_id: string | null;
}

export interface StatusPagesTables {
  status_pages: StatusPagesTable;
  status_page_components: StatusPageComponentsTable;
  status_incidents: StatusIncidentsTable;
  status_incident_updates: StatusIncidentUpdatesTable;
}

/** A status page as the management API shows it (never the password hash). */
export interface StatusPage {
  id: string;
  projectId: number;
  slug: string;
  title: string;
  description: string | null;
  customDomain: string | null;
  passwordProtected: boolean;
  showUptimeBars: boolean;
  url: string;
  components: Component[];
  createdAt: number;
  updatedAt: number;
}

export interface Component {
  id: string;
  name: string;
  description: string | null;
  group: string | null;
  monitorIds: string[];
}

export interface IncidentUpdate {
  id: string;
  status: IncidentStatus;
  body: string;
  createdAt: number;
  authorId: string | null;
}

export interface Incident {
  id: string;
  statusPageId: string;
  title: string;
  impact: Impact;
  kind: IncidentKind;
  status: IncidentStatus;
  componentIds: string[];
  scheduledFor: number | null;
  scheduledUntil: number | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  createdBy: string | null;
  updates: IncidentUpdate[];
}

/** One UTC day of a component's uptime bar. */
export interface DayBar {
  day: number;
  uptime: number | null;
  down: number;
  maintenance: number;
}

/** What public output may show of a component: its own name and state, nothing of its monitors. */
export interface PublicComponent {
  id: string;
  name: string;
  description: string | null;
  group: string | null;
  status: ComponentStatus;
  uptime90d: number | null;
  days: DayBar[];
}

export interface PublicIncident {
  id: string;
  title: string;
  impact: Impact;
  kind: IncidentKind;
  status: IncidentStatus;
  /** Names of the affected components, in page order. */
  components: Array<{ id: string; name: string }>;
  scheduledFor: number | null;
  scheduledUntil: number | null;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  /** Newest first. */
  updates: Array<{ status: IncidentStatus; body: string; createdAt: number }>;
}

/** Everything public output is rendered from. Built from the database, cached a few seconds. */
export interface PublicView {
  slug: string;
  title: string;
  description: string | null;
  /** The page's canonical address. */
  url: string;
  showUptimeBars: boolean;
  updatedAt: number;
  /** The first day of the "past incidents" list (UTC midnight) and today. */
  now: number;
  overall: { status: ComponentStatus; indicator: Indicator; description: string };
  components: PublicComponent[];
  /** Open incidents and maintenance in progress. */
  active: PublicIncident[];
  /** Maintenance that has not started. */
  upcoming: PublicIncident[];
  /** Resolved incidents and finished maintenance of the last 14 days. */
  past: PublicIncident[];
  /** The newest incidents of any state, for the feeds. */
  recent: PublicIncident[];
}
