/**
 * A backfill's messages through the account's message-store export: the export lands exactly
 * what the simulator's export holds, hands every mailbox its sync token (the next sync is ISync
 * alone and lands the truth); a refused (403) or failed export falls back to per-mailbox paging,
 * lands the truth and says so; a retried download neither creates a second task nor loads a
 * finished archive again.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from 'ringcentral-simulator';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import type { MessagesVia } from '../../src/workflows/backfill';
import type { MessageExportState } from '../../src/workflows/message-export';
import { historyLeaks, servedSecrets } from '../support/leak-scan';
import { ALL, expectMessagesEqualTruth, listedMailboxes } from '../support/message-truth';
import { ACCOUNT, stackEnv, useSyncStack, type SyncStack } from '../support/sync-harness';
import { spawnWorkerProcess, type WorkerProcess } from '../support/worker-process';

const HOUR = 3_600_000;
const SIM = { extensions: 10, days: 4, messagesPerExtensionPerDay: 120, exportTaskMs: 120_000, exportMailboxesPerArchive: 3 };

const REPORT = '/message-store-report';
const isPost = (r: { method: string; path: string }) => r.method === 'POST' && r.path.includes(REPORT);
const isArchive = (n: number) => (r: { path: string }) => new RegExp(`${REPORT}/[^/]+/archive/${n}(\\?|$)`).test(r.path);
const isStorePage = (r: { path: string }) => r.path.includes('/message-store') && !r.path.includes(REPORT);

/** The simulated clock stands still in tests: move it to each export task's completion once the task exists. */
function completeExportTasks(sim: Simulator): () => void {
  const timer = setInterval(() => {
    for (const t of sim.truth.exportTasks()) {
      const due = Date.parse(t.completesAt) - sim.clock.now();
      if (due > 0) sim.clock.advance(due);
    }
  }, 50);
  return () => clearInterval(timer);
}

async function backfill(stack: SyncStack, name: string, from: number, to: number, messagesVia: MessagesVia, exportMinMailboxes?: number) {
  const stop = completeExportTasks(stack.sim);
  try {
    const workflowId = `${name}-${stack.taskQueue}`;
    const result = await stack.client.workflow.execute(backfillWorkflow, {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{ accountId: ACCOUNT, from: new Date(from).toISOString(), to: new Date(to).toISOString(), streams: ['messages'], messagesVia, exportMinMailboxes }],
    });
    const { rows } = await stack.db.pool.query(`SELECT counts FROM ringcentral.sync_run WHERE run_id LIKE $1`, [`${workflowId}%`]);
    return { result, messages: result.messages as MessageExportState, counts: rows[0].counts as Record<string, number> };
  } finally {
    stop();
  }
}

/**
 * The warehouse holds exactly what the latest export task served, as it served it; rows of the
 * range it does not hold are messages purged before the task completed (the export leaves
 * purged ones out; message-sync had shown them to the hand-over).
 */
async function expectExportLanded(stack: SyncStack): Promise<number> {
  const task = stack.sim.truth.exportTasks().at(-1);
  const served = stack.sim.truth.messageExport({ from: task!.dateFrom, to: task!.dateTo, at: task!.completesAt });
  const { rows } = await stack.db.pool.query(
    `SELECT id::text, extension_id, availability, read_status, last_modified_time FROM ringcentral.message WHERE creation_time >= $1 AND creation_time < $2`,
    [task!.dateFrom, task!.dateTo],
  );
  const byId = new Map(rows.map((r) => [r.id as string, r]));
  let compared = 0;
  for (const mailbox of served) {
    for (const m of mailbox.messages) {
      const row = byId.get(String(m.id));
      expect(row, `message ${m.id}`).toBeDefined();
      expect({ ext: Number(row.extension_id), availability: row.availability, readStatus: row.read_status, lastModified: row.last_modified_time.toISOString() }).toEqual({
        ext: mailbox.extensionId,
        availability: m.availability,
        readStatus: m.readStatus,
        lastModified: new Date(m.lastModifiedTime as string).toISOString(),
      });
      byId.delete(String(m.id));
      compared++;
    }
  }
  for (const [id, row] of byId) {
    const truth = stack.sim.truth.messages(Number(row.extension_id), { from: task!.dateFrom, to: task!.dateTo, availability: ALL }).find((m) => String(m.id) === id);
    expect(truth?.availability, `message ${id} is in the warehouse but not in the export`).toBe('Purged');
  }
  return compared;
}

