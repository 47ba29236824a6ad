// The tracked-attribute list is defined once (src/warehouse/scd2/attributes.ts); the migrated
// schema must agree with it: every tracked attribute is a dim_extension column fed by the
// snapshot table(s) its source names, and every other dim_extension column is bookkeeping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACKED_ATTRIBUTES } from '../../src/warehouse/scd2/attributes';
import { testDatabase } from '../support/stack';

/** Columns of dim_extension that are not attributes: keys, informational and SCD2 bookkeeping. */
const BOOKKEEPING = [
  'extension_key', 'account_id', 'extension_id', 'creation_time', 'row_hash', 'valid_from', 'valid_to', 'is_current',
  'is_deleted', 'attributes_inferred_before_first_snapshot', 'created_by_run_id', 'closed_by_run_id',
];

describe('tracked attributes and the migrated schema', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let columns: Map<string, Set<string>>;
  beforeAll(async () => {
    db = await testDatabase();
    const { rows } = await db.pool.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'ringcentral' AND table_name IN ('dim_extension', 'extension_snapshot', 'directory_entry_snapshot')`,
    );
    columns = new Map();
    for (const r of rows) columns.set(r.table_name, (columns.get(r.table_name) ?? new Set()).add(r.column_name));
  });
  afterAll(() => db?.drop());

  it('dim_extension has exactly the tracked attributes plus its bookkeeping columns', () => {
    const expected = [...TRACKED_ATTRIBUTES.map((a) => a.column), ...BOOKKEEPING].sort();
    expect([...columns.get('dim_extension')!].sort()).toEqual(expected);
  });

  it('each attribute is carried by the snapshot tables its source names, and by no other', () => {
    const ext = columns.get('extension_snapshot')!;
    const dir = columns.get('directory_entry_snapshot')!;
    for (const a of TRACKED_ATTRIBUTES) {
      expect({ column: a.column, inExtensionList: ext.has(a.column) }).toEqual({ column: a.column, inExtensionList: a.source !== 'directory' });
      expect({ column: a.column, inDirectory: dir.has(a.column) }).toEqual({ column: a.column, inDirectory: a.source !== 'extension' });
    }
  });
});
