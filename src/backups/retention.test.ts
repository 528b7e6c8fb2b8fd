import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describePolicy, isoWeek, selectRetention } from './retention.js';
import type { RetentionCandidate, RetentionDecision, RetentionPolicy } from './types.js';

const NONE: RetentionPolicy = { keepLast: 0, keepHourly: 0, keepDaily: 0, keepWeekly: 0, keepMonthly: 0, keepYearly: 0 };
const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({ ...NONE, ...p });

/** 'YYYY-MM-DD HH:MM:SS[.f]' in UTC → Unix ms. */
const utc = (s: string) => Date.parse(`${s.replace(' ', 'T')}Z`);
const show = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

function candidates(times: readonly string[], verified: ReadonlySet<string> = new Set()): RetentionCandidate[] {
  return times.map((t, i) => ({ id: `b${i}`, createdAt: utc(t), verified: verified.has(t) }));
}

/** The kept backups as [time, reasons] pairs, in the decision's order. */
function kept(decision: RetentionDecision, list: readonly RetentionCandidate[]): Array<[string, readonly string[]]> {
  const byId = new Map(list.map((c) => [c.id, c]));
  return decision.keep.map((k) => [show(byId.get(k.id)!.createdAt), k.reasons]);
}

// The snapshot times of restic's TestApplyPolicy (internal/restic/snapshot_policy_test.go), in its
// (unsorted) order; the expectations below are its golden files testdata/policy_keep_snapshots_N.
const RESTIC_TIMES = [
  '2014-09-01 10:20:30', '2014-09-02 10:20:30', '2014-09-05 10:20:30', '2014-09-06 10:20:30', '2014-09-08 10:20:30',
  '2014-09-09 10:20:30', '2014-09-10 10:20:30', '2014-09-11 10:20:30', '2014-09-20 10:20:30', '2014-09-22 10:20:30',
  '2014-08-08 10:20:30', '2014-08-10 10:20:30', '2014-08-12 10:20:30', '2014-08-13 10:20:30', '2014-08-13 10:20:30.1',
  '2014-08-15 10:20:30', '2014-08-18 10:20:30', '2014-08-20 10:20:30', '2014-08-21 10:20:30', '2014-08-22 10:20:30',
  '2014-10-01 10:20:30', '2014-10-02 10:20:30', '2014-10-05 10:20:30', '2014-10-06 10:20:30', '2014-10-08 10:20:30',
  '2014-10-09 10:20:30', '2014-10-10 10:20:30', '2014-10-11 10:20:30', '2014-10-20 10:20:30', '2014-10-22 10:20:30',
  '2014-11-08 10:20:30', '2014-11-10 10:20:30', '2014-11-12 10:20:30', '2014-11-13 10:20:30', '2014-11-13 10:20:30.1',
  '2014-11-15 10:20:30', '2014-11-18 10:20:30', '2014-11-20 10:20:30', '2014-11-21 10:20:30', '2014-11-22 10:20:30',
  '2015-09-01 10:20:30', '2015-09-02 10:20:30', '2015-09-05 10:20:30', '2015-09-06 10:20:30', '2015-09-08 10:20:30',
  '2015-09-09 10:20:30', '2015-09-10 10:20:30', '2015-09-11 10:20:30', '2015-09-20 10:20:30', '2015-09-22 10:20:30',
  '2015-08-08 10:20:30', '2015-08-10 10:20:30', '2015-08-12 10:20:30', '2015-08-13 10:20:30', '2015-08-13 10:20:30.1',
  '2015-08-15 10:20:30', '2015-08-18 10:20:30', '2015-08-20 10:20:30', '2015-08-21 10:20:30', '2015-08-22 10:20:30',
  '2015-10-01 10:20:30', '2015-10-02 10:20:30', '2015-10-05 10:20:30', '2015-10-06 10:20:30', '2015-10-08 10:20:30',
  '2015-10-09 10:20:30', '2015-10-10 10:20:30', '2015-10-11 10:20:30', '2015-10-20 10:20:30', '2015-10-22 10:20:30',
  '2015-10-22 10:20:30', '2015-10-22 10:20:30', '2015-10-22 10:20:30', '2015-10-22 10:20:30', '2015-11-08 10:20:30',
  '2015-11-10 10:20:30', '2015-11-12 10:20:30', '2015-11-13 10:20:30', '2015-11-13 10:20:30.1', '2015-11-15 10:20:30',
  '2015-11-18 10:20:30', '2015-11-20 10:20:30', '2015-11-21 10:20:30', '2015-11-22 10:20:30', '2016-01-01 01:02:03',
  '2016-01-01 01:03:03', '2016-01-01 07:08:03', '2016-01-03 07:02:03', '2016-01-04 10:23:03', '2016-01-04 11:23:03',
  '2016-01-04 12:23:03', '2016-01-04 12:24:03', '2016-01-04 12:28:03', '2016-01-04 12:30:03', '2016-01-04 16:23:03',
  '2016-01-05 09:02:03', '2016-01-06 08:02:03', '2016-01-07 10:02:03', '2016-01-08 20:02:03', '2016-01-09 21:02:03',
  '2016-01-12 21:02:03', '2016-01-12 21:08:03', '2016-01-18 12:02:03',
];

