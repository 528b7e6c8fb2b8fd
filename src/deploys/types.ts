/** A deploy of a release to an environment, as sentry-cli and the Sentry API record it. */
export interface DeploysTable {
  id: string;
  project_id: number;
  release: string;
  environment: string;
  name: string | null;
  url: string | null;
  date_started: number | null;
  date_finished: number;
  created_at: number;
}

export interface DeploysTables {
  deploys: DeploysTable;
}
