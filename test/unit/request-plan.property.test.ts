/** The request plan's arithmetic: the slowest group sets the duration, more requests never make it shorter, the cheaper call-log path wins. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choosesExport, EXPORT_POLLS, MAILBOXES_PER_ARCHIVE, planBackfill, type MessagesVia } from '../../src/plan/backfill';
import { groupMs, isyncRequests, pagesFor, PLAN_GROUPS, planOf, predictMs, type GroupCounts, type GroupLimits } from '../../src/plan/request-plan';
import { callLogStep, planSync } from '../../src/plan/sync';

const limit = fc.record({ limit: fc.integer({ min: 1, max: 1000 }), windowMs: fc.integer({ min: 1, max: 3_600_000 }) });
const limits: fc.Arbitrary<GroupLimits> = fc.record({ Light: limit, Medium: limit, Heavy: limit, Auth: limit });
const counts: fc.Arbitrary<GroupCounts> = fc.record({ Light: fc.nat(100_000), Medium: fc.nat(100_000), Heavy: fc.nat(100_000), Auth: fc.nat(100) });
const group = fc.constantFrom(...PLAN_GROUPS);

describe('request plan arithmetic', () => {
  it('predicts the slowest group: the largest requests / limit × window, since groups run in parallel', () => {
    fc.assert(
      fc.property(counts, limits, (c, l) => {
        const each = PLAN_GROUPS.map((g) => (c[g] / l[g].limit) * l[g].windowMs);
        const predicted = predictMs(c, l);
        expect(predicted).toBeGreaterThanOrEqual(Math.max(...each));
        expect(predicted).toBeLessThan(Math.max(...each) + 1); // rounded up to a whole ms, never summed
      }),
    );
  });

  it('is monotone: more requests in any group never predict a shorter run', () => {
    fc.assert(
      fc.property(counts, limits, group, fc.integer({ min: 1, max: 10_000 }), (c, l, g, more) => {
        expect(predictMs({ ...c, [g]: c[g] + more }, l)).toBeGreaterThanOrEqual(predictMs(c, l));
      }),
    );
  });

  it('sums the steps per group and reports each group’s own time', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ group, requests: fc.nat(500) }), { maxLength: 12 }), limits, (steps, l) => {
        const plan = planOf(steps.map((s) => ({ ...s, what: 'step', estimate: false })), l);
        for (const g of PLAN_GROUPS) {
          expect(plan.requests[g]).toBe(steps.filter((s) => s.group === g).reduce((n, s) => n + s.requests, 0));
          expect(plan.groupMs[g]).toBe(groupMs(plan.requests[g], l[g]));
        }
        expect(plan.predictedMs).toBe(Math.max(0, ...Object.values(plan.groupMs)));
      }),
    );
  });

  it('pages: at least one request, one per full page and one for the rest; ISync: a short response ends it', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.integer({ min: 1, max: 2000 }), (records, size) => {
        const pages = pagesFor(records, size);
        expect(pages).toBeGreaterThanOrEqual(1);
        expect((pages - 1) * size).toBeLessThan(Math.max(1, records));
        expect(pages * size).toBeGreaterThanOrEqual(records);
      }),
    );
    expect([0, 249, 250, 499, 500].map((n) => isyncRequests(n))).toEqual([1, 1, 2, 2, 3]);
  });
});

describe('the planner chooses the cheaper call-log path and says why', () => {
  const pageSizes = { extensions: 1000, directory: 2000, callLog: 1000 };
  it('follows the token with ISync when that costs no more than an FSync and its frame, and starts over when it does', () => {
    fc.assert(
      fc.property(fc.nat(50_000), fc.nat(50_000), (changes, frameRecords) => {
        const { via, step } = callLogStep({ pageSizes, callLog: { state: 'token', changes, frameRecords, windowRecords: [frameRecords] } });
        const isync = isyncRequests(changes);
        const fsync = 1 + pagesFor(frameRecords, 1000);
        expect(step.requests).toBe(Math.min(isync, fsync));
        expect(via).toBe(isync <= fsync ? 'ISync' : 'FSync');
        expect(step.what).toMatch(via === 'ISync' ? /an FSync and its frame would cost \d+/ : /cheaper than ISync/);
      }),
    );
  });

  it('reads the look-back windows where call-log-sync was refused, and takes an FSync where no token is held', () => {
    const refused = callLogStep({ pageSizes, callLog: { state: 'refused', changes: 0, frameRecords: 2500, windowRecords: [1200, 1300] } });
    expect(refused).toMatchObject({ via: 'look-back', step: { requests: 4 } });
    const none = callLogStep({ pageSizes, callLog: { state: 'none', changes: 0, frameRecords: 2500, windowRecords: [2500] } });
    expect(none).toMatchObject({ via: 'FSync', step: { requests: 4 } });
  });

  it('a sync plan spends each group on its own streams', () => {
    const l = { Light: { limit: 50, windowMs: 60_000 }, Medium: { limit: 40, windowMs: 60_000 }, Heavy: { limit: 10, windowMs: 60_000 }, Auth: { limit: 5, windowMs: 60_000 } };
    const plan = planSync({
      limits: l,
      pageSizes,
      extensions: 2500,
      directoryEntries: 2500,
      callLog: { state: 'token', changes: 10, frameRecords: 3000, windowRecords: [3000] },
      messages: { mailboxes: 2500, selected: 200, budget: 375, planned: 370 },
    });
    expect(plan.requests).toEqual({ Light: 370, Medium: 3 + 2, Heavy: 1, Auth: 0 });
    expect(plan.predictedMs).toBe(Math.ceil((370 / 50) * 60_000));
    // Before the first extension list the mailboxes are unknown, and the plan says so instead of guessing.
    const first = planSync({ limits: l, pageSizes, callLog: { state: 'none', changes: 0, frameRecords: 0, windowRecords: [0] } });
    expect(first.requests).toEqual({ Light: 0, Medium: 2, Heavy: 2, Auth: 0 });
    expect(first.steps.map((s) => s.what)).toEqual([
      'extension list: never listed yet, at least one page',
      'company directory: never listed yet, at least one page',
      expect.stringMatching(/^call log: FSync for a token/),
      expect.stringMatching(/^message stores: no extension list yet/),
    ]);
  });

  it('a backfill pages one window unless windows were asked for, skips finished windows, and names the other choice', () => {
    const l = { Light: { limit: 50, windowMs: 60_000 }, Medium: { limit: 40, windowMs: 60_000 }, Heavy: { limit: 10, windowMs: 60_000 }, Auth: { limit: 5, windowMs: 60_000 } };
    const one = planBackfill({ limits: l, pageSizes: { extensions: 1000, callLog: 1000, messages: 1000 }, callLog: { windows: [{ records: 7000, done: false }], requested: false, days: 7, counted: false } });
    expect(one.requests.Heavy).toBe(7);
    expect(one.steps[0].what).toMatch(/day windows would cost 7/);
    const asked = planBackfill({
      limits: l,
      pageSizes: { extensions: 1000, callLog: 1000, messages: 1000 },
      callLog: { windows: [{ records: 1500, done: true }, { records: 1500, done: false }, { records: 1500, done: false }], requested: true, days: 3, counted: true },
    });
    expect(asked.requests.Heavy).toBe(4);
    expect(asked.steps[0].what).toMatch(/1 finished before and skipped.*one window would cost 3/);
  });
});

describe("a backfill's messages: the plan prices the path the run takes", () => {
  const limits: GroupLimits = { Light: { limit: 50, windowMs: 60_000 }, Medium: { limit: 40, windowMs: 60_000 }, Heavy: { limit: 10, windowMs: 60_000 }, Auth: { limit: 5, windowMs: 60_000 } };
  const pageSizes = { extensions: 1000, callLog: 1000, messages: 1000 };

  it('the export: one Light handover per mailbox, and Heavy for the task, its polls and one archive per 100 mailboxes holding messages', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(3000), { maxLength: 600 }), fc.constantFrom<MessagesVia>('auto', 'export', 'pages'), fc.integer({ min: 1, max: 400 }), (perMailbox, via, min) => {
        const plan = planBackfill({ limits, pageSizes, messages: { extensions: perMailbox.length, perMailbox, tail: false, via, exportMinMailboxes: min } });
        const viaExport = choosesExport(perMailbox.length, min, via);
        expect(viaExport).toBe(via === 'export' || (via === 'auto' && perMailbox.length >= min));
        const paged = perMailbox.reduce((n, m) => n + 1 + pagesFor(m, 1000), 0);
        if (viaExport) {
          expect(plan.requests.Light).toBe(perMailbox.length);
          expect(plan.requests.Heavy).toBe(2 + EXPORT_POLLS + Math.ceil(perMailbox.filter((m) => m > 0).length / MAILBOXES_PER_ARCHIVE));
          expect(plan.steps.at(-1)!.what).toContain(`per-mailbox paging would cost Light ${paged}`);
        } else {
          expect(plan.requests.Light).toBe(paged);
          expect(plan.requests.Heavy).toBe(0);
        }
      }),
    );
  });
});