const D = 'daily snapshot';
const W = 'weekly snapshot';
const M = 'monthly snapshot';
const Y = 'yearly snapshot';
const L = 'last snapshot';

describe('selectRetention: restic golden files', () => {
  const list = candidates(RESTIC_TIMES);

  const cases: Array<{ golden: number; policy: Partial<RetentionPolicy>; keep: Array<[string, string[]]> }> = [
    {
      golden: 6,
      policy: { keepDaily: 3 },
      keep: [
        ['2016-01-18 12:02:03', [D]],
        ['2016-01-12 21:08:03', [D]],
        ['2016-01-09 21:02:03', [D]],
      ],
    },
    {
      golden: 9,
      policy: { keepLast: 5, keepDaily: 5 },
      keep: [
        ['2016-01-18 12:02:03', [L, D]],
        ['2016-01-12 21:08:03', [L, D]],
        ['2016-01-12 21:02:03', [L]],
        ['2016-01-09 21:02:03', [L, D]],
        ['2016-01-08 20:02:03', [L, D]],
        ['2016-01-07 10:02:03', [D]],
      ],
    },
    {
      golden: 10,
      policy: { keepLast: 2, keepDaily: 10 },
      keep: [
        ['2016-01-18 12:02:03', [L, D]],
        ['2016-01-12 21:08:03', [L, D]],
        ['2016-01-09 21:02:03', [D]],
        ['2016-01-08 20:02:03', [D]],
        ['2016-01-07 10:02:03', [D]],
        ['2016-01-06 08:02:03', [D]],
        ['2016-01-05 09:02:03', [D]],
        ['2016-01-04 16:23:03', [D]],
        ['2016-01-03 07:02:03', [D]],
        ['2016-01-01 07:08:03', [D]],
      ],
    },
    {
      // 2016-01-03 is a Sunday: ISO week 2015-W53, a different week from 2016-01-09 (2016-W01).
      golden: 12,
      policy: { keepWeekly: 4 },
      keep: [
        ['2016-01-18 12:02:03', [W]],
        ['2016-01-12 21:08:03', [W]],
        ['2016-01-09 21:02:03', [W]],
        ['2016-01-03 07:02:03', [W]],
      ],
    },
    {
      golden: 13,
      policy: { keepDaily: 3, keepWeekly: 4 },
      keep: [
        ['2016-01-18 12:02:03', [D, W]],
        ['2016-01-12 21:08:03', [D, W]],
        ['2016-01-09 21:02:03', [D, W]],
        ['2016-01-03 07:02:03', [W]],
      ],
    },
    {
      // restic ≥ 0.17.2: the yearly budget (10) is not used up, so the oldest snapshot is kept too,
      // as "oldest yearly snapshot" because 2014 already had one. Older goldens lack that line.
      golden: 16,
      policy: { keepYearly: 10 },
      keep: [
        ['2016-01-18 12:02:03', [Y]],
        ['2015-11-22 10:20:30', [Y]],
        ['2014-11-22 10:20:30', [Y]],
        ['2014-08-08 10:20:30', [`oldest ${Y}`]],
      ],
    },
    {
      golden: 17,
      policy: { keepDaily: 7, keepWeekly: 2, keepMonthly: 3, keepYearly: 10 },
      keep: [
        ['2016-01-18 12:02:03', [D, W, M, Y]],
        ['2016-01-12 21:08:03', [D, W]],
        ['2016-01-09 21:02:03', [D]],
        ['2016-01-08 20:02:03', [D]],
        ['2016-01-07 10:02:03', [D]],
        ['2016-01-06 08:02:03', [D]],
        ['2016-01-05 09:02:03', [D]],
        ['2015-11-22 10:20:30', [M, Y]],
        ['2015-10-22 10:20:30', [M]],
        ['2014-11-22 10:20:30', [Y]],
        ['2014-08-08 10:20:30', [`oldest ${Y}`]],
      ],
    },
  ];

  it.each(cases)('policy_keep_snapshots_$golden', ({ policy: p, keep }) => {
    const decision = selectRetention(list, policy(p));
    expect(kept(decision, list)).toEqual(keep);
    expect(decision.keep.length + decision.remove.length).toBe(list.length);
  });

  it('keep-last 10 keeps exactly the 10 newest', () => {
    const decision = selectRetention(list, policy({ keepLast: 10 }));
    const newest = [...RESTIC_TIMES].sort().reverse().slice(0, 10);
    expect(kept(decision, list)).toEqual(newest.map((t) => [t, [L]]));
  });

  it('keep-last larger than the history keeps everything, the oldest as a plain "last snapshot"', () => {
    const decision = selectRetention(list, policy({ keepLast: 200 }));
    expect(decision.remove).toEqual([]);
    expect(decision.keep.every((k) => k.reasons.length === 1 && k.reasons[0] === L)).toBe(true);
  });
});

