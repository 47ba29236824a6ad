/**
 * Message stores: the first sync pages each store and takes a sync token; later syncs use
 * ISync and so catch messages read, deleted or purged after first sight; an expired token
 * (MSG-333) falls back to a full sync; an extension deleted mid-run is recorded, not fatal.
 */
import { describe, expect, it } from 'vitest';
import { accountSyncWorkflow } from '../../src/workflows';
import { ACCOUNT, useSyncStack } from '../support/sync-harness';

const HOUR = 3_600_000;
const ALL = ['Alive', 'Deleted', 'Purged'] as Array<'Alive'>;

describe('message store sync', () => {
  const stack = useSyncStack({ seed: 8, extensions: 10, days: 3, messagesPerExtensionPerDay: 30, syncTokenMaxAgeMs: 6 * HOUR }, { maxPageSize: 25 });
  let syncs = 0;

  const sync = () =>
    stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `msync-${++syncs}-${stack.taskQueue}`, args: [{ accountKey: ACCOUNT, initialLookbackMs: 3 * 24 * HOUR }] });

  /** Every message created in [from, now) equals the truth in the columns users query. */
  async function expectMessagesMatchTruth(from: number) {
    const { rows: exts } = await stack.db.pool.query(`SELECT DISTINCT extension_id FROM ringcentral.extension_snapshot WHERE type = 'User' AND status = 'Enabled'`);
    let compared = 0;
    for (const { extension_id } of exts) {
      const truth = stack.sim.truth.messages(extension_id, { from, to: stack.sim.clock.now(), availability: ALL });
      const { rows } = await stack.db.pool.query(
        `SELECT id, availability, read_status, last_modified_time FROM ringcentral.message WHERE extension_id = $1 AND creation_time >= $2 ORDER BY id`,
        [extension_id, new Date(from).toISOString()],
      );
      expect(rows.map((r) => r.id), `messages of ${extension_id}`).toEqual(truth.map((m) => Number(m.id)).sort((a, b) => a - b));
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const m of truth) {
        const row = byId.get(Number(m.id))!;
        expect({ availability: row.availability, readStatus: row.read_status, lastModified: row.last_modified_time.toISOString() }).toEqual({
          availability: m.availability,
          readStatus: m.readStatus,
          lastModified: new Date(m.lastModifiedTime as string).toISOString(),
        });
        compared++;
      }
    }
    return compared;
  }

  it('the first sync pages every store, later ones catch changes through ISync', async () => {
    const start = stack.sim.clock.now() - 3 * 24 * HOUR;
    await sync();
    expect(await expectMessagesMatchTruth(start)).toBeGreaterThan(200);
    stack.sim.clock.advance(2 * HOUR); // messages are read, deleted, purged meanwhile
    stack.sim.resetStats();
    await sync();
    expect(stack.sim.requestLog().some((r) => r.path.includes('syncType=ISync'))).toBe(true);
    expect(stack.sim.requestLog().filter((r) => r.path.includes('/message-store'))).toEqual([]); // no re-paging
    expect(await expectMessagesMatchTruth(start)).toBeGreaterThan(200);
    const changed = await stack.db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.message WHERE last_synced_at > first_synced_at`);
    expect(changed.rows[0].n).toBeGreaterThan(0);
  });

  it('an expired sync token (MSG-333) falls back to a full sync', async () => {
    stack.sim.clock.advance(7 * HOUR); // past the simulator's 6 h token lifetime
    stack.sim.resetStats();
    const result = await sync();
    expect(result.phase).toBe('done');
    expect(stack.sim.requestLog().some((r) => r.status === 400 && r.path.includes('syncType=ISync'))).toBe(true);
    expect(stack.sim.requestLog().some((r) => r.path.includes('syncType=FSync'))).toBe(true);
    await expectMessagesMatchTruth(stack.sim.clock.now() - 20 * HOUR);
  });

  it('an extension deleted between the list and its message store is recorded, not a failure', async () => {
    stack.sim.clock.advance(HOUR);
    stack.sim.faults.add({ kind: '404-extension', times: 1, match: { path: /message-sync/ } });
    const result = await sync();
    stack.sim.faults.clear();
    expect(result.phase).toBe('done');
    expect(result.counts.extensionsGone).toBe(1);
  });
});
