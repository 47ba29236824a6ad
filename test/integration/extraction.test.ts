/**
 * Extraction end to end: simulator -> worker (real dev server) -> real Postgres, compared
 * with the simulator's ground truth record by record.
 */
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator';
import { accountSyncWorkflow, backfillWorkflow } from '../../src/workflows';
import { ACCOUNT, startTestSimulator, startTestWorker, testClient, type TestWorker } from '../support/sync-harness';
import { testDatabase } from '../support/stack';

const HOUR = 3_600_000;
const ALL_AVAILABILITY = ['Alive', 'Deleted', 'Purged'] as Array<'Alive'>;

describe('extraction of all four APIs', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let sim: Simulator;
  let client: Client;
  let closeClient: () => Promise<void>;
  let taskQueue: string;
  let worker: TestWorker;

  beforeAll(async () => {
    db = await testDatabase();
    sim = await startTestSimulator({ seed: 5, extensions: 20, days: 2, callsPerExtensionPerDay: 80, messagesPerExtensionPerDay: 12 });
    ({ client, close: closeClient, taskQueue } = await testClient());
    worker = await startTestWorker(db.pool, sim, taskQueue, { maxPageSize: 8 });
  });
  afterAll(async () => {
    await worker?.stop();
    await closeClient?.();
    await sim?.close();
    await db?.drop();
  });

  async function expectCallLogEqualsTruth(from: string, to: string) {
    const truth = sim.truth.callLog({ from, to, showDeleted: true });
    const { rows } = await db.pool.query<{ id: string; raw: unknown }>(
      'SELECT id, raw FROM ringcentral.call_log_record WHERE account_id = $1 AND start_time >= $2 AND start_time < $3 ORDER BY id',
      [ACCOUNT, from, to],
    );
    expect(rows.length).toBe(truth.length);
    const byId = new Map(rows.map((r) => [r.id, r.raw]));
    for (const record of truth) expect(byId.get(record.id as string)).toEqual(record);
    return truth.length;
  }

  async function expectMessagesEqualTruth(from: string, to: string) {
    const { rows: exts } = await db.pool.query<{ extension_id: number }>(
      'SELECT DISTINCT extension_id FROM ringcentral.message WHERE account_id = $1',
      [ACCOUNT],
    );
    expect(exts.length).toBeGreaterThan(5);
    let total = 0;
    for (const { extension_id } of exts) {
      const truth = sim.truth.messages(extension_id, { from, to, availability: ALL_AVAILABILITY });
      const { rows } = await db.pool.query<{ raw: Record<string, unknown> }>(
        'SELECT raw FROM ringcentral.message WHERE account_id = $1 AND extension_id = $2 AND creation_time >= $3 AND creation_time < $4',
        [ACCOUNT, extension_id, from, to],
      );
      expect(rows.length).toBe(truth.length);
      const byId = new Map(rows.map((r) => [String(r.raw.id), r.raw]));
      for (const m of truth) expect(byId.get(String(m.id))).toEqual(m);
      total += truth.length;
    }
    return total;
  }

  it('a backfill across hundreds of pages equals the ground truth: same ids, no duplicates', async () => {
    const now = sim.clock.now();
    const from = new Date(now - 2 * 24 * HOUR).toISOString();
    const to = new Date(now - 10 * 60_000).toISOString();
    sim.resetStats();
    await client.workflow.execute(backfillWorkflow, {
      taskQueue,
      workflowId: `backfill-${taskQueue}`,
      args: [{ accountKey: ACCOUNT, from, to, streams: ['call_log', 'messages'], windowMs: 12 * HOUR }],
    });
    const pages = sim.requestLog().filter((r) => r.status === 200 && /call-log|message-store|extension|directory/.test(r.path)).length;
    expect(pages).toBeGreaterThan(200);
    expect(await expectCallLogEqualsTruth(from, to)).toBeGreaterThan(1_000);
    expect(await expectMessagesEqualTruth(from, to)).toBeGreaterThan(100);
    // Nothing was throttled: the governor kept every group under its limit.
    expect(sim.requestLog().filter((r) => r.throttled)).toEqual([]);
  });

  it('a second run of the same backfill skips finished windows and changes nothing', async () => {
    const before = await db.pool.query('SELECT id, last_synced_at FROM ringcentral.call_log_record ORDER BY id');
    sim.resetStats();
    const now = sim.clock.now();
    const from = new Date(now - 2 * 24 * HOUR).toISOString();
    const to = new Date(now - 10 * 60_000).toISOString();
    await client.workflow.execute(backfillWorkflow, {
      taskQueue,
      workflowId: `backfill-again-${taskQueue}`,
      args: [{ accountKey: ACCOUNT, from, to, streams: ['call_log'], windowMs: 12 * HOUR }],
    });
    expect(sim.requestLog().filter((r) => r.path.includes('call-log'))).toEqual([]);
    const after = await db.pool.query('SELECT id, last_synced_at FROM ringcentral.call_log_record ORDER BY id');
    expect(after.rows).toEqual(before.rows);
  });

  it('incremental syncs pick up new calls and records changed after first sight', async () => {
    sim.clock.advance(3 * HOUR);
    const first = await client.workflow.execute(accountSyncWorkflow, { taskQueue, workflowId: `sync-1-${taskQueue}`, args: [{ accountKey: ACCOUNT }] });
    expect(first.phase).toBe('done');
    sim.clock.advance(2 * HOUR);
    const second = await client.workflow.execute(accountSyncWorkflow, { taskQueue, workflowId: `sync-2-${taskQueue}`, args: [{ accountKey: ACCOUNT }] });
    expect(second.phase).toBe('done');
    const { rows } = await db.pool.query(`SELECT watermarks FROM ringcentral.sync_run WHERE kind = 'sync' AND status = 'succeeded' ORDER BY finished_at DESC LIMIT 1`);
    const watermark = rows[0].watermarks.callLog as string;
    // The watermark follows the *server's* clock (Date header), 5 minutes behind: calls appear late.
    expect(Math.abs(Date.parse(watermark) - (sim.clock.now() - 5 * 60_000))).toBeLessThan(2_000);
    // Everything up to the watermark, including changes (recordings, deletions) made after
    // the backfill first saw those calls within the look-back, equals the truth now.
    const now = sim.clock.now();
    await expectCallLogEqualsTruth(new Date(now - 20 * HOUR).toISOString(), watermark);
    const changed = await db.pool.query(`SELECT count(*)::int AS n FROM ringcentral.call_log_record WHERE last_synced_at > first_synced_at`);
    expect(changed.rows[0].n).toBeGreaterThan(0);
  });

  it('workflow histories carry counts and cursors, never record data', async () => {
    const secrets = new Set<string>();
    for (const e of sim.truth.extensions()) {
      const c = (e.contact ?? {}) as Record<string, string>;
      for (const v of [e.name, c.email, c.firstName, c.lastName, c.businessPhone]) if (typeof v === 'string' && v.length > 2) secrets.add(v);
    }
    for (const call of sim.truth.callLog({ from: sim.clock.now() - 24 * HOUR, to: sim.clock.now() })) {
      for (const party of [call.from, call.to] as Array<Record<string, string> | undefined>) if (party?.phoneNumber) secrets.add(party.phoneNumber);
    }
    secrets.add(sim.credentials.clientSecret);
    secrets.add(sim.credentials.jwt);
    expect(secrets.size).toBeGreaterThan(20);
    let histories = 0;
    for await (const wf of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
      const history = JSON.stringify(await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory());
      // Payloads are base64 JSON in history: decode them too.
      const decoded = history.replace(/"data":"([A-Za-z0-9+/=]+)"/g, (_, b64) => Buffer.from(b64, 'base64').toString('utf8'));
      for (const s of secrets) {
        // Whole words only: a first name such as "Mark" must not match "keepDoneMarker".
        const word = new RegExp(`(?<![A-Za-z0-9])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9])`);
        expect(word.test(decoded), `history of ${wf.workflowId} contains personal data or a secret`).toBe(false);
      }
      histories++;
    }
    expect(histories).toBeGreaterThan(4);
  });
});