describe('selectRetention: bucket counting', () => {
  it('counts only days that have backups, not calendar days', () => {
    // restic's own example: with --keep-daily 3, a gap of weeks does not expire anything extra.
    const list = candidates(['2026-03-20 10:00:00', '2026-03-01 10:00:00', '2026-02-01 10:00:00', '2026-01-01 10:00:00']);
    expect(kept(selectRetention(list, policy({ keepDaily: 3 })), list).map(([t]) => t)).toEqual([
      '2026-03-20 10:00:00',
      '2026-03-01 10:00:00',
      '2026-02-01 10:00:00',
    ]);
  });

  it('keeps the newest backup of each bucket, however many the bucket has', () => {
    const list = candidates(['2026-03-02 01:00:00', '2026-03-02 23:00:00', '2026-03-01 08:00:00', '2026-03-02 12:00:00', '2026-03-01 20:00:00', '2026-02-28 09:00:00']);
    const decision = selectRetention(list, policy({ keepDaily: 2 }));
    expect(kept(decision, list)).toEqual([
      ['2026-03-02 23:00:00', [D]],
      ['2026-03-01 20:00:00', [D]],
    ]);
    expect(decision.remove.map((r) => r.id)).toEqual(['b3', 'b0', 'b2', 'b5']);
  });

  it('keeps the oldest backup while a rule has budget left, as restic ≥ 0.16 does (restic #4806)', () => {
    const list = candidates(['2026-05-17 10:05:00', '2026-05-17 09:41:06', '2026-05-17 09:36:51']);
    expect(kept(selectRetention(list, policy({ keepHourly: 24 })), list)).toEqual([
      ['2026-05-17 10:05:00', ['hourly snapshot']],
      ['2026-05-17 09:41:06', ['hourly snapshot']],
      ['2026-05-17 09:36:51', ['oldest hourly snapshot']],
    ]);
    // Once the budget is used up, the oldest goes like any other.
    expect(kept(selectRetention(list, policy({ keepHourly: 1 })), list).map(([t]) => t)).toEqual(['2026-05-17 10:05:00']);
  });

  it('combines keep-last with daily: both rules walk the same list and their reasons add up', () => {
    const list = candidates(['2026-04-03 18:00:00', '2026-04-03 12:00:00', '2026-04-03 06:00:00', '2026-04-02 18:00:00', '2026-04-02 06:00:00', '2026-04-01 18:00:00', '2026-03-31 18:00:00']);
    const decision = selectRetention(list, policy({ keepLast: 3, keepDaily: 3 }));
    expect(kept(decision, list)).toEqual([
      ['2026-04-03 18:00:00', [L, D]],
      ['2026-04-03 12:00:00', [L]],
      ['2026-04-03 06:00:00', [L]],
      ['2026-04-02 18:00:00', [D]],
      ['2026-04-01 18:00:00', [D]],
    ]);
    expect(decision.remove.map((r) => r.id)).toEqual(['b4', 'b6']);
  });
});

