import { describe, expect, it } from 'vitest';
import { heartbeatDeadline, inMaintenance, nextCheckAt } from './schedule.js';
import { nextState, type MonitorState } from './state.js';

describe('nextCheckAt', () => {
  it('keeps each monitor at a fixed phase, at least half an interval on, one interval in steady state', () => {
    const interval = 60_000;
    const now = Date.UTC(2026, 0, 1, 12, 0, 7);
    const first = nextCheckAt(now, interval, 'monitor-a');
    expect(first - now).toBeGreaterThanOrEqual(interval / 2);
    expect(first - now).toBeLessThan(interval * 1.5);
    expect(nextCheckAt(first, interval, 'monitor-a')).toBe(first + interval);
    // A check that started a little late still comes back to its phase.
    expect(nextCheckAt(first + 800, interval, 'monitor-a')).toBe(first + interval);
  });

  it('spreads many monitors evenly over the interval', () => {
    const interval = 60_000;
    const now = Date.UTC(2026, 0, 1);
    const perSecond = new Array<number>(60).fill(0);
    for (let i = 0; i < 6000; i++) perSecond[Math.floor((nextCheckAt(now, interval, `m-${i}`) % interval) / 1000)]! += 1;
    expect(Math.max(...perSecond)).toBeLessThan(160);
    expect(Math.min(...perSecond)).toBeGreaterThan(50);
  });
});

describe('heartbeat deadlines', () => {
  it('period + grace after the last ping, or the next cron run + grace in its time zone', () => {
    const at = Date.UTC(2026, 5, 1, 10, 30);
    expect(heartbeatDeadline({ periodMs: 3_600_000, cron: null, timezone: null, graceMs: 300_000 }, at)).toBe(at + 3_900_000);
    // 02:00 every day in Berlin (UTC+2 in June) is 00:00 UTC.
    expect(heartbeatDeadline({ periodMs: null, cron: '0 2 * * *', timezone: 'Europe/Berlin', graceMs: 60_000 }, at)).toBe(Date.UTC(2026, 5, 2, 0, 1));
  });
});

describe('maintenance windows', () => {
  const base = { monitor_ids: null, starts_at: null, ends_at: null, cron: null, duration_ms: null, timezone: 'UTC' };
  it('one-off windows cover [start, end) and only their monitors', () => {
    const w = { ...base, starts_at: 1000, ends_at: 2000, monitor_ids: JSON.stringify(['a']) };
    expect(inMaintenance(w, 'a', 1000)).toBe(true);
    expect(inMaintenance(w, 'a', 2000)).toBe(false);
    expect(inMaintenance(w, 'b', 1500)).toBe(false);
  });
  it('recurring windows start on their cron expression and last their duration', () => {
    const w = { ...base, cron: '0 3 * * 0', duration_ms: 7_200_000, timezone: 'UTC' };
    const sunday3 = Date.UTC(2026, 10, 22, 3, 0);
    expect(inMaintenance(w, 'x', sunday3 - 1)).toBe(false);
    expect(inMaintenance(w, 'x', sunday3)).toBe(true);
    expect(inMaintenance(w, 'x', sunday3 + 7_199_999)).toBe(true);
    expect(inMaintenance(w, 'x', sunday3 + 7_200_000)).toBe(false);
  });
});

describe('the monitor state machine', () => {
  const up: MonitorState = { status: 'up', statusSince: 0, consecutiveFailures: 0, downChecks: 0, retries: 2, resendEvery: 3 };
  it('retries before DOWN, notifies once, reminds every N failing checks, and recovers once', () => {
    let state: MonitorState = up;
    const kinds: Array<string | null> = [];
    const statuses: string[] = [];
    const outcomes = ['down', 'down', 'down', 'down', 'down', 'down', 'down', 'up', 'up'] as const;
    outcomes.forEach((outcome, i) => {
      const t = nextState(state, outcome, i + 1);
      kinds.push(t.notify);
      statuses.push(t.status);
      state = { ...state, status: t.status, statusSince: t.statusSince, consecutiveFailures: t.consecutiveFailures, downChecks: t.downChecks };
    });
    expect(statuses).toEqual(['pending', 'pending', 'down', 'down', 'down', 'down', 'down', 'up', 'up']);
    expect(kinds).toEqual([null, null, 'down', null, null, 'resend', null, 'up', null]);
  });
  it('a monitor down before a maintenance window recovers with one "up" and never goes "down" twice', () => {
    const down: MonitorState = { ...up, status: 'down', consecutiveFailures: 3, downChecks: 2 };
    const inWindow = nextState(down, 'maintenance', 10);
    expect(inWindow).toMatchObject({ status: 'maintenance', notify: null, downChecks: 2 });
    const after = { ...down, status: inWindow.status, statusSince: inWindow.statusSince, consecutiveFailures: inWindow.consecutiveFailures, downChecks: inWindow.downChecks };
    expect(nextState(after, 'down', 11)).toMatchObject({ status: 'down', notify: null, openDowntime: null });
    expect(nextState(after, 'up', 11)).toMatchObject({ status: 'up', notify: 'up', closeDowntime: true });
    // Up before the window: nothing to recover from afterwards.
    expect(nextState({ ...up, status: 'maintenance' }, 'up', 12).notify).toBeNull();
  });

  it('maintenance never notifies and a degraded check is not a failure', () => {
    expect(nextState(up, 'maintenance', 5)).toMatchObject({ status: 'maintenance', notify: null });
    expect(nextState({ ...up, status: 'down' }, 'degraded', 5)).toMatchObject({ status: 'degraded', notify: 'up', closeDowntime: true });
  });
});
