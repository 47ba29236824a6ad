/**
 * Issue 12 on the real stack (Temporal, Postgres, the simulator's WebSocket gateway, the
 * official @ringcentral/subscriptions client): push events make exactly the mailboxes that
 * changed dirty and micro-syncs read exactly those; a dropped socket and a lost event end with
 * the warehouse equal to the simulator's truth; the push workflow continues as new with bounded
 * history while its subscription lives on; a refused WebSocket token turns push off and the
 * scheduled sync still lands everything.
 */
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { readPushState } from '../../src/warehouse/push-state';
import { accountSyncWorkflow, pushWorkflow } from '../../src/workflows';
import type { PushInput } from '../../src/workflows/push';
import { historyLeaks, servedSecrets } from '../support/leak-scan';
import { ALL, expectMessagesEqualTruth, listedMailboxes } from '../support/message-truth';
import { until } from '../support/until';
import { ACCOUNT, expectCallLogEqualsTruth, useSyncStack } from '../support/sync-harness';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('push notifications drive micro-syncs', () => {
  const stack = useSyncStack({ seed: 21, extensions: 12, days: 1, messagesPerExtensionPerDay: 6, callsPerExtensionPerDay: 6, eventsPerDay: 0 });
  let push: WorkflowHandle<typeof pushWorkflow> | undefined;
  let pushes = 0;

  const fastPush = (over: Partial<PushInput> = {}): PushInput => ({
    accountId: ACCOUNT, listenMs: 5_000, settleMs: 300, microIntervalMs: 1_000, callLogDueAfterMs: 0, renewEveryMs: 2_000, leaseGraceMs: 60_000, ...over,
  });
  const startPush = async (input: PushInput) => {
    push = await stack.client.workflow.start(pushWorkflow, { taskQueue: stack.taskQueue, workflowId: `push-${++pushes}-${stack.taskQueue}`, args: [input] });
    return push;
  };
  const stopPush = async () => {
    if (!push) return;
    await push.cancel();
    await push.result().catch((err) => expect(err).toBeInstanceOf(WorkflowFailedError));
    push = undefined;
    // The listener unsubscribes once the cancellation reaches its activity.
    await until('the subscriptions to end', async () => stack.sim.push.subscriptions().length === 0);
  };
  afterAll(stopPush);

  const pushState = () => readPushState(stack.db.pool, ACCOUNT);
  const connected = () => until('push connected', async () => (await pushState())?.status === 'connected');
  const dirtyNow = async () =>
    (await stack.db.pool.query(`SELECT extension_id FROM ringcentral.mailbox_state WHERE account_id = $1 AND dirty_at IS NOT NULL`, [ACCOUNT])).rows.map((r) => Number(r.extension_id));
  /** Every notification the gateway sent has been recorded. */
  const allRecorded = () => until('every event recorded', async () => (await pushState())?.eventsReceived === stack.sim.push.stats().delivered + stack.sim.push.stats().replayed);
  /** Micro-syncs have drained the work: nothing dirty, no call log due, no micro-sync running. */
  const drained = () =>
    until('the micro-syncs to drain the work', async () => {
      const p = await pushState();
      const { rows } = await stack.db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.sync_run WHERE account_id = $1 AND status = 'running'`, [ACCOUNT]);
      return (await dirtyNow()).length === 0 && !p?.callLogDueAt && rows[0].n === 0;
    });
  const microSelections = async (since: Date) =>
    (
      await stack.db.pool.query(
        `SELECT DISTINCT s.extension_id FROM ringcentral.message_sync_selection s JOIN ringcentral.sync_run r ON r.run_id = s.run_id
          WHERE r.run_id LIKE '%/micro-%' AND r.started_at >= $1 ORDER BY 1`,
        [since],
      )
    ).rows.map((r) => Number(r.extension_id));
  /** Listed mailboxes with a message created or changed in (from, to]. */
  const changedMailboxes = async (from: number, to: number) =>
    (await listedMailboxes(stack)).filter((id) =>
      stack.sim.truth.messages(id, { from: 0, to: to + 1, availability: ALL }).some((m) => {
        const created = Date.parse(m.creationTime as string);
        const modified = Date.parse(m.lastModifiedTime as string);
        return (created > from && created <= to) || (modified > from && modified <= to);
      }),
    );

  it('a refused WebSocket token (missing permission): push says off and why; the scheduled sync lands everything', async () => {
    // (First: each new listener costs a WebSocket token, an Auth request, and Auth allows 5 a minute.)
    const refusal = stack.sim.faults.add({ kind: '403', match: { path: '/restapi/oauth/wstoken' }, times: 1_000 });
    const handle = await startPush(fastPush({ offRetryMs: HOUR }));
    const off = await until('push off', async () => {
      const p = await pushState();
      return p?.status === 'off' ? p : undefined;
    });
    expect(off.offReason, off.offReason).toContain('WebSocket Subscriptions');
    const progress = await until('the workflow to show it', async () => {
      const q = await handle.query('progress');
      return (q as { line: string }).line.startsWith('push: off') ? (q as { line: string }) : undefined;
    });
    expect(progress.line).toContain('permission');
    expect(stack.sim.push.subscriptions()).toEqual([]);
    stack.sim.faults.remove(refusal);
    await stopPush();

    stack.sim.clock.advance(HOUR);
    const from = stack.sim.clock.now();
    const result = await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `polling-sync-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    expect(result.phase).toBe('done');
    await expectMessagesEqualTruth(stack, from - 24 * HOUR);
    await expectCallLogEqualsTruth(stack, from - 3 * HOUR, stack.sim.clock.now() - 5 * MINUTE, 'records');
  });

  it('events make exactly the changed mailboxes dirty; micro-syncs read exactly those and land the call log', async () => {
    stack.sim.clock.advance(MINUTE); // (snapshots merge in capture order: not at the previous test's sync's time)
    const start = stack.sim.clock.now();
    await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `first-sync-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    await startPush(fastPush());
    await connected();
    // Push was off before: a gap, so every mailbox was marked dirty once; drained first.
    expect((await pushState())!.lastGapReason).toBe('resubscribed');
    await drained();
    const gapsBefore = (await pushState())!.gaps;

    const t0 = stack.sim.clock.now();
    const since = new Date();
    const logFrom = stack.sim.requestLog().length;
    stack.sim.clock.advance(2 * HOUR);
    stack.sim.push.deliverNow();
    const t1 = stack.sim.clock.now();
    await allRecorded();
    await drained();

    const changed = await changedMailboxes(t0, t1);
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.length).toBeLessThan((await listedMailboxes(stack)).length); // some stayed quiet: "exactly" can fail
    expect(await microSelections(since)).toEqual(changed);
    expect((await pushState())!.gaps).toBe(gapsBefore); // nothing was missed: only the changed mailboxes were read
    await expectMessagesEqualTruth(stack, start - 24 * HOUR);
    await expectCallLogEqualsTruth(stack, t0, t1 - 5 * MINUTE, 'records');
    // A micro-sync reads no list: its clock comes from GET /restapi (no rate group), its mailboxes
    // from the last complete snapshot. What it sends is the changed mailboxes and the call log.
    const microRequests = stack.sim.requestLog().slice(logFrom);
    expect(microRequests.filter((r) => r.route === 'extension-list' || r.route === 'directory')).toEqual([]);
    expect(microRequests.filter((r) => r.route === 'api-versions').length).toBeGreaterThan(0);
    expect(new Set(microRequests.filter((r) => r.group === 'Light').map((r) => r.path.match(/extension\/(\d+)\//)?.[1]))).toEqual(new Set(changed.map(String)));

    // While push watches, a scheduled sync reads what is due or marked, not every mailbox.
    const scheduled = await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `watched-sync-${stack.taskQueue}`, args: [{ accountId: ACCOUNT }] });
    expect(scheduled.phase).toBe('done');
    const reasons = (await stack.db.pool.query(`SELECT reason FROM ringcentral.message_sync_selection WHERE run_id = $1`, [scheduled.runId])).rows.map((r) => r.reason);
    expect(reasons).not.toContain('oldest');
    expect(reasons).not.toContain('active'); // guesses at what changed: push says it
    expect(reasons.length).toBeLessThan((await listedMailboxes(stack)).length);
  });

  it('a dropped socket (recovered) and lost events (a gap) end with the warehouse equal to the truth', async () => {
    const gapsBefore = (await pushState())!.gaps;

    // Dropped: the session recovers and the buffered events are replayed, so no gap.
    // In the same tick, while the cut sockets are closing (the client reconnects within
    // milliseconds), so the next round's events wait in the sessions' recovery buffers.
    expect(stack.sim.push.dropConnections()).toBeGreaterThan(0);
    stack.sim.clock.advance(HOUR);
    stack.sim.push.deliverNow();
    expect(stack.sim.push.stats().buffered).toBeGreaterThan(0);
    await until('the replayed events', async () => stack.sim.push.stats().replayed === stack.sim.push.stats().buffered);
    await allRecorded();
    expect((await pushState())!.gaps).toBe(gapsBefore);

    // Lost: the first two notifications of the next round are never sent; the sequence shows it.
    stack.sim.push.loseEvents(2);
    stack.sim.clock.advance(2 * HOUR);
    stack.sim.push.deliverNow();
    await until('the gap to be recorded', async () => ((await pushState())!.gaps > gapsBefore ? true : undefined));
    expect((await pushState())!.lastGapReason).toBe('sequence gap');
    await drained();
    await expectMessagesEqualTruth(stack, stack.sim.clock.now() - 24 * HOUR);
    await expectCallLogEqualsTruth(stack, stack.sim.clock.now() - 3 * HOUR, stack.sim.clock.now() - 5 * MINUTE, 'records');
  });

  it('a micro-sync that fails is counted, and the push workflow carries on with the next', async () => {
    type Progress = { microSyncs: number; microSyncsFailed?: number };
    const progress = async () => (await push!.query('progress')) as Progress;
    // Every message store refused: the micro-sync's fan-out fails (MessageStoresRefused, not retryable).
    const refusal = stack.sim.faults.add({ kind: '403', match: { path: /\/message-sync/ }, times: 100_000 });
    stack.sim.clock.advance(HOUR);
    stack.sim.push.deliverNow();
    const failed = await until('a failed micro-sync', async () => ((await progress()).microSyncsFailed ? await progress() : undefined));
    stack.sim.faults.remove(refusal);
    stack.sim.clock.advance(HOUR);
    stack.sim.push.deliverNow();
    await until('a later micro-sync', async () => (await progress()).microSyncs > failed.microSyncs);
    await drained();
    expect((await push!.describe()).status.name).toBe('RUNNING');
    const { rows } = await stack.db.pool.query(`SELECT status FROM ringcentral.sync_run WHERE run_id LIKE '%/micro-%' ORDER BY started_at DESC LIMIT 1`);
    expect(rows[0].status).toBe('succeeded');
  });

  it('continues as new every few loops: history stays bounded and the subscription lives on, renewed, without a gap', async () => {
    await stopPush();
    const handle = await startPush(fastPush({ listenMs: 300, loopsPerRun: 3, renewEveryMs: 300 }));
    await connected();
    await drained();
    const gapsBefore = (await pushState())!.gaps;
    const subscription = stack.sim.push.subscriptions().map((s) => s.id);
    const runs = async () => {
      const out = [];
      for await (const wf of stack.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) out.push(wf);
      return out;
    };
    const continued = await until('four continue-as-new', async () => {
      const r = await runs();
      return r.filter((w) => w.status.name === 'CONTINUED_AS_NEW').length >= 4 ? r : undefined;
    });
    for (const run of continued.filter((w) => w.status.name === 'CONTINUED_AS_NEW')) {
      const history = await stack.client.workflow.getHandle(handle.workflowId, run.runId).fetchHistory();
      expect(history.events!.length).toBeLessThan(60);
    }
    expect(stack.sim.push.subscriptions().map((s) => s.id)).toEqual(subscription);
    expect((await pushState())!.gaps).toBe(gapsBefore);
  });


  it('push and micro-sync histories carry ids, counts and times, never personal data or secrets', async () => {
    const secrets = servedSecrets(stack.sim, { from: stack.sim.clock.now() - 48 * HOUR });
    expect(secrets.personal.size).toBeGreaterThan(20);
    const histories = await historyLeaks(stack.client, stack.taskQueue, secrets);
    for (const h of histories) expect(h.leaks, `history of ${h.workflowId}`).toEqual([]);
    expect(histories.map((h) => h.type)).toEqual(expect.arrayContaining(['pushWorkflow', 'accountSyncWorkflow', 'messageFanOutWorkflow']));
  });
});
