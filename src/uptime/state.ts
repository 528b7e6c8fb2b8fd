import type { CheckStatus, MonitorStatus } from './types.js';

/** What the state machine needs to know about a monitor. */
export interface MonitorState {
  readonly status: MonitorStatus;
  readonly statusSince: number;
  readonly consecutiveFailures: number;
  readonly downChecks: number;
  /** Failed checks tolerated before DOWN (heartbeats: 0). */
  readonly retries: number;
  /** Re-send the down notification every N failing checks while down (0 = never). */
  readonly resendEvery: number;
}

export interface Transition {
  readonly status: MonitorStatus;
  readonly statusSince: number;
  readonly consecutiveFailures: number;
  readonly downChecks: number;
  /** 'down' when the monitor just went down, 'up' when it recovered, 'resend' for a reminder. */
  readonly notify: 'down' | 'up' | 'resend' | null;
  /** Open a downtime with this cause. */
  readonly openDowntime: string | null;
  /** Close the open downtime (if any). */
  readonly closeDowntime: boolean;
  /** True while failures are being retried before DOWN: check again after the retry interval. */
  readonly retrying: boolean;
}

/**
 * The monitor state machine. A failing check first moves an UP monitor to PENDING and is retried
 * `retries` times; only then is the monitor DOWN, a downtime opened and a notification sent — so a
 * single lost packet wakes nobody. Recovery closes the downtime and notifies once. Checks during a
 * maintenance window are recorded as MAINTENANCE and never notify. Notifications go out on state
 * changes only, plus an optional reminder every `resendEvery` failing checks.
 */
export function nextState(state: MonitorState, outcome: CheckStatus, now: number): Transition {
  const changed = (status: MonitorStatus) => (status === state.status ? state.statusSince : now);
  // A monitor that was DOWN when a maintenance window began is still down underneath: its
  // downtime stays open, and it recovers (or stays down) without a second "down".
  const wasDown = state.status === 'down' || (state.status === 'maintenance' && state.downChecks > 0);
  if (outcome === 'maintenance') {
    return { status: 'maintenance', statusSince: changed('maintenance'), consecutiveFailures: 0, downChecks: state.downChecks, notify: null, openDowntime: null, closeDowntime: false, retrying: false };
  }
  if (outcome === 'up' || outcome === 'degraded') {
    return {
      status: outcome,
      statusSince: changed(outcome),
      consecutiveFailures: 0,
      downChecks: 0,
      notify: wasDown ? 'up' : null,
      openDowntime: null,
      closeDowntime: true,
      retrying: false,
    };
  }
  const failures = state.consecutiveFailures + 1;
  if (failures <= state.retries && !wasDown) {
    const status = 'pending';
    return { status, statusSince: changed(status), consecutiveFailures: failures, downChecks: state.downChecks, notify: null, openDowntime: null, closeDowntime: false, retrying: true };
  }
  if (!wasDown) {
    return { status: 'down', statusSince: now, consecutiveFailures: failures, downChecks: 1, notify: 'down', openDowntime: 'down', closeDowntime: false, retrying: false };
  }
  const downChecks = state.downChecks + 1;
  const remind = state.resendEvery > 0 && (downChecks - 1) % state.resendEvery === 0;
  return { status: 'down', statusSince: changed('down'), consecutiveFailures: failures, downChecks, notify: remind ? 'resend' : null, openDowntime: null, closeDowntime: false, retrying: false };
}

/** "3 h 12 min", "45 s", "2.4 s", "300 ms": downtimes and run times in notifications and messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toString()} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  const d = Math.floor(h / 24);
  return `${d} d${h % 24 ? ` ${h % 24} h` : ''}`;
}
