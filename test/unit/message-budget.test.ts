/**
 * The message plan over many syncs of an account (fast-check): it never plans more Light
 * requests than the budget; when it does not warn, no mailbox goes unreconciled longer than
 * the period; it warns exactly when the due mailboxes do not fit; dirty and active mailboxes
 * come before the rest, earliest mark first; while push watches, a sync reads only what is due
 * or marked.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueQuota, lightBudget, mailboxCost, planMailboxes, type BudgetSettings, type MailboxCandidate } from '../../src/activities/message-budget';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// At most 24 syncs per period, so a run of many syncs stays quick.
const settings = fc.record({
  lightLimit: fc.integer({ min: 1, max: 60 }),
  lightWindowMs: fc.constantFrom(60_000, 600_000),
  share: fc.double({ min: 0.01, max: 1, noNaN: true }),
  intervalMs: fc.constantFrom(15 * MINUTE, HOUR, 2 * HOUR),
  reconcilePeriodMs: fc.constantFrom(2 * HOUR, 6 * HOUR),
  push: fc.constantFrom(undefined, 'scheduled' as const, 'micro' as const),
});

describe('message plan', () => {
  it('stays within the budget, and reconciles every mailbox within the period unless it warns', () => {
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 }), (s: BudgetSettings, n, seed) => {
        // A backfill left every mailbox a token and one reconciliation time; activity then marks some.
        let rnd = seed;
        const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
        let now = 0;
        const boxes: MailboxCandidate[] = Array.from({ length: n }, (_, i) => ({ extensionId: 100 + i, hasToken: true, dirty: false, active: false, reconciledAt: now }));
        const budget = lightBudget(s);
        let warned = false;
        for (let sync = 0; sync < Math.ceil((2 * s.reconcilePeriodMs) / s.intervalMs) + 1; sync++) {
          now += s.intervalMs;
          for (const b of boxes) {
            b.dirty = random() < 0.05;
            b.dirtyAt = b.dirty ? now - Math.floor(random() * s.intervalMs) : undefined;
            b.dirtyByGap = b.dirty && random() < 0.5;
          }
          const plan = planMailboxes(boxes, s);
          expect(plan.planned).toBeLessThanOrEqual(budget);
          expect(plan.planned).toBe(plan.picks.length); // every box has a token: one ISync each
          expect(plan.skippedForBudget).toBe(n - plan.picks.length);
          expect(new Set(plan.picks.map((p) => p.extensionId)).size).toBe(plan.picks.length);
          // Warns exactly when the due quota does not fit.
          expect(Boolean(plan.warning)).toBe(dueQuota(n, s) > budget);
          warned ||= Boolean(plan.warning);
          // Dirty ones come before active and oldest picks: none is left out while an active/oldest pick got in.
          const picked = new Set(plan.picks.map((p) => p.extensionId));
          if (plan.selected.active + plan.selected.oldest > 0) for (const b of boxes) if (b.dirty) expect(picked.has(b.extensionId)).toBe(true);
          // Of the dirty ones, an event's mark is never left out while a gap's got in, nor an
          // earlier event's while a later one's got in.
          const dirtyPicked = plan.picks.filter((p) => p.reason === 'dirty').map((p) => boxes.find((b) => b.extensionId === p.extensionId)!);
          const byEvent = dirtyPicked.filter((b) => !b.dirtyByGap);
          const latestTaken = Math.max(...byEvent.map((b) => b.dirtyAt!));
          for (const b of boxes) if (b.dirty && !b.dirtyByGap && b.dirtyAt! < latestTaken) expect(picked.has(b.extensionId)).toBe(true);
          if (dirtyPicked.some((b) => b.dirtyByGap)) for (const b of boxes) if (b.dirty && !b.dirtyByGap) expect(picked.has(b.extensionId)).toBe(true);
          // While push watches, a sync reads only what is due or marked: what changed, not the account's size.
          if (s.push) {
            expect(plan.selected.oldest + plan.selected.active).toBe(0);
            // A scheduled sync leaves a gap's marks to the micro-syncs.
            if (s.push === 'scheduled') expect(dirtyPicked.filter((b) => b.dirtyByGap)).toEqual([]);
            for (const p of plan.picks) if (p.reason !== 'due') expect(boxes.find((b) => b.extensionId === p.extensionId)!.dirty).toBe(true);
            expect(plan.picks.length).toBeLessThanOrEqual(dueQuota(n, s) + boxes.filter((b) => b.dirty).length);
          }
          const byId = new Map(boxes.map((b) => [b.extensionId, b]));
          for (const p of plan.picks) {
            const b = byId.get(p.extensionId)!;
            b.active = random() < 0.1; // its ISync brought changes
            b.reconciledAt = now;
          }
          if (!warned) for (const b of boxes) expect(now - b.reconciledAt!).toBeLessThanOrEqual(s.reconcilePeriodMs);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a mailbox without a sync token costs two requests; a too large account is told what would fix it', () => {
    const s: BudgetSettings = { lightLimit: 50, lightWindowMs: 60_000, share: 0.5, intervalMs: 15 * MINUTE, reconcilePeriodMs: 24 * HOUR };
    expect(lightBudget(s)).toBe(375);
    expect(mailboxCost({ hasToken: false })).toBe(2);
    const boxes = (n: number, hasToken: boolean): MailboxCandidate[] => Array.from({ length: n }, (_, i) => ({ extensionId: i + 1, hasToken, dirty: false, active: false }));
    const fresh = planMailboxes(boxes(300, false), s);
    expect(fresh).toMatchObject({ planned: 374, skippedForBudget: 300 - 187 });
    expect(fresh.warning).toBeUndefined();
    // 40,000 mailboxes need 417 a sync to be read daily (96 syncs a day), the budget is 375.
    const huge = planMailboxes(boxes(40_000, true), s);
    expect(huge.planned).toBe(375);
    expect(huge.selected.due).toBe(375);
    expect(huge.warning).toBe(
      'message plan: 40000 mailboxes cannot all be reconciled every 24 h: that needs 417 Light requests per sync, the budget is 375; ' +
        'the oldest are read within the budget and the rest wait. Fix: RCSYNC_MESSAGES_BUDGET_SHARE=0.56 or RCSYNC_MESSAGES_RECONCILE_HOURS=27',
    );
  });
});
