/**
 * completeHandover: after a message-store export lands, a mailbox's checkpoint owes only what
 * the export did not cover, never less (else messages would go missing) and never more than it
 * owed before; the token and its frame stay as they were.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeHandover } from '../../src/activities/message-sync';
import { readCheckpoint, writeCheckpoint } from '../../src/warehouse/checkpoints';
import { testDatabase } from '../support/stack';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;
const iso = (minutes: number) => new Date(T0 + minutes * MIN).toISOString();
type Cursor = { syncToken?: string; pendingSyncToken?: string; syncTime?: string; frameFrom: string; widen?: { from: string; to: string } };

/** The creation-time minutes a checkpoint still owes paging for. */
function owed(c: Cursor): Set<number> {
  const range = c.pendingSyncToken ? { from: c.frameFrom, to: c.syncTime! } : c.widen;
  const out = new Set<number>();
  if (!range) return out;
  for (let m = (Date.parse(range.from) - T0) / MIN; m < (Date.parse(range.to) - T0) / MIN; m++) out.add(m);
  return out;
}

describe('completeHandover', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(() => db?.drop());

  it('owes exactly what the export did not cover of what was owed', async () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 })).map(([a, b]) => ({ from: Math.min(a, b), to: Math.max(a, b) }));
    const cursor = fc.oneof(
      range.map((r): Cursor => ({ pendingSyncToken: 'tok', frameFrom: iso(r.from), syncTime: iso(r.to) })),
      fc.tuple(range, fc.boolean()).map(([r, widened]): Cursor => ({ syncToken: 'tok', frameFrom: iso(r.from), ...(widened ? { widen: { from: iso(r.from), to: iso(r.to) } } : {}) })),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(cursor, range, async (before, covered) => {
        const key = { accountId: 'acme', stream: 'messages', scope: String(++n) };
        await writeCheckpoint(db.pool, key, before);
        await completeHandover(db.pool, key, { from: iso(covered.from), to: iso(covered.to) });
        const after = (await readCheckpoint<Cursor>(db.pool, key))!;
        const owedBefore = owed(before);
        const owedAfter = owed(after);
        for (const m of owedBefore) expect(owedAfter.has(m) || (m >= covered.from && m < covered.to), `minute ${m} owed, then neither owed nor covered`).toBe(true);
        for (const m of owedAfter) expect(owedBefore.has(m), `minute ${m} owed only after`).toBe(true);
        expect(after.frameFrom).toBe(before.frameFrom);
        expect(after.syncToken ?? after.pendingSyncToken).toBe('tok');
        // A range the export covered entirely (pending or widened) ends as a plain token.
        const whole = owedBefore.size > 0 && [...owedBefore].every((m) => m >= covered.from && m < covered.to);
        if (whole) expect(after).toEqual({ syncToken: 'tok', frameFrom: before.frameFrom });
      }),
      { numRuns: 200 },
    );
  });
});
