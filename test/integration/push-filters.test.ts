/**
 * The push subscriptions' filters (issue 12): one message-store filter per listed mailbox plus
 * the account's telephony sessions, batched within the per-subscription filter limit (several
 * subscriptions when needed), and kept in step with the extension list: a hired extension's
 * mailbox is subscribed after the next snapshot, and marked dirty so a micro-sync reads it.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import { markMailboxesDirty } from '../../src/warehouse/mailbox-state';
import { readPushState } from '../../src/warehouse/push-state';
import { accountSyncWorkflow, pushWorkflow } from '../../src/workflows';
import { pushWorkflowId } from '../../src/workflows/push';
import { until } from '../support/until';
import { ACCOUNT, stackEnv, useSyncStack } from '../support/sync-harness';

const MINUTE = 60_000;

describe('push subscription filters', () => {
  const stack = useSyncStack({ seed: 23, extensions: 12, days: 1, eventsPerDay: 0 });
  let stop: (() => Promise<unknown>) | undefined;
  afterAll(() => stop?.());

  const sync = (n: number) =>
    stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `filters-sync-${n}-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
  /** The latest snapshot's mailboxes that can take a filter (RingCentral refuses one for a Disabled or Frozen extension). */
  const latestSnapshot = async () =>
    (
      await stack.db.pool.query(
        `SELECT extension_id FROM ringcentral.extension_snapshot WHERE run_id = (SELECT run_id FROM ringcentral.snapshot WHERE stream = 'extensions' ORDER BY captured_at DESC LIMIT 1)
            AND status NOT IN ('Disabled', 'Frozen') ORDER BY 1`,
      )
    ).rows.map((r) => Number(r.extension_id));
  const subscribed = () => {
    const subs = stack.sim.push.subscriptions() as Array<{ eventFilters: string[] }>;
    const filters = subs.flatMap((s) => s.eventFilters);
    return {
      subs,
      telephony: filters.filter((f) => f.endsWith('/telephony/sessions')).length,
      mailboxes: filters.map((f) => /\/extension\/(\d+)\/message-store$/.exec(f)?.[1]).filter(Boolean).map(Number).sort((a, b) => a - b),
    };
  };

  it('batches the filters within the limit and follows the extension list', async () => {
    await sync(1);
    const handle = await stack.client.workflow.start(pushWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: pushWorkflowId(ACCOUNT), // the CLI's id, so `rcsync push status|stop` find it
      args: [{ accountId: ACCOUNT, listenMs: 1_000, settleMs: 300, microIntervalMs: 1_000, filtersPerSubscription: 5, leaseGraceMs: 60_000 }],
    });
    stop = async () => {
      await handle.cancel();
      await handle.result().catch(() => undefined);
      await until('the subscriptions to end', async () => stack.sim.push.subscriptions().length === 0);
    };
    await until('push connected', async () => (await readPushState(stack.db.pool, ACCOUNT))?.status === 'connected');
    const listed = await latestSnapshot();
    const first = subscribed();
    expect(first.subs).toHaveLength(Math.ceil((listed.length + 1) / 5));
    for (const s of first.subs) expect(s.eventFilters.length).toBeLessThanOrEqual(5);
    expect(first.telephony).toBe(1);
    expect(first.mailboxes).toEqual(listed);

    const hired = stack.sim.events.hire({ type: 'User', status: 'Enabled' });
    stack.sim.clock.advance(MINUTE);
    await sync(2);
    expect(await latestSnapshot()).toContain(hired);
    const after = await until('the hired mailbox subscribed', async () => (subscribed().mailboxes.includes(hired) ? subscribed() : undefined));
    expect(after.mailboxes).toEqual(await latestSnapshot());
    for (const s of after.subs) expect(s.eventFilters.length).toBeLessThanOrEqual(5);
    // Its changes before the filter existed reached no one: a micro-sync reads it.
    await until('a micro-sync to read the hired mailbox', async () => {
      const { rows } = await stack.db.pool.query(`SELECT 1 FROM ringcentral.message_sync_selection WHERE run_id LIKE '%/micro-%' AND extension_id = $1`, [hired]);
      return rows.length > 0;
    });

    // A dirty mark on a mailbox deleted since the last snapshot can never be read: the micro-sync
    // that finds it gone drops it, and micro-syncs stop; its filter goes with the next snapshot.
    const gone = (stack.sim.truth.extensions() as Array<{ id: number; type: string }>).find((e) => e.type === 'User' && e.id !== hired)!.id;
    stack.sim.events.delete(gone);
    stack.sim.clock.advance(MINUTE);
    await markMailboxesDirty(stack.db.pool, ACCOUNT, [gone]);
    const microSyncs = async () => (await stack.db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.sync_run WHERE run_id LIKE '%/micro-%'`)).rows[0].n as number;
    await until('the mark dropped', async () => {
      const { rows } = await stack.db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.mailbox_state WHERE account_id = $1 AND dirty_at IS NOT NULL`, [ACCOUNT]);
      return rows[0].n === 0;
    });
    const settled = await microSyncs();
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await microSyncs()).toBe(settled);
    expect((await stack.db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.snapshot WHERE run_id LIKE '%/micro-%'`)).rows[0].n).toBe(0); // micro-syncs list nothing
    await sync(3);
    await until('its filter gone', async () => !subscribed().mailboxes.includes(gone));
  });

  it('rcsync push status and rcsync status show its health; rcsync push stop unsubscribes', async () => {
    const saved = { ...process.env };
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    try {
      process.env = { ...saved, ...stackEnv(stack) };
      stack.sim.clock.advance(30 * MINUTE);
      const line = await until('a health line with events', async () => {
        out.length = 0;
        expect(await run(['push', 'status', '--account', ACCOUNT])).toBe(0);
        return /events [1-9]/.test(out[0] ?? '') ? out[0] : undefined;
      });
      expect(line).toMatch(/^push: connected since \S+, events \d+, last event \S+, gaps \d+, dirty mailboxes waiting \d+$/);
      out.length = 0;
      expect(await run(['status'])).toBe(0);
      expect(out.join('\n')).toMatch(new RegExp(`RUNNING .* ${pushWorkflowId(ACCOUNT)}\n +push: connected since`));
      out.length = 0;
      expect(await run(['push', 'stop', '--account', ACCOUNT])).toBe(0);
      expect(out).toEqual([`Stopped ${pushWorkflowId(ACCOUNT)}.`]);
      await until('the subscriptions to end', async () => stack.sim.push.subscriptions().length === 0);
      out.length = 0;
      expect(await run(['push', 'status', '--account', ACCOUNT])).toBe(0);
      expect(out).toEqual([`push: not running (start it with \`rcsync push start --account ${ACCOUNT}\`)`]);
      stop = undefined;
    } finally {
      vi.restoreAllMocks();
      process.env = saved;
    }
  });
});
