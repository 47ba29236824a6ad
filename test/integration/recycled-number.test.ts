/**
 * The reason the product exists, on the simulator through the real pipeline: extension A
 * holds a number, is disabled and deleted, the number goes to a new extension B; calls
 * before and after are attributed to A and B, by id and by number.
 */
import { describe, expect, it } from 'vitest';
import { accountSyncWorkflow } from '../../src/workflows';
import { ACCOUNT, useSyncStack } from '../support/sync-harness';

const HOUR = 3_600_000;

describe('a recycled extension number', () => {
  const stack = useSyncStack({ seed: 77, extensions: 8, days: 1, callsPerExtensionPerDay: 60 }, { maxPageSize: 200 });
  let n = 0;

  const sync = () => stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `recycle-${++n}-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });

  it('attributes calls before the reassignment to A and after it to B', async () => {
    await sync();
    const { oldId: a, newId: b, number } = stack.sim.events.recycleScenario(); // A disabled, deleted; B hired with A's number
    const reassignedAt = stack.sim.clock.now();
    stack.sim.clock.advance(6 * HOUR);
    await sync(); // sees A gone and B listed
    stack.sim.clock.advance(6 * HOUR);
    await sync(); // B's calls since

    // B's first version starts when that sync saw A gone: until then the dimension only knows
    // A with the number (docs/dimension.md, backdating), so B's calls between its hiring and
    // that sync have no version (kept, NULL attributes) rather than a second holder.
    const bFrom = (await stack.db.pool.query(`SELECT min(valid_from) AS t FROM ringcentral.dim_extension WHERE extension_id = $1`, [b])).rows[0].t.getTime();
    const unseen = await stack.db.pool.query(
      `SELECT count(*)::int AS n, count(owner_extension_key)::int AS attributed FROM ringcentral.call_log_attributed
        WHERE extension_id = $1 AND start_time < $2`,
      [b, new Date(bFrom)],
    );
    expect(unseen.rows[0]).toMatchObject({ attributed: 0 });

    const calls = await stack.db.pool.query(
      `SELECT extension_id, owner_extension_key, owner_extension_number, start_time FROM ringcentral.call_log_attributed
        WHERE extension_id IN ($1, $2) ORDER BY start_time`,
      [a, b],
    );
    const before = calls.rows.filter((r) => r.start_time.getTime() < reassignedAt - 2 * HOUR);
    const after = calls.rows.filter((r) => r.start_time.getTime() >= bFrom);
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(before.map((r) => r.extension_id))).toEqual(new Set([a]));
    expect(new Set(after.map((r) => r.extension_id))).toEqual(new Set([b]));
    // Every call joined to a dimension version holding the number at the time of the call.
    for (const r of [...before, ...after]) {
      expect(r.owner_extension_key).not.toBeNull();
      expect(r.owner_extension_number).toBe(number);
    }
    // By number: who held it then, per the dimension and per the simulator's ground truth.
    for (const r of [before.at(-1)!, after[0]]) {
      const held = await stack.db.pool.query(`SELECT extension_id FROM ringcentral.extension_holder($1, $2, $3)`, [ACCOUNT, number, r.start_time]);
      expect(held.rows[0].extension_id).toBe(r.extension_id);
      expect(stack.sim.truth.holderOf(number, r.start_time)).toBe(r.extension_id);
    }
    // A is closed with a tombstone; B is the current holder.
    const dim = await stack.db.pool.query(`SELECT extension_id, is_current, is_deleted FROM ringcentral.dim_extension WHERE extension_id IN ($1, $2) AND is_current`, [a, b]);
    expect(dim.rows.sort((x, y) => Number(x.extension_id === b) - Number(y.extension_id === b))).toEqual([
      { extension_id: a, is_current: true, is_deleted: true },
      { extension_id: b, is_current: true, is_deleted: false },
    ]);
  });
});
