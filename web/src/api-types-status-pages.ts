/** Response shapes of the status-page management API (src/status-pages/routes.ts). Timestamps are epoch milliseconds. */

export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;
export type Impact = (typeof IMPACTS)[number];

export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const MAINTENANCE_STATUSES = ['scheduled', 'in_progress', 'verifying', 'completed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number] | (typeof MAINTENANCE_STATUSES)[number];
export type IncidentKind = 'incident' | 'maintenance';

/** Statuspage's component vocabulary, best first (later is worse). */
export const COMPONENT_STATUSES = ['operational', 'under_maintenance', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];

export interface StatusComponent {
  id: string;
  name: string;
  description: string | null;
  group: string | null;
  monitorIds: string[];
}

export interface StatusPage {
  id: string;
  projectId: number;
  slug: string;
  title: string;
  description: string | null;
  customDomain: string | null;
  passwordProtected: boolean;
  showUptimeBars: boolean;
  /** The canonical address: the custom domain when there is one, else <public URL>/status/<slug>. */
  url: string;
  components: StatusComponent[];
  createdAt: number;
  updatedAt: number;
}

export interface StatusPageInput {
  slug?: string;
  title?: string;
  description?: string | null;
  customDomain?: string | null;
  showUptimeBars?: boolean;
  password?: string | null;
}

/** A component to save; `id` keeps an existing one (its badge URLs and incidents stay). */
export interface StatusComponentInput {
  id?: string;
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

export interface StatusIncident {
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
  /** Newest first. */
  updates: IncidentUpdate[];
}

export interface StatusIncidentInput {
  title: string;
  kind: IncidentKind;
  impact?: Impact;
  status?: IncidentStatus;
  body: string;
  componentIds: string[];
  scheduledFor?: number | null;
  scheduledUntil?: number | null;
}

export interface IncidentQuery {
  state?: 'open' | 'resolved' | 'all';
  kind?: IncidentKind;
  /** Incident id to page after (ids are time-ordered). */
  before?: string | null;
  limit?: number;
}
