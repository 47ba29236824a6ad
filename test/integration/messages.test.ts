/**
 * Message stores: the first sync pages each store and takes a sync token whose frame covers
 * what it paged; later syncs use ISync and so catch messages read, deleted or purged after
 * first sight; a backfill widens the frame; an expired token (MSG-333) falls back to a full
 * sync; every listed mailbox is read, and one that cannot be is counted and warned about.
 */
import { describe, expect, inject, it, vi } from 'vitest';
import { run } from '../../src/client/main';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { ALL, expectMessagesEqualTruth, listedMailboxes, withoutMailbox } from '../support/message-truth';
import { ACCOUNT, useSyncStack } from '../support/sync-harness';

const HOUR = 3_600_000;

describe('message store sync', () => {
  const stack = useSyncStack({ seed: 8, extensions: 10, days: 3, messagesPerExtensionPerDay: 30, syncTokenMaxAgeMs: 6 * HOUR }, { maxPageSize: 25 });
  let syncs = 0;

  const sync = () =>
    stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `msync-${++syncs}-${stack.taskQueue}`, args: [{ accountId: ACCOUNT, initialLookbackMs: 3 * 24 * HOUR }] });

  const expectMessagesMatchTruth = (from: number, except: number[] = []) => expectMessagesEqualTruth(stack, from, except);

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
    const victim = (await listedMailboxes(stack)).at(-1)!;
    stack.sim.faults.add({ kind: '404-extension', times: 1, match: { path: `/extension/${victim}/message-sync` } });
    const result = await sync();
    stack.sim.faults.clear();
    expect(result.phase).toBe('done');
    expect(result.counts.extensionsGone).toBe(1);
    expect(result.counts.mailboxesSkipped).toBe(await withoutMailbox(stack, `msync-${syncs}-%`)); // not the deleted one
  });

  it('a 404 from message-sync for a listed extension pages its store instead; a listed mailbox without a store is counted and warned about', async () => {
    stack.sim.clock.advance(HOUR);
    const [fallback, missing] = (await listedMailboxes(stack)).slice(0, 2);
    stack.sim.faults.add({ kind: '404', times: 1, match: { path: `/extension/${fallback}/message-sync` } });
    stack.sim.faults.add({ kind: '404', times: 10, match: { path: `/extension/${missing}/message-s` } }); // sync and store alike
    const result = await sync();
    stack.sim.faults.clear();
    expect(result.phase).toBe('done');
    const missingCount = 1 + (await withoutMailbox(stack, `msync-${syncs}-%`)); // the one 404ing, plus types without a mailbox
    expect(result.counts).toMatchObject({ extensionsGone: 0, messageSyncFallbacks: 1, messageStoresMissing: missingCount, mailboxesSkipped: missingCount });
    expect(result.warnings).toEqual([`${missingCount} of ${result.counts.messageExtensions} listed mailboxes skipped: 0 refused by RingCentral, ${missingCount} without a message store`]);
    expect(stack.sim.requestLog().some((r) => r.path.includes(`/extension/${fallback}/message-store`))).toBe(true);
    const { rows } = await stack.db.pool.query(`SELECT counts FROM ringcentral.sync_run WHERE run_id LIKE $1`, [`msync-${syncs}-%`]);
    expect(rows[0].counts).toMatchObject({ messageSyncFallbacks: 1, mailboxesSkipped: missingCount });
    await expectMessagesMatchTruth(stack.sim.clock.now() - 20 * HOUR, [missing!]); // that one was not read this time

    // `rcsync status <id>` says so on a line of its own, not only inside the JSON.
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    const saved = { ...process.env };
    process.env = { ...saved, TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: stack.taskQueue };
    try {
      expect(await run(['status', `msync-${syncs}-${stack.taskQueue}`])).toBe(0);
    } finally {
      process.env = saved;
      log.mockRestore();
    }
    expect(out.join('\n').split('\n')).toContain(`warning: ${result.warnings![0]}`);
  });

  it('every listed mailbox is read by default: FlexibleUser, NotActivated and Unassigned too; one without a message store is counted', async () => {
    const hired = [
      stack.sim.events.hire({ type: 'FlexibleUser', status: 'Enabled' }),
      stack.sim.events.hire({ type: 'User', status: 'NotActivated' }),
      stack.sim.events.hire({ type: 'User', status: 'Unassigned' }),
    ];
    const ivr = stack.sim.events.hire({ type: 'IvrMenu', status: 'Enabled' });
    const since = stack.sim.clock.now();
    stack.sim.clock.advance(5 * HOUR);
    const result = await sync();
    expect(result.phase).toBe('done');
    for (const id of hired) {
      const truth = stack.sim.truth.messages(id, { from: since, to: stack.sim.clock.now(), availability: ALL });
      expect(truth.length, `simulated messages of ${id}`).toBeGreaterThan(0);
      const { rows } = await stack.db.pool.query(`SELECT id FROM ringcentral.message WHERE extension_id = $1 ORDER BY id`, [id]);
      expect(rows.map((r) => r.id), `messages of ${id}`).toEqual(truth.map((m) => Number(m.id)).sort((a, b) => a - b));
    }
    const noStore = await withoutMailbox(stack, `msync-${syncs}-%`);
    expect(noStore).toBeGreaterThan(0); // the IVR menu at least
    expect(result.counts).toMatchObject({ messageStoresMissing: noStore, mailboxesSkipped: noStore });
    expect(stack.sim.requestLog().some((r) => r.path.includes(`/extension/${ivr}/message-s`) && r.status === 403)).toBe(true);
  });
});