describe('selectRetention: time zones', () => {
  it('puts a backup at 23:30 UTC on the next day in Europe/Berlin', () => {
    const list = candidates(['2026-03-10 23:30:00', '2026-03-10 12:00:00', '2026-03-09 12:00:00']);
    const daily2 = policy({ keepDaily: 2 });
    expect(kept(selectRetention(list, daily2, 'UTC'), list).map(([t]) => t)).toEqual(['2026-03-10 23:30:00', '2026-03-09 12:00:00']);
    expect(kept(selectRetention(list, daily2, 'Europe/Berlin'), list).map(([t]) => t)).toEqual(['2026-03-10 23:30:00', '2026-03-10 12:00:00']);
  });

  it('starts the week on Monday in local time', () => {
    // Sunday 2026-03-15 23:30 UTC is Monday 00:30 in Berlin, the next ISO week.
    const list = candidates(['2026-03-15 23:30:00', '2026-03-15 10:00:00', '2026-03-08 10:00:00']);
    const weekly2 = policy({ keepWeekly: 2 });
    expect(kept(selectRetention(list, weekly2, 'UTC'), list).map(([t]) => t)).toEqual(['2026-03-15 23:30:00', '2026-03-08 10:00:00']);
    expect(kept(selectRetention(list, weekly2, 'Europe/Berlin'), list).map(([t]) => t)).toEqual(['2026-03-15 23:30:00', '2026-03-15 10:00:00']);
  });

  it('uses the local wall clock across a DST change: the repeated hour is one hourly bucket', () => {
    // 2026-10-25 in Berlin: 02:15 CEST (00:15Z) and 02:15 CET (01:15Z) are both hour 02.
    const list = candidates(['2026-10-25 01:15:00', '2026-10-25 00:15:00', '2026-10-24 23:15:00']);
    const hourly2 = policy({ keepHourly: 2 });
    expect(kept(selectRetention(list, hourly2, 'Europe/Berlin'), list).map(([t]) => t)).toEqual(['2026-10-25 01:15:00', '2026-10-24 23:15:00']);
    expect(kept(selectRetention(list, hourly2, 'UTC'), list).map(([t]) => t)).toEqual(['2026-10-25 01:15:00', '2026-10-25 00:15:00']);
  });

  it('uses the local month and year', () => {
    // 2026-12-31 23:30 UTC is already 2027 in Tokyo (+09:00).
    const list = candidates(['2026-12-31 23:30:00', '2026-12-31 10:00:00', '2026-11-30 10:00:00']);
    expect(kept(selectRetention(list, policy({ keepYearly: 1 }), 'Asia/Tokyo'), list).map(([t]) => t)).toEqual(['2026-12-31 23:30:00']);
    expect(kept(selectRetention(list, policy({ keepMonthly: 2 }), 'Asia/Tokyo'), list).map(([t]) => t)).toEqual(['2026-12-31 23:30:00', '2026-12-31 10:00:00']);
    expect(kept(selectRetention(list, policy({ keepMonthly: 2 }), 'UTC'), list).map(([t]) => t)).toEqual(['2026-12-31 23:30:00', '2026-11-30 10:00:00']);
  });

  it('rejects an unknown time zone with a clear message', () => {
    expect(() => selectRetention(candidates(['2026-01-01 00:00:00']), policy({ keepDaily: 1 }), 'Mars/Olympus')).toThrow(/Unknown time zone 'Mars\/Olympus'/);
  });
});

describe('isoWeek', () => {
  it.each([
    ['2026-12-31', 2026, 53],
    ['2027-01-01', 2026, 53],
    ['2027-01-03', 2026, 53],
    ['2027-01-04', 2027, 1],
    ['2021-01-03', 2020, 53],
    ['2021-01-04', 2021, 1],
    ['2019-12-30', 2020, 1],
    ['2024-12-30', 2025, 1],
    ['2016-01-03', 2015, 53],
    ['2016-01-04', 2016, 1],
    ['2026-06-15', 2026, 25],
  ])('%s is in %i-W%i', (date, year, week) => {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    expect(isoWeek(y, m, d)).toEqual({ year, week });
  });

  it('keeps the days of one ISO week in one weekly bucket across New Year', () => {
    // 2026-12-31 and 2027-01-01 are both 2026-W53: only the newer counts, the budget goes on to W51.
    const list = candidates(['2027-01-04 10:00:00', '2027-01-01 10:00:00', '2026-12-31 10:00:00', '2026-12-20 10:00:00']);
    expect(kept(selectRetention(list, policy({ keepWeekly: 3 })), list)).toEqual([
      ['2027-01-04 10:00:00', [W]],
      ['2027-01-01 10:00:00', [W]],
      ['2026-12-20 10:00:00', [W]],
    ]);
    // Sunday 2021-01-03 shares 2020-W53 with Monday 2020-12-28.
    const list2 = candidates(['2021-01-04 10:00:00', '2021-01-03 10:00:00', '2020-12-28 10:00:00', '2020-12-27 10:00:00']);
    expect(kept(selectRetention(list2, policy({ keepWeekly: 3 })), list2).map(([t]) => t)).toEqual([
      '2021-01-04 10:00:00',
      '2021-01-03 10:00:00',
      '2020-12-27 10:00:00',
    ]);
  });
});