describe('message backfill through the message-store export', () => {
  const stack = useSyncStack({ seed: 21, ...SIM });
  afterEach(() => stack.sim.faults.clear());

  it('lands exactly the export, without paging a store, and hands every mailbox its token: the next sync is ISync alone', async () => {
    const to = stack.sim.clock.now();
    const from = to - 3 * 24 * HOUR;
    stack.sim.resetStats();
    const { messages, counts, result } = await backfill(stack, 'export', from, to, 'export');
    const log = stack.sim.requestLog();
    expect(log.filter(isPost)).toHaveLength(1);
    expect(log.filter(isStorePage)).toEqual([]);
    expect(messages.exportFellBack).toBeUndefined();
    expect(messages.exportArchives).toBeGreaterThanOrEqual(3); // 3 mailboxes per archive
    expect(counts).toMatchObject({ messageExportArchives: messages.exportArchives, messageExportFellBack: 0 });
    expect((result.warnings ?? []).filter((w) => w.includes('export'))).toEqual([]);
    expect(await expectExportLanded(stack)).toBeGreaterThan(1000);
    // More than an FSync shows (250 newest): the export, not the hand-over's FSyncs, brought them.
    const [task] = stack.sim.truth.exportTasks();
    expect(Math.max(...stack.sim.truth.messageExport({ from: task!.dateFrom, to: task!.dateTo, at: task!.completesAt }).map((m) => m.messages.length))).toBeGreaterThan(250);

    // The hand-over: the next sync follows each mailbox by ISync, pages nothing, and lands the truth.
    stack.sim.clock.advance(2 * HOUR);
    stack.sim.resetStats();
    await stack.client.workflow.execute(accountSyncWorkflow, { taskQueue: stack.taskQueue, workflowId: `export-sync-${stack.taskQueue}`, args: [{ accountId: ACCOUNT, initialLookbackMs: 24 * HOUR }] });
    const synced = stack.sim.requestLog();
    expect(synced.filter((r) => r.status === 200 && r.path.includes('syncType=ISync') && r.path.includes('/message-sync')).length).toBe((await listedMailboxes(stack)).length);
    expect(synced.filter((r) => r.status === 200 && (isStorePage(r) || r.path.includes('syncType=FSync')) && r.path.includes('/extension/'))).toEqual([]);
    // Messages purged before the export completed are not in it (nor could a token see them purged): they may be absent.
    const completed = Date.parse(stack.sim.truth.exportTasks().at(-1)!.completesAt);
    expect(await expectMessagesEqualTruth(stack, from, [], { purgedUnseenBefore: completed })).toBeGreaterThan(500);
  });

  it('a retried archive download reuses the task and loads no finished archive again', async () => {
    const to = stack.sim.clock.now() - 4 * 24 * HOUR + 12 * HOUR; // an older range: a new checkpoint, a new task
    const from = to - 12 * HOUR;
    // Three failures use up the client's own attempts: the activity fails and Temporal retries it.
    stack.sim.faults.add({ kind: '500', times: 3, match: { path: '/archive/2' } });
    stack.sim.resetStats();
    const tasksBefore = stack.sim.truth.exportTasks().length;
    const { messages } = await backfill(stack, 'export-retry', from, to, 'export');
    const log = stack.sim.requestLog();
    expect(log.filter((r) => r.path.includes('/archive/2') && r.status === 500)).toHaveLength(3);
    expect(log.filter((r) => /\/archive(\?|$)/.test(r.path))).toHaveLength(2); // two attempts listed the archives
    expect(log.filter(isPost)).toHaveLength(1);
    expect(stack.sim.truth.exportTasks()).toHaveLength(tasksBefore + 1);
    expect(log.filter(isArchive(1))).toHaveLength(1);
    expect(log.filter((r) => isArchive(2)(r) && r.status === 200)).toHaveLength(1);
    expect(messages.exportArchives).toBeGreaterThanOrEqual(2);
    expect(await expectExportLanded(stack)).toBeGreaterThan(500);
  });

  it('the export workflows\' histories carry ids, counts and times, never message data', async () => {
    const secrets = servedSecrets(stack.sim, { from: stack.sim.clock.now() - 5 * 24 * HOUR });
    expect(secrets.personal.size).toBeGreaterThan(100); // message subjects among them
    const histories = await historyLeaks(stack.client, stack.taskQueue, secrets);
    for (const h of histories) expect(h.leaks, `history of ${h.workflowId}`).toEqual([]);
    expect(histories.map((h) => h.type)).toContain('messageExportWorkflow');
  });
});

