/**
 * The canonical form (and so hashes and versions) does not depend on the database's locale:
 * databases created with LC_CTYPE/LC_COLLATE 'C', 'C.UTF-8' and (where the server has ICU) an
 * ICU 'en-US' default collation canonicalise and version the same snapshots identically.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { inject } from 'vitest';
import { mergeExtensionDimension } from '../../src/warehouse/scd2';
import { loadMigrations, migrate } from '../../src/warehouse/migrate';
import { testDatabase, uniqueName } from '../support/stack';
import { dumpDimension, writeSnapshot, type DirectoryRecord, type ExtensionRecord } from './snapshots';

type Db = Awaited<ReturnType<typeof testDatabase>>;
const UTF8 = "TEMPLATE template0 ENCODING 'UTF8'";
const LOCALES: Record<string, string> = {
  c: `${UTF8} LC_COLLATE 'C' LC_CTYPE 'C'`,
  'c.utf8': `${UTF8} LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
  'icu en-US': `${UTF8} LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'`,
};
const dbs = new Map<string, Db>();

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: inject('adminDatabaseUrl') });
  await admin.connect();
  const icu = (await admin.query(`SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collprovider = 'i') AS icu`)).rows[0].icu;
  await admin.end();
  for (const [name, options] of Object.entries(LOCALES)) {
    if (name.startsWith('icu') && !icu) continue; // a server built without ICU cannot have such a database
    dbs.set(name, await testDatabase({ createOptions: options }));
  }
});
afterAll(async () => {
  for (const db of dbs.values()) await db.drop();
});

// The oracle: Unicode's White_Space property as JavaScript knows it, plus the zero-width set.
const ZERO_WIDTH = [0x200b, 0x2060, 0xfeff, 0x180e];
const BMP = Array.from({ length: 0xffff }, (_, i) => i + 1).filter((c) => c < 0xd800 || c > 0xdfff);
const WHITE_SPACE = BMP.filter((c) => /\p{White_Space}/u.test(String.fromCodePoint(c)));

describe('canonical form in every locale', () => {
  it('touches exactly Unicode White_Space (collapsed to a space) and the zero-width set (removed)', async () => {
    expect(WHITE_SPACE).toContain(0x3000);
    for (const [locale, db] of dbs) {
      const { rows } = await db.pool.query(
        `SELECT c, ringcentral.dim_norm_text(' a' || chr(c) || chr(c) || 'b ') AS canonical
           FROM generate_series(1, 65535) c
          WHERE c NOT BETWEEN 55296 AND 57343
            AND ringcentral.dim_norm_text(' a' || chr(c) || chr(c) || 'b ') IS DISTINCT FROM 'a' || chr(c) || chr(c) || 'b'`,
      );
      const changed = new Map(rows.map((r) => [r.c as number, r.canonical as string]));
      expect([...changed.keys()].sort((a, b) => a - b), locale).toEqual([...WHITE_SPACE, ...ZERO_WIDTH].sort((a, b) => a - b));
      for (const c of WHITE_SPACE) expect(changed.get(c), `${locale} U+${c.toString(16)}`).toBe('a b');
      for (const c of ZERO_WIDTH) expect(changed.get(c), `${locale} U+${c.toString(16)}`).toBe('ab');
    }
  });

  it('the same snapshots give identical values, hashes and versions', async () => {
    const person = (name: string, email: string): ExtensionRecord => ({
      id: 501, extensionNumber: '\u2007420', name, email, type: 'User', status: 'Enabled', creationTime: '2025-01-01T00:00:00Z',
    });
    const phones = (labels: string[]) => labels.map((label) => ({ phoneNumber: `+1555${label.charCodeAt(0)}`, label }));
    const dir = (labels: string[]): DirectoryRecord[] => [{ id: 501, phoneNumbers: phones(labels) }, { id: 502, phoneNumbers: phones(['b', 'B']) }];
    const other: ExtensionRecord = { id: 502, extensionNumber: '421', name: '\ufeffBo\u00a0Ray', email: 'BO@EXAMPLE.COM', type: 'User' };
    const runs: Array<{ ext: ExtensionRecord[]; dir: DirectoryRecord[] }> = [
      { ext: [person('Ann\u3000Lee', 'Ann.\u00c4@Example.com'), other], dir: dir(['home', 'Mobile']) },
      { ext: [person('Ann\u2003Lee\u200b', 'ann.\u00c4@example.COM'), { ...other, name: 'Bo Ray' }], dir: dir(['Mobile', 'home']) },
      { ext: [person(' Ann\u202fLee', 'ANN.\u00c4@EXAMPLE.COM'), other], dir: dir(['home', 'Mobile']) },
      { ext: [person('Ann Lee', 'ann.\u00e4@example.com'), other], dir: dir(['home', 'Mobile']) }, // a real change: ä is not Ä
    ];
    const dumps = new Map<string, unknown[]>();
    for (const [locale, db] of dbs) {
      const accountId = uniqueName('acct');
      for (const [i, r] of runs.entries()) {
        const runId = uniqueName('run');
        await writeSnapshot(db.pool, { accountId, runId, capturedAt: `2025-02-0${i + 1}T00:00:00Z`, extensions: r.ext, directory: r.dir });
        await mergeExtensionDimension(db.pool, { accountId, runId });
      }
      dumps.set(locale, (await dumpDimension(db.pool, accountId)).map(({ extension_key, created_by_run_id, closed_by_run_id, ...v }) => v));
    }
    const [c, ...others] = [...dumps.values()];
    expect(c.map((v) => (v as Record<string, unknown>).name), JSON.stringify(c, null, 1)).toEqual(['Ann Lee', 'Ann Lee', 'Bo Ray']);
    expect((c[0] as Record<string, unknown>).email).toBe('ann.\u00c4@example.com');
    expect((c[0] as Record<string, unknown>).extension_number).toBe('420');
    for (const [i, d] of others.entries()) expect(d, [...dumps.keys()][i + 1]).toEqual(c);
    expect(dumps.size).toBeGreaterThanOrEqual(2);
  });

  it('upgrading re-canonicalises stored versions: no spurious version at the next merge', async () => {
    const db = await testDatabase({ createOptions: LOCALES.c, migrations: loadMigrations().filter((m) => m.version < 30) });
    try {
      const accountId = uniqueName('acct');
      const ann: ExtensionRecord = { id: 601, extensionNumber: '420', name: 'Ann\u3000Lee\u2007', email: 'ANN@EXAMPLE.COM', type: 'User' };
      const dir: DirectoryRecord[] = [{ id: 601, phoneNumbers: [{ phoneNumber: '+15550001', label: 'home\u2003' }] }];
      const merge = async (capturedAt: string) => {
        const runId = uniqueName('run');
        await writeSnapshot(db.pool, { accountId, runId, capturedAt, extensions: [ann], directory: dir });
        return mergeExtensionDimension(db.pool, { accountId, runId });
      };
      // The merge as it was before 030: email was lower(dim_norm_text(...)) inline.
      await db.pool.query(`CREATE FUNCTION ringcentral.dim_norm_email(value text) RETURNS text LANGUAGE sql AS $$ SELECT lower(ringcentral.dim_norm_text(value)) $$`);
      await merge('2025-02-01T00:00:00Z');
      expect((await dumpDimension(db.pool, accountId))[0].name).toBe('Ann\u3000Lee\u2007'); // 002 under the C locale
      await migrate(db.pool);
      expect(await merge('2025-02-02T00:00:00Z')).toMatchObject({ inserted: 0, closed: 0, unchanged: 1 });
      const [v] = await dumpDimension(db.pool, accountId);
      expect(v).toMatchObject({ name: 'Ann Lee', email: 'ann@example.com', phone_numbers: [{ phoneNumber: '+15550001', label: 'home' }] });
    } finally {
      await db.drop();
    }
  });
});