describe('message-sync frames follow what the warehouse holds', () => {
  const stack = useSyncStack({ seed: 5, extensions: 8, days: 6, messagesPerExtensionPerDay: 20 }, { maxPageSize: 50 });
  let runs = 0;
  const sync = () =>
    stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `frames-${++runs}-${stack.taskQueue}`, args: [{ accountId: ACCOUNT, initialLookbackMs: 24 * HOUR }] });

  it('a backfill of older messages widens each frame, so their later changes arrive through ISync alone', async () => {
    const t0 = stack.sim.clock.now();
    await sync(); // frames start a day back
    stack.sim.resetStats();
    await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId: `frames-backfill-${stack.taskQueue}`,
      args: [{ accountId: ACCOUNT, from: new Date(t0 - 5 * 24 * HOUR).toISOString(), to: new Date(t0 - 24 * HOUR).toISOString(), streams: ['messages'] }],
    });
    // The backfill itself widened each frame (handing over to sync): the next sync only follows it.
    expect(stack.sim.requestLog().filter((r) => r.path.includes('syncType=ISync') && r.path.includes('dateFrom=')).length).toBe((await listedMailboxes(stack)).length);
    expect(stack.sim.requestLog().some((r) => r.status === 200 && r.path.includes('syncType=FSync'))).toBe(false); // (types without a store answer 403)
    stack.sim.clock.advance(12 * HOUR);
    stack.sim.resetStats();
    await sync();
    expect(stack.sim.requestLog().filter((r) => r.status === 200 && (r.path.includes('/message-store') || (r.path.includes('/message-sync') && r.path.includes('dateFrom='))))).toEqual([]);
    await expectMessagesEqualTruth(stack, t0 - 5 * 24 * HOUR);

    const t1 = stack.sim.clock.now();
    stack.sim.clock.advance(12 * HOUR);
    // The test means something: backfilled (older) messages changed after the widening sync.
    const olderChanged = (await listedMailboxes(stack)).flatMap((id) =>
      stack.sim.truth.messages(id, { from: t0 - 5 * 24 * HOUR, to: t0 - 24 * HOUR, availability: ALL }).filter((m) => Date.parse(m.lastModifiedTime as string) > t1),
    );
    expect(olderChanged.length).toBeGreaterThan(0);
    stack.sim.resetStats();
    await sync();
    expect(stack.sim.requestLog().filter((r) => r.path.includes('/message-store'))).toEqual([]);
    await expectMessagesEqualTruth(stack, t0 - 5 * 24 * HOUR);
  });

  it('a new frame reaches back to messages synced within RCSYNC_MESSAGES_FOLLOW_DAYS (30), not to older syncs', async () => {
    const backfillFrom = (await stack.db.pool.query(`SELECT min(creation_time) AS t FROM ringcentral.message`)).rows[0].t.getTime();
    const fsyncStarts = async () => {
      await stack.db.pool.query(`DELETE FROM ringcentral.checkpoint WHERE stream = 'messages'`); // every mailbox starts over with an FSync
      stack.sim.clock.advance(HOUR);
      stack.sim.resetStats();
      await sync();
      const froms = stack.sim
        .requestLog()
        .filter((r) => r.status === 200 && r.path.includes('syncType=FSync'))
        .map((r) => Date.parse(decodeURIComponent(/dateFrom=([^&]+)/.exec(r.path)![1]!)));
      expect(froms.length).toBe((await listedMailboxes(stack)).length);
      return Math.min(...froms);
    };
    await stack.db.pool.query(`UPDATE ringcentral.message SET last_synced_at = now() - interval '31 days'`);
    expect(await fsyncStarts()).toBeGreaterThan(backfillFrom + 2 * 24 * HOUR); // only the run's window
    await stack.db.pool.query(`UPDATE ringcentral.message SET last_synced_at = now() - interval '29 days'`);
    expect(await fsyncStarts()).toBe(backfillFrom); // everything synced in the last 30 days
  });
});