describe('message backfill: the export falls back to per-mailbox paging', () => {
  const stack = useSyncStack({ seed: 22, ...SIM });
  afterEach(() => stack.sim.faults.clear());

  it('auto pages an account of fewer mailboxes than the threshold, without asking for an export', async () => {
    const to = stack.sim.clock.now() - 3 * 24 * HOUR;
    stack.sim.resetStats();
    const { counts } = await backfill(stack, 'auto', to - 12 * HOUR, to, 'auto');
    expect(stack.sim.requestLog().filter((r) => r.path.includes(REPORT))).toEqual([]);
    expect(counts.messageExportArchives).toBeUndefined();
    await expectMessagesEqualTruth(stack, to - 12 * HOUR, [], { to });
  });

  it('refused (403): pages every mailbox, lands the truth, and says so', async () => {
    const to = stack.sim.clock.now();
    const from = to - 2 * 24 * HOUR;
    stack.sim.faults.add({ kind: '403', match: { path: REPORT, method: 'POST' } });
    stack.sim.resetStats();
    // auto, with a threshold this account reaches: the export is asked for.
    const { messages, counts, result } = await backfill(stack, 'refused', from, to, 'auto', 5);
    expect(stack.sim.requestLog().filter((r) => isPost(r) && r.status === 403)).toHaveLength(1);
    expect(messages.exportFellBack).toMatch(/refused/);
    expect(counts).toMatchObject({ messageExportFellBack: 1, messageExportArchives: 0 });
    expect(result.warnings?.[0]).toMatch(/^message-store export fell back to per-mailbox paging: RingCentral refused the export/);
    expect(await expectMessagesEqualTruth(stack, from, [], { to })).toBeGreaterThan(300);
  });

  it('a failed export task: pages every mailbox, lands the truth, and says so', async () => {
    const to = stack.sim.clock.now() - 2 * 24 * HOUR;
    const from = to - 24 * HOUR;
    stack.sim.faults.add({ kind: 'export-fails', times: 1, match: { path: REPORT } });
    stack.sim.resetStats();
    const { messages, counts } = await backfill(stack, 'failed', from, to, 'export');
    expect(stack.sim.truth.exportTasks().at(-1)?.fails).toBe(true);
    expect(messages.exportFellBack).toBe('the message-store export task ended Failed');
    expect(counts).toMatchObject({ messageExportFellBack: 1 });
    expect(stack.sim.requestLog().filter((r) => /\/archive\//.test(r.path))).toEqual([]);
    expect(await expectMessagesEqualTruth(stack, from, [], { to })).toBeGreaterThan(100);
  });
});

describe('message backfill through the export: a worker killed mid-download', () => {
  const stack = useSyncStack({ seed: 23, ...SIM }, undefined, 0);
  const workers: WorkerProcess[] = [];
  afterAll(() => {
    for (const w of workers) w.kill();
  });

  it('SIGKILL while archives download, restart: the same task, at most one archive downloaded twice, the export lands', { timeout: 240_000 }, async () => {
    const env = stackEnv(stack);
    // Slow downloads, so the kill lands between archives.
    stack.sim.faults.add({ kind: 'slow', delayMs: 400, probability: 1, match: { path: '/archive/' } });
    workers.push(spawnWorkerProcess(env));
    const to = stack.sim.clock.now();
    const from = to - 3 * 24 * HOUR;
    const stop = completeExportTasks(stack.sim);
    try {
      const handle = await stack.client.workflow.start(backfillWorkflow, {
        taskQueue: stack.taskQueue,
        workflowId: `export-kill-${stack.taskQueue}`,
        args: [{ accountId: ACCOUNT, from: new Date(from).toISOString(), to: new Date(to).toISOString(), streams: ['messages'], messagesVia: 'export' }],
      });
      const downloaded = () => stack.sim.requestLog().filter((r) => /\/archive\/\d+$/.test(r.path) && r.status === 200);
      const deadline = Date.now() + 90_000;
      while (downloaded().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(downloaded().length).toBeGreaterThanOrEqual(2);
      workers[0]!.kill('SIGKILL');
      const atKill = new Set(downloaded().map((r) => r.path)).size;
      workers.push(spawnWorkerProcess(env));
      const result = await handle.result();
      expect((result.messages as MessageExportState).exportFellBack).toBeUndefined();
      const log = stack.sim.requestLog();
      expect(log.filter(isPost)).toHaveLength(1);
      const fetches = new Map<string, number>();
      for (const r of downloaded()) fetches.set(r.path, (fetches.get(r.path) ?? 0) + 1);
      expect([...fetches.values()].filter((n) => n > 1).length).toBeLessThanOrEqual(1);
      expect(Math.max(...fetches.values())).toBeLessThanOrEqual(2);
      expect(fetches.size).toBe((result.messages as MessageExportState).exportArchives);
      expect(fetches.size, 'archives were left to download after the kill').toBeGreaterThan(atKill);
      expect(await expectExportLanded(stack)).toBeGreaterThan(1000);
    } finally {
      stop();
      stack.sim.faults.clear();
    }
  });
});
