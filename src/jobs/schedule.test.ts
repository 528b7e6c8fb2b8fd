import { describe, expect, it } from 'vitest';
import { describeSchedule, nextOccurrence, specOf, validateDefinition } from './schedule.js';
import type { JobDefinition } from './types.js';

const handler = () => Promise.resolve();

describe('job schedules', () => {
  it('aligns intervals to the epoch so every node computes the same occurrences', () => {
    const job: JobDefinition = { name: 'x', everyMs: 60_000, handler };
    expect(nextOccurrence(job, 120_000)).toBe(180_000);
    expect(nextOccurrence(job, 120_001)).toBe(180_000);
    expect(nextOccurrence(job, 179_999)).toBe(180_000);
    expect(specOf(job)).toBe('every:60000');
    expect(describeSchedule(job)).toBe('every 1 min');
  });

  it('follows cron expressions in a time zone', () => {
    const job: JobDefinition = { name: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Berlin', handler };
    // 2026-06-01T00:00Z → 03:00 Berlin (UTC+2) is 01:00Z.
    expect(new Date(nextOccurrence(job, Date.UTC(2026, 5, 1))).toISOString()).toBe('2026-06-01T01:00:00.000Z');
    expect(specOf(job)).toBe('cron:0 3 * * *@Europe/Berlin');
  });

  it('rejects bad definitions with a reason', () => {
    expect(() => validateDefinition({ name: 'Bad Name', everyMs: 1000, handler })).toThrow(/lower-case/);
    expect(() => validateDefinition({ name: 'x', handler })).toThrow(/exactly one of everyMs or cron/);
    expect(() => validateDefinition({ name: 'x', everyMs: 5, handler })).toThrow(/at least 100/);
    expect(() => validateDefinition({ name: 'x', cron: 'not cron', handler })).toThrow();
    expect(() => validateDefinition({ name: 'x', cron: '* * * * *', timezone: 'Mars/Olympus', handler })).toThrow();
  });
});