describe('selectRetention: Watchpost rules', () => {
  const days = Array.from({ length: 10 }, (_, i) => `2026-06-${String(20 - i).padStart(2, '0')} 03:00:00`);

  it('never removes the newest verified backup, even outside every rule', () => {
    const list = candidates(days, new Set([days[7]!, days[9]!]));
    const decision = selectRetention(list, policy({ keepLast: 3 }));
    expect(kept(decision, list)).toEqual([
      [days[0], [L]],
      [days[1], [L]],
      [days[2], [L]],
      [days[7], ['newest verified backup']],
    ]);
    // Only the newest verified one is protected; an older verified backup follows the rules.
    expect(decision.remove.map((r) => r.id)).toContain('b9');
  });

  it('adds the reason when a rule keeps the newest verified backup anyway', () => {
    const list = candidates(days, new Set([days[1]!]));
    expect(kept(selectRetention(list, policy({ keepDaily: 2 })), list).slice(0, 2)).toEqual([
      [days[0], [D]],
      [days[1], [D, 'newest verified backup']],
    ]);
  });

  it('keeps everything when every count is 0', () => {
    const list = candidates(days);
    const decision = selectRetention(list, NONE);
    expect(decision.remove).toEqual([]);
    expect(decision.keep).toHaveLength(days.length);
    expect(decision.keep.every((k) => k.reasons.join() === 'no retention policy')).toBe(true);
  });

  it('handles no backups', () => {
    expect(selectRetention([], policy({ keepDaily: 7 }))).toEqual({ keep: [], remove: [] });
  });

  it('rejects negative or fractional counts', () => {
    expect(() => selectRetention([], policy({ keepDaily: -1 }))).toThrow(/keepDaily must be a whole number/);
    expect(() => selectRetention([], policy({ keepWeekly: 1.5 }))).toThrow(/keepWeekly/);
  });

  it('partitions any input, newest first, keeping no more than the policy allows', () => {
    const arbPolicy = fc.record({
      keepLast: fc.nat(5),
      keepHourly: fc.nat(5),
      keepDaily: fc.nat(5),
      keepWeekly: fc.nat(5),
      keepMonthly: fc.nat(5),
      keepYearly: fc.nat(5),
    });
    const arbCandidates = fc.array(
      fc.record({ createdAt: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), verified: fc.boolean() }),
      { maxLength: 60 },
    );
    const arbZone = fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Pacific/Chatham');
    fc.assert(
      fc.property(arbCandidates, arbPolicy, arbZone, (raw, p, zone) => {
        const list = raw.map((c, i) => ({ id: `b${i}`, ...c }));
        const decision = selectRetention(list, p, zone);
        const ids = [...decision.keep.map((k) => k.id), ...decision.remove.map((r) => r.id)];
        expect(ids.sort()).toEqual(list.map((c) => c.id).sort());
        const time = new Map(list.map((c) => [c.id, c.createdAt]));
        const keptTimes = decision.keep.map((k) => time.get(k.id)!);
        expect(keptTimes).toEqual([...keptTimes].sort((a, b) => b - a));
        const budget = Object.values(p).reduce((a, b) => a + b, 0);
        if (budget > 0) {
          // Every kept backup uses at least one unit of some rule's budget (restic's test asserts
          // the same), except the protected newest verified one.
          expect(decision.keep.length).toBeLessThanOrEqual(budget + 1);
          if (list.length > 0) expect(decision.keep.length).toBeGreaterThan(0);
        }
        const newestVerified = [...list].sort((a, b) => b.createdAt - a.createdAt).find((c) => c.verified);
        if (newestVerified) expect(decision.keep.some((k) => k.id === newestVerified.id)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('describePolicy', () => {
  it('lists the non-zero rules in restic order', () => {
    expect(describePolicy({ keepLast: 7, keepHourly: 0, keepDaily: 14, keepWeekly: 8, keepMonthly: 12, keepYearly: 3 })).toBe(
      'last 7, daily 14, weekly 8, monthly 12, yearly 3',
    );
    expect(describePolicy(policy({ keepHourly: 24 }))).toBe('hourly 24');
    expect(describePolicy(NONE)).toBe('no retention policy');
  });
});
