/**
 * Point-in-time attribution over the SCD2 dimension: a recycled extension number, calls and
 * messages before/after, unknown extensions kept with NULL attributes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeExtensionDimension } from '../../src/warehouse/scd2';
import { testDatabase, uniqueName } from '../support/stack';
import { writeSnapshot, type ExtensionRecord } from './snapshots';

let db: Awaited<ReturnType<typeof testDatabase>>;
const account = uniqueName('acct');
const alice: ExtensionRecord = { id: 1001, extensionNumber: '420', name: 'Alice', department: 'Sales', type: 'User', status: 'Enabled' };
const bruno: ExtensionRecord = { id: 2002, extensionNumber: '420', name: 'Bruno', department: 'Support', type: 'User', status: 'Enabled' };
const carol: ExtensionRecord = { id: 3003, extensionNumber: '500', name: 'Carol', type: 'User', status: 'Enabled' };

async function snapshotAndMerge(accountId: string, capturedAt: string, extensions: ExtensionRecord[]) {
  const runId = uniqueName('run');
  await writeSnapshot(db.pool, { accountId, runId, capturedAt, extensions, directory: [] });
  await mergeExtensionDimension(db.pool, { accountId, runId });
}

beforeAll(async () => {
  db = await testDatabase();
  // Alice holds 420 in March and April; by May she is gone and 420 belongs to Bruno (a new id).
  await snapshotAndMerge(account, '2025-03-01T00:00:00Z', [alice, carol]);
  await snapshotAndMerge(account, '2025-04-01T00:00:00Z', [alice, carol]);
  await snapshotAndMerge(account, '2025-05-01T00:00:00Z', [bruno, carol]);
  const calls: Array<[string, number | null, string, number | null, string | null, number | null]> = [
    // id, owner extension, start, from_extension_id, from_extension_number, to_extension_id
    ['c1', 1001, '2025-03-15T10:00:00Z', 1001, '420', 3003],
    ['c2', 2002, '2025-05-10T10:00:00Z', 2002, '420', 3003],
    ['c3', 9999, '2025-03-20T10:00:00Z', null, null, null], // unknown to the dimension
    ['c4', 1001, '2025-05-12T10:00:00Z', null, null, null], // after Alice's tombstone
    ['c5', 1001, '2025-02-01T10:00:00Z', null, null, null], // before Alice's first version
    ['c6', null, '2025-05-11T10:00:00Z', null, '+15551234', 2002], // inbound to the company, to Bruno
  ];
  for (const [id, ext, start, fromId, fromNumber, toId] of calls) {
    await db.pool.query(
      `INSERT INTO ringcentral.call_log_record (account_id, id, extension_id, start_time, from_extension_id,
         from_extension_number, to_extension_id, raw) VALUES ($1, $2, $3, $4, $5, $6, $7, '{}')`,
      [account, id, ext, start, fromId, fromNumber, toId],
    );
  }
  const messages: Array<[number, number, string | null]> = [
    [1, 1001, '2025-03-10T00:00:00Z'],
    [2, 2002, '2025-05-05T00:00:00Z'],
    [3, 7777, '2025-05-05T00:00:00Z'],
    [4, 1001, null],
  ];
  for (const [id, ext, created] of messages) {
    await db.pool.query(
      `INSERT INTO ringcentral.message (account_id, id, extension_id, creation_time, raw) VALUES ($1, $2, $3, $4, '{}')`,
      [account, id, ext, created],
    );
  }
});
afterAll(async () => {
  await db?.drop();
});

describe('point-in-time attribution', () => {
  it('call_log_attributed: by owner id at start_time, plus from/to parties; keeps every call', async () => {
    const { rows } = await db.pool.query(
      `SELECT id, owner_name, owner_extension_number, owner_department, owner_is_deleted, from_ext_name, to_ext_name
       FROM ringcentral.call_log_attributed WHERE account_id = $1 ORDER BY id`,
      [account],
    );
    expect(rows).toEqual([
      { id: 'c1', owner_name: 'Alice', owner_extension_number: '420', owner_department: 'Sales', owner_is_deleted: false, from_ext_name: 'Alice', to_ext_name: 'Carol' },
      { id: 'c2', owner_name: 'Bruno', owner_extension_number: '420', owner_department: 'Support', owner_is_deleted: false, from_ext_name: 'Bruno', to_ext_name: 'Carol' },
      { id: 'c3', owner_name: null, owner_extension_number: null, owner_department: null, owner_is_deleted: null, from_ext_name: null, to_ext_name: null },
      { id: 'c4', owner_name: 'Alice', owner_extension_number: '420', owner_department: 'Sales', owner_is_deleted: true, from_ext_name: null, to_ext_name: null },
      { id: 'c5', owner_name: null, owner_extension_number: null, owner_department: null, owner_is_deleted: null, from_ext_name: null, to_ext_name: null },
      { id: 'c6', owner_name: null, owner_extension_number: null, owner_department: null, owner_is_deleted: null, from_ext_name: null, to_ext_name: 'Bruno' },
    ]);
  });

  it('by number: extension_holder resolves the recycled 420 to the holder at the time', async () => {
    const holder = async (number: string, at: string) =>
      (await db.pool.query('SELECT extension_id, name FROM ringcentral.extension_holder($1, $2, $3)', [account, number, at])).rows;
    expect(await holder('420', '2025-03-15T10:00:00Z')).toEqual([{ extension_id: 1001, name: 'Alice' }]);
    expect(await holder(' 420 ', '2025-04-30T23:59:59Z')).toEqual([{ extension_id: 1001, name: 'Alice' }]);
    expect(await holder('420', '2025-05-01T00:00:00Z')).toEqual([{ extension_id: 2002, name: 'Bruno' }]);
    expect(await holder('420', '2025-02-01T00:00:00Z')).toEqual([]);
    expect(await holder('999', '2025-05-10T00:00:00Z')).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT c.id, h.extension_id FROM ringcentral.call_log_record c
       LEFT JOIN LATERAL ringcentral.extension_holder(c.account_id, c.from_extension_number, c.start_time) h ON true
       WHERE c.account_id = $1 AND c.id IN ('c1', 'c2') ORDER BY c.id`,
      [account],
    );
    expect(rows).toEqual([{ id: 'c1', extension_id: 1001 }, { id: 'c2', extension_id: 2002 }]);
  });

  it('extension_as_of reproduces the list in force; include_deleted shows tombstones', async () => {
    const asOf = async (at: string, includeDeleted = false) =>
      (await db.pool.query('SELECT extension_id, is_deleted FROM ringcentral.extension_as_of($1, $2, $3)', [account, at, includeDeleted])).rows;
    expect(await asOf('2025-04-15T00:00:00Z')).toEqual([{ extension_id: 1001, is_deleted: false }, { extension_id: 3003, is_deleted: false }]);
    expect(await asOf('2025-05-15T00:00:00Z')).toEqual([{ extension_id: 2002, is_deleted: false }, { extension_id: 3003, is_deleted: false }]);
    expect(await asOf('2025-05-15T00:00:00Z', true)).toEqual([
      { extension_id: 1001, is_deleted: true }, { extension_id: 2002, is_deleted: false }, { extension_id: 3003, is_deleted: false },
    ]);
  });

  it('message_attributed: by mailbox extension at creation_time; unknown or undated messages kept with NULLs', async () => {
    const { rows } = await db.pool.query(
      'SELECT id, owner_name FROM ringcentral.message_attributed WHERE account_id = $1 ORDER BY id',
      [account],
    );
    expect(rows).toEqual([
      { id: 1, owner_name: 'Alice' }, { id: 2, owner_name: 'Bruno' }, { id: 3, owner_name: null }, { id: 4, owner_name: null },
    ]);
  });

  it('a backdated successor never overlaps the late-seen deletion: the number has one holder at a time', async () => {
    const acct = uniqueName('acct');
    await snapshotAndMerge(acct, '2025-03-01T00:00:00Z', [alice]);
    await snapshotAndMerge(acct, '2025-05-01T00:00:00Z', [{ ...bruno, creationTime: '2025-04-10T00:00:00Z' }]);
    const holders = async (at: string) =>
      (await db.pool.query(
        `SELECT extension_id, attributes_inferred_before_first_snapshot AS inferred FROM ringcentral.extension_holder($1, '420', $2)`,
        [acct, at],
      )).rows;
    // Alice was last seen holding 420 on 1 March and nothing showed her gone before 1 May.
    expect(await holders('2025-04-20T00:00:00Z')).toEqual([{ extension_id: 1001, inferred: false }]);
    expect(await holders('2025-05-01T00:00:00Z')).toEqual([{ extension_id: 2002, inferred: false }]);
  });

  it('attribution joins look versions up by extension id (never a scan of the account per call)', async () => {
    // A realistic shape: 5000 extensions x 2 versions, 20000 calls; statistics gathered.
    const acct = uniqueName('acct');
    await db.pool.query(
      `INSERT INTO ringcentral.dim_extension (account_id, extension_id, row_hash, valid_from, valid_to, is_current, closed_by_run_id, created_by_run_id)
       SELECT $1, g, 'h', '2025-01-01'::timestamptz + v * interval '30 days',
              CASE v WHEN 0 THEN '2025-01-31'::timestamptz ELSE 'infinity' END, v = 1, CASE v WHEN 0 THEN 'r' END, 'r'
       FROM generate_series(1, 5000) g, generate_series(0, 1) v`,
      [acct],
    );
    await db.pool.query(
      `INSERT INTO ringcentral.call_log_record (account_id, id, extension_id, start_time, from_extension_id, to_extension_id, raw)
       SELECT $1, 'c' || g, g % 5000, '2025-01-01'::timestamptz + (g % 60) * interval '1 day', g % 4999, g % 4998, '{}'
       FROM generate_series(1, 20000) g`,
      [acct],
    );
    await db.pool.query('ANALYZE ringcentral.dim_extension; ANALYZE ringcentral.call_log_record');
    for (const where of [`account_id = '${acct}'`, `account_id = '${acct}' AND start_time >= '2025-02-20'`, `account_id = '${acct}' AND id = 'c42'`]) {
      const { rows } = await db.pool.query(`EXPLAIN (FORMAT JSON) SELECT * FROM ringcentral.call_log_attributed WHERE ${where}`);
      type Node = { 'Node Type': string; 'Relation Name'?: string; 'Index Cond'?: string; 'Recheck Cond'?: string; Plans?: Node[] };
      const scans: Array<{ node: Node; parents: string[] }> = [];
      const walk = (n: Node, parents: string[]) => {
        if (n['Relation Name'] === 'dim_extension') scans.push({ node: n, parents });
        for (const c of n.Plans ?? []) walk(c, [...parents, n['Node Type']]);
      };
      walk(rows[0]['QUERY PLAN'][0].Plan, []);
      expect(scans).toHaveLength(3);
      for (const { node, parents } of scans) {
        // Read once for a hash/merge join, or probed per call by extension id: never the
        // inner side of a nested loop without an extension_id condition.
        const cond = node['Index Cond'] ?? node['Recheck Cond'] ?? '';
        if (parents.at(-1) === 'Nested Loop') expect(cond).toMatch(/extension_id/);
      }
    }
  });
});
