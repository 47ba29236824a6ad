/**
 * What the warehouse knows of each mailbox without asking RingCentral (migration 060): dirty
 * marks set and cleared only by the read that saw them, recent activity from the last sync or
 * from a voicemail in the call log since the last reconciliation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dirtyMark, dropUnlistedDirtyMarks, mailboxCandidates, markMailboxesDirty, recordReconciled } from '../../src/warehouse/mailbox-state';
import { testDatabase } from '../support/stack';

describe('mailbox state', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  beforeAll(async () => {
    db = await testDatabase();
    await db.pool.query(`INSERT INTO ringcentral.extension_snapshot (run_id, account_id, extension_id, type, status, raw) VALUES ('r1', 'a', 1, 'User', 'Enabled', '{}'), ('r1', 'a', 2, 'User', 'Enabled', '{}'), ('r1', 'a', 3, 'IvrMenu', 'Enabled', '{}')`);
  });
  afterAll(() => db?.drop());
  const candidates = async (excludeTypes: string[] = []) =>
    Object.fromEntries((await mailboxCandidates(db.pool, { runId: 'r1', accountId: 'a', excludeTypes, excludeStatuses: [] })).map((c) => [c.extensionId, c]));

  it('a dirty mark stays until a read that saw it; a mark set during the read survives it', async () => {
    expect((await candidates())[1]).toEqual({ extensionId: 1, hasToken: false, dirty: false, active: false, reconciledAt: undefined });
    await markMailboxesDirty(db.pool, 'a', [1, 2]);
    expect((await candidates())[1]!.dirty).toBe(true);
    const seen = await dirtyMark(db.pool, 'a', 1);
    await recordReconciled(db.pool, { accountId: 'a', extensionId: 1, asOf: '2026-01-01T10:00:00Z', changed: false, dirtySeen: seen });
    // Mailbox 2 was marked again while it was read: the read saw the older mark only.
    const seen2 = await dirtyMark(db.pool, 'a', 2);
    await new Promise((r) => setTimeout(r, 5));
    await markMailboxesDirty(db.pool, 'a', [2]);
    await recordReconciled(db.pool, { accountId: 'a', extensionId: 2, asOf: '2026-01-01T10:00:00Z', changed: true, dirtySeen: seen2 });
    const c = await candidates(['IvrMenu']);
    expect(c[1]).toEqual({ extensionId: 1, hasToken: false, dirty: false, active: false, reconciledAt: Date.parse('2026-01-01T10:00:00Z') });
    expect(c[2]).toMatchObject({ dirty: true, active: true });
    expect(c[3]).toBeUndefined(); // excluded type
  });

  it('a voicemail in the call log since the last reconciliation makes a mailbox active; one before it does not', async () => {
    const call = (id: string, ext: number, at: string, result: string) =>
      db.pool.query(`INSERT INTO ringcentral.call_log_record (account_id, id, extension_id, start_time, result, raw) VALUES ('a', $1, $2, $3, $4, '{}')`, [id, ext, at, result]);
    await call('c1', 1, '2026-01-01T09:00:00Z', 'Voicemail'); // before its reconciliation
    await call('c2', 1, '2026-01-01T11:00:00Z', 'Accepted');
    expect((await candidates())[1]!.active).toBe(false);
    await call('c3', 1, '2026-01-01T11:30:00Z', 'Voicemail');
    expect((await candidates())[1]!.active).toBe(true);
    expect((await candidates())[3]!.active).toBe(false);
  });

  it('a mailbox has a token only when its checkpoint holds a sync token with its frame', async () => {
    await db.pool.query(`INSERT INTO ringcentral.checkpoint (account_id, stream, scope, cursor) VALUES ('a', 'messages', '1', '{"syncToken": "t", "frameFrom": "2026-01-01T00:00:00Z"}'), ('a', 'messages', '2', '{"pendingSyncToken": "t"}')`);
    const c = await candidates();
    expect([c[1]!.hasToken, c[2]!.hasToken, c[3]!.hasToken]).toEqual([true, false, false]);
  });

  it('marks of mailboxes a complete snapshot no longer lists are dropped, but not those set after it completed (an extension created since)', async () => {
    await markMailboxesDirty(db.pool, 'a', [7, 8]); // 7: deleted before the snapshot, so unlisted
    const completed = new Date(Date.now() + 1); // the snapshot completes after 7's mark ...
    await new Promise((r) => setTimeout(r, 5));
    await markMailboxesDirty(db.pool, 'a', [9]); // ... and 9 is marked later: new, not yet listed
    await dropUnlistedDirtyMarks(db.pool, 'a', [1, 2, 3, 8], completed);
    expect(await dirtyMark(db.pool, 'a', 7)).toBeUndefined();
    expect(await dirtyMark(db.pool, 'a', 8)).toBeDefined();
    expect(await dirtyMark(db.pool, 'a', 9)).toBeDefined();
  });

  it("a gap's mark never replaces an event's; an event's replaces a gap's", async () => {
    const byGap = async (id: number) => (await db.pool.query(`SELECT dirty_at, dirty_by_gap FROM ringcentral.mailbox_state WHERE account_id = 'a' AND extension_id = $1`, [id])).rows[0];
    await markMailboxesDirty(db.pool, 'a', [21]);
    const event = await byGap(21);
    await markMailboxesDirty(db.pool, 'a', [21, 22], { byGap: true });
    expect(await byGap(21)).toEqual(event); // still the event's mark, at its time
    expect((await byGap(22)).dirty_by_gap).toBe(true);
    await markMailboxesDirty(db.pool, 'a', [22]);
    expect((await byGap(22)).dirty_by_gap).toBe(false);
  });
});
