/**
 * RingCentral refuses a whole subscription create or update when one message-store filter names
 * an extension that is gone (400 OAU-232) or Disabled/Frozen (400 OAU-236); the simulator does
 * the same. Push must never go off for a whole batch because of one mailbox: Disabled and Frozen
 * mailboxes get no filter (scheduled syncs reconcile them daily), and a filter refused later (an
 * extension deleted since the snapshot) is dropped, its mailbox marked dirty, the rest kept.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { readPushState } from '../../src/warehouse/push-state';
import { accountSyncWorkflow, pushWorkflow } from '../../src/workflows';
import { ALL } from '../support/message-truth';
import { until } from '../support/until';
import { ACCOUNT, useSyncStack } from '../support/sync-harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('push filters RingCentral refuses', () => {
  // A dropped session never recovers (the client subscribes anew): the last test's create path.
  const stack = useSyncStack({ seed: 29, extensions: 12, days: 1, messagesPerExtensionPerDay: 24, eventsPerDay: 0, push: { recoveryTimeoutSec: 0 } });
  let push: WorkflowHandle<typeof pushWorkflow> | undefined;
  afterAll(async () => {
    await push?.cancel();
    await push?.result().catch((err) => expect(err).toBeInstanceOf(WorkflowFailedError));
  });

  const pushState = () => readPushState(stack.db.pool, ACCOUNT);
  const subscribed = () => {
    const subs = stack.sim.push.subscriptions() as Array<{ id: string; eventFilters: string[] }>;
    const mailboxes = subs.flatMap((s) => s.eventFilters).map((f) => /\/extension\/(\d+)\/message-store$/.exec(f)?.[1]).filter(Boolean).map(Number);
    return { ids: subs.map((s) => s.id).sort(), mailboxes: mailboxes.sort((a, b) => a - b), telephony: subs.flatMap((s) => s.eventFilters).filter((f) => f.endsWith('/telephony/sessions')).length };
  };
  const snapshot = async () =>
    (
      await stack.db.pool.query(
        `SELECT extension_id, status FROM ringcentral.extension_snapshot
          WHERE run_id = (SELECT run_id FROM ringcentral.snapshot WHERE stream = 'extensions' AND completed_at IS NOT NULL ORDER BY captured_at DESC LIMIT 1) ORDER BY 1`,
      )
    ).rows.map((r) => ({ id: Number(r.extension_id), status: r.status as string }));
  const microSelections = async (since: Date) =>
    (
      await stack.db.pool.query(
        `SELECT s.extension_id FROM ringcentral.message_sync_selection s JOIN ringcentral.sync_run r ON r.run_id = s.run_id
          WHERE r.run_id LIKE '%/micro-%' AND r.started_at >= $1 ORDER BY 1`,
        [since],
      )
    ).rows.map((r) => Number(r.extension_id));
  const idle = () =>
    until('the micro-syncs to drain the work', async () => {
      const { rows } = await stack.db.pool.query(
        `SELECT (SELECT count(*) FROM ringcentral.mailbox_state WHERE account_id = $1 AND dirty_at IS NOT NULL)
              + (SELECT count(*) FROM ringcentral.sync_run WHERE account_id = $1 AND status = 'running') AS n`,
        [ACCOUNT],
      );
      return Number(rows[0].n) === 0;
    });
  const users = () =>
    (stack.sim.truth.extensions() as Array<{ id: number; type: string; status: string }>).filter((e) => e.type === 'User' && e.status === 'Enabled' && e.id !== stack.sim.ownerId).map((e) => e.id);

  let disabled: number;
  let frozen: number;

  it('a snapshot listing Disabled and Frozen extensions: no filter for them, push connected, the other mailboxes still push', async () => {
    [disabled, frozen] = users() as [number, number];
    stack.sim.events.disable(disabled);
    stack.sim.events.update(frozen, { status: 'Frozen' });
    stack.sim.clock.advance(MINUTE);
    await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `refused-sync-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    const listed = await snapshot();
    expect(listed).toContainEqual({ id: disabled, status: 'Disabled' });
    expect(listed).toContainEqual({ id: frozen, status: 'Frozen' });

    push = await stack.client.workflow.start(pushWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `refused-push-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, listenMs: 2_000, settleMs: 300, microIntervalMs: 1_000, callLogDueAfterMs: 0, filtersPerSubscription: 4, renewEveryMs: 3_000, leaseGraceMs: 60_000 }],
    });
    await until('push connected', async () => (await pushState())?.status === 'connected');
    const subs = subscribed();
    expect(subs.mailboxes).toEqual(listed.filter((e) => e.status !== 'Disabled' && e.status !== 'Frozen').map((e) => e.id));
    expect(subs.telephony).toBe(1);
    await idle();

    // The subscribed mailboxes' changes still arrive and are read by micro-syncs.
    const since = new Date();
    const t0 = stack.sim.clock.now();
    stack.sim.clock.advance(2 * HOUR);
    stack.sim.push.deliverNow();
    const t1 = stack.sim.clock.now();
    const changed = subs.mailboxes.filter((id) =>
      stack.sim.truth.messages(id, { from: 0, to: t1 + 1, availability: ALL }).some((m) => {
        const touched = [Date.parse(m.creationTime as string), Date.parse(m.lastModifiedTime as string)];
        return touched.some((t) => t > t0 && t <= t1);
      }),
    );
    expect(changed.length).toBeGreaterThan(0);
    await until('the changed mailboxes read', async () => {
      const read = new Set(await microSelections(since));
      return changed.every((m) => read.has(m));
    });
    await idle();
    expect([...new Set(await microSelections(since))]).toEqual(changed);
    expect((await pushState())!.status).toBe('connected');
  });

  it('an extension deleted since the snapshot: the renewal is refused (OAU-232); its filter is dropped and its mailbox marked dirty, push stays on', async () => {
    await idle();
    const before = subscribed();
    const state = (await pushState())!;
    const gone = before.mailboxes[before.mailboxes.length - 1]!;
    const since = new Date();
    stack.sim.events.delete(gone);

    const after = await until('its filter dropped', async () => (subscribed().mailboxes.includes(gone) ? undefined : subscribed()));
    expect(after.mailboxes).toEqual(before.mailboxes.filter((m) => m !== gone));
    expect(after.ids).toEqual(before.ids); // the same subscriptions, updated in place
    expect(after.telephony).toBe(1);
    // Marked dirty (no event can name it: it is gone), so a micro-sync read it and found it gone.
    await until('a micro-sync to read the gone mailbox', async () => (await microSelections(since)).includes(gone));
    await idle();
    const now = (await pushState())!;
    expect(now.status).toBe('connected');
    expect(now.gaps).toBe(state.gaps); // not a gap: only that mailbox was marked
    expect(now.connectedSince).toEqual(state.connectedSince);

    // Later loops follow the same snapshot: the refused filter stays out, the mailbox is not read again.
    await new Promise((r) => setTimeout(r, 6_000));
    expect(subscribed().mailboxes).toEqual(after.mailboxes);
    expect((await microSelections(since)).filter((m) => m === gone)).toHaveLength(1);
  });

  it('a session that fails to recover subscribes anew; a filter refused then (OAU-232) is dropped the same way', async () => {
    await idle();
    const before = subscribed();
    const gaps = (await pushState())!.gaps;
    const gone = before.mailboxes[0]!; // in the first batch, beside others
    stack.sim.events.delete(gone);
    expect(stack.sim.push.dropConnections()).toBeGreaterThan(0);
    // The client's own re-subscribe (its session is gone) sends the filters: refused, then without the gone one.
    const after = await until('subscribed anew without the gone mailbox', async () => {
      const s = subscribed();
      // As many subscriptions as before, all new: none twice (the client and a renewal both re-subscribing).
      return s.ids.length === before.ids.length && s.ids.every((id) => !before.ids.includes(id)) ? s : undefined;
    });
    expect(after.mailboxes).toEqual(before.mailboxes.filter((m) => m !== gone));
    expect(after.telephony).toBe(1);
    expect((await pushState())!.gaps).toBeGreaterThan(gaps); // the failed recovery (the session's events are lost)
    await idle();
    expect((await pushState())!.status).toBe('connected');
  });
});
