/**
 * The one checkpointed page writer (src/streams/page-writer.ts) against the simulator and a
 * real Postgres: a page's records and the cursor that follows them commit together, each page
 * carries the Date of its own response, it heartbeats before every request and stops between
 * pages when cancelled.
 */
import fc from 'fast-check';
import type { Simulator } from 'ringcentral-simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateGovernor } from '../../src/ratelimit/governor';
import { RingCentralClients, type RingCentralAccount } from '../../src/ringcentral/client';
import { callLog, type Window } from '../../src/streams/endpoints';
import { writePages, type PageStream } from '../../src/streams/page-writer';
import type { PageCursor } from '../../src/streams/paging';
import { readCheckpoint } from '../../src/warehouse/checkpoints';
import { upsertCallLogRecords } from '../../src/warehouse/records';
import { ACCOUNT, accountsFor, startTestSimulator } from '../support/sync-harness';
import { testDatabase } from '../support/stack';

const HOUR = 3_600_000;
const PAGE = 20;

describe('the checkpointed page writer', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let sim: Simulator;
  let rc: RingCentralAccount;
  let window: Window;
  const key = { accountId: ACCOUNT, stream: 'call_log', scope: 'page-writer-test' };

  beforeAll(async () => {
    db = await testDatabase();
    sim = await startTestSimulator({ seed: 31, extensions: 4, days: 2, callsPerExtensionPerDay: 40 });
    rc = new RingCentralClients(accountsFor(sim), { governor: new RateGovernor(db.pool) }).forAccount(ACCOUNT);
    const now = sim.clock.now();
    window = { from: new Date(now - 44 * HOUR).toISOString(), to: new Date(now - 20 * HOUR).toISOString() };
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  const activity = (abort = new AbortController()) => {
    const heartbeats: unknown[] = [];
    return { heartbeats, abort, control: { heartbeat: (d?: unknown) => void heartbeats.push(d), cancellationSignal: abort.signal } };
  };
  const stream = (start: PageCursor, over: Partial<PageStream<Window, PageCursor>> = {}): PageStream<Window, PageCursor> => ({
    endpoint: callLog,
    params: window,
    start,
    key,
    where: { stream: 'call_log' },
    write: (tx, records) => upsertCallLogRecords(tx, ACCOUNT, records),
    after: (page) => ({ checkpoint: page.next ?? null, next: page.next }),
    ...over,
  });
  const served = () => sim.requestLog().filter((r) => r.route === 'call-log' && r.status === 200).length;
  const storedIds = async () =>
    (await db.pool.query<{ id: string }>('SELECT id FROM ringcentral.call_log_record WHERE account_id = $1 ORDER BY id', [ACCOUNT])).rows.map((r) => r.id);
  const truthIds = () => sim.truth.callLog({ from: window.from, to: window.to, showDeleted: true }).map((r) => r.id as string).sort();
  const reset = async () => {
    await db.pool.query('TRUNCATE ringcentral.call_log_record, ringcentral.checkpoint');
    sim.resetStats();
  };

  it('a page whose write fails leaves the previous pages and their cursor committed; resuming fetches only that page again', async () => {
    const truth = truthIds();
    const pages = Math.ceil(truth.length / PAGE);
    expect(pages).toBeGreaterThan(2);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: pages }), async (failAt) => {
        await reset();
        let seen = 0;
        const first = activity();
        const failing = stream({ page: 1 }, {
          write: async (tx, records) => {
            seen += 1;
            const n = await upsertCallLogRecords(tx, ACCOUNT, records);
            if (seen === failAt) throw new Error('write failed after the rows went in');
            return n;
          },
        });
        await expect(writePages({ pool: db.pool, rc, activity: first.control, maxPageSize: PAGE }, failing)).rejects.toThrow('write failed');
        // Exactly the pages before the failing one are in, with the cursor of the failing page.
        expect((await storedIds()).length).toBe((failAt - 1) * PAGE);
        const cursor = await readCheckpoint<PageCursor>(db.pool, key);
        expect(cursor).toEqual(failAt === 1 ? undefined : { page: failAt });
        const resumed = await writePages({ pool: db.pool, rc, activity: activity().control, maxPageSize: PAGE }, stream(cursor ?? { page: 1 }));
        expect(resumed.pages).toBe(pages - failAt + 1);
        expect(await storedIds()).toEqual(truth);
        expect(served()).toBe(pages + 1);
        expect(await readCheckpoint(db.pool, key)).toBeUndefined();
      }),
      { numRuns: Math.min(pages, 5) },
    );
  });

  it("each page carries its own response's Date", async () => {
    await reset();
    const start = sim.clock.now();
    const times: number[] = [];
    await writePages(
      { pool: db.pool, rc, activity: activity().control, maxPageSize: PAGE },
      stream({ page: 1 }, {
        after: (page) => {
          times.push(page.serverTime!.getTime());
          sim.clock.advance(HOUR); // the next response is an hour later on the server's clock
          return { checkpoint: page.next ?? null, next: page.next };
        },
      }),
    );
    expect(times.length).toBeGreaterThan(2);
    // The Date header has whole seconds.
    times.forEach((t, i) => expect(Math.abs(t - (start + i * HOUR))).toBeLessThan(1_000));
  });

  it('heartbeats before every request; cancelled, it stops after the page it was writing, with that page committed', async () => {
    await reset();
    const a = activity();
    let pagesWritten = 0;
    const cancelled = writePages(
      { pool: db.pool, rc, activity: a.control, maxPageSize: PAGE },
      stream({ page: 1 }, {
        after: (page) => {
          if (++pagesWritten === 2) a.abort.abort(new Error('cancelled'));
          return { checkpoint: page.next ?? null, next: page.next };
        },
      }),
    );
    await expect(cancelled).rejects.toThrow('cancelled');
    expect(served()).toBe(2);
    expect(a.heartbeats).toEqual([
      { stream: 'call_log', request: 'page 1', pages: 0 },
      { stream: 'call_log', request: 'page 2', pages: 1 },
    ]);
    expect(await readCheckpoint(db.pool, key)).toEqual({ page: 3 });
    expect((await storedIds()).length).toBe(2 * PAGE);
  });
});
