/**
 * Migration checksums ignore comments and whitespace, so 001's corrected comment is not an
 * edit, and databases migrated before (which carry raw-file checksums) still start; a change
 * to what runs is refused as before.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations, migrate } from '../../src/warehouse/migrate';
import { normaliseSql, sha256, sqlChecksum } from '../../src/warehouse/sql-checksum';
import { testDatabase } from '../support/stack';

const MIGRATIONS = path.join(__dirname, '..', '..', 'src', 'warehouse', 'migrations');
const CORE = readFileSync(path.join(MIGRATIONS, '001_core.sql'), 'utf8');

/** 001_core.sql as databases migrated before the fix recorded it: the stale checkpoint comment. */
const CORE_BEFORE_FIX = CORE.replace(
  /-- Durable cursor per \(account, stream, scope\)\.[^\n]*\n[^\n]*\n[^\n]*\n/,
  `-- Durable cursor per (account, stream, scope): scope is '' for account-wide streams, the
-- extension id for message stores, or a window key for call-log backfill windows.
`,
);

describe('normaliseSql', () => {
  // Tokens whose text must survive as is, including comment and whitespace look-alikes inside quotes.
  const token = fc.oneof(
    fc.constantFrom('CREATE', 'TABLE', 'ringcentral.checkpoint', '(', ')', ',', ';', 'text', 'NOT', 'NULL', '$1', '::jsonb', '-', '/', '*'),
    fc.string({ unit: fc.constantFrom('a', ' ', '-', '/', '*', '\n', "''", 'x') }).map((s) => `'${s}'`),
    fc.string({ unit: fc.constantFrom('a', ' ', '--', '/*', '\n', '$') }).map((s) => `$body$${s}$body$`),
    fc.string({ unit: fc.constantFrom('A', ' ', '--', '""') }).map((s) => `"${s}"`),
  );
  const separator = fc.oneof(
    fc.constantFrom(' ', '\n', '\t  ', '\n\n'),
    fc.string({ unit: fc.constantFrom('x', ' ', "'", '$', '*') }).map((s) => ` -- ${s}\n`),
    fc.string({ unit: fc.constantFrom('x', ' ', "'", '--', '\n') }).map((s) => `/* ${s} /* nested */ */`),
  );

  it('the same tokens with any comments and whitespace between them have one checksum', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(token, separator, separator), { minLength: 1, maxLength: 30 }), (parts) => {
        const a = parts.map(([t, s]) => t + s).join('');
        const b = parts.map(([t, , s]) => s + t).join(' ');
        expect(sqlChecksum(a)).toBe(sqlChecksum(b));
      }),
    );
  });

  it('a change inside quoted or dollar-quoted text is a change', () => {
    fc.assert(
      fc.property(fc.constantFrom("'", '$f$'), fc.constantFrom('--', '/*', '  ', '\n'), (quote, look) => {
        const sql = (inner: string) => `SELECT ${quote}a${inner}b${quote} -- note\n;`;
        expect(sqlChecksum(sql(look))).not.toBe(sqlChecksum(sql(`${look}x`)));
        expect(normaliseSql(sql(look))).toContain(`a${look}b`);
      }),
    );
    expect(sqlChecksum('SELECT 1;')).not.toBe(sqlChecksum('SELECT 2;'));
  });
});

describe('001_core.sql after its comment fix', () => {
  it('differs from the applied file only in comments, whose raw checksum stays accepted', () => {
    expect(CORE_BEFORE_FIX).not.toBe(CORE);
    expect(normaliseSql(CORE_BEFORE_FIX)).toBe(normaliseSql(CORE));
    const core = loadMigrations().find((m) => m.version === 1)!;
    expect(core.checksum).toBe(sqlChecksum(CORE_BEFORE_FIX));
    expect(core.earlierChecksums).toContain(sha256(CORE_BEFORE_FIX));
  });
});

describe('migrate against recorded checksums', () => {
  let db: Awaited<ReturnType<typeof testDatabase>>;
  let dir: string;

  beforeAll(async () => {
    db = await testDatabase();
    dir = mkdtempSync(path.join(tmpdir(), 'rcsync-migrations-'));
    cpSync(MIGRATIONS, dir, { recursive: true });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  // Checksums are compared when something is pending: each call brings one new no-op migration.
  let probe = 900;
  const migrateWithProbe = (migrations = loadMigrations()) => {
    probe += 1;
    return migrate(db.pool, [...migrations, { version: probe, name: 'probe', sql: 'SELECT 1', checksum: sqlChecksum('SELECT 1') }]);
  };

  const recorded = async () =>
    new Map((await db.pool.query<{ version: number; checksum: string }>('SELECT version, checksum FROM ringcentral.schema_migrations')).rows.map((r) => [r.version, r.checksum]));

  it('records comment-blind checksums', async () => {
    const rows = await recorded();
    for (const m of loadMigrations()) expect(rows.get(m.version)).toBe(sqlChecksum(m.sql));
  });

  it('a database migrated before (raw checksums, the stale comment) starts without complaint', async () => {
    for (const m of loadMigrations()) {
      const raw = m.version === 1 ? CORE_BEFORE_FIX : m.sql;
      await db.pool.query('UPDATE ringcentral.schema_migrations SET checksum = $2 WHERE version = $1', [m.version, sha256(raw)]);
    }
    await expect(migrateWithProbe()).resolves.toEqual([probe]);
  });

  it('a comment or whitespace edit passes; an edit to what runs is refused', async () => {
    for (const m of loadMigrations()) await db.pool.query('UPDATE ringcentral.schema_migrations SET checksum = $2 WHERE version = $1', [m.version, m.checksum]);
    const file = path.join(dir, '013_descriptions.sql');
    const original = readFileSync(file, 'utf8');
    expect(original).toContain('(internal)');
    try {
      writeFileSync(file, `-- a clarified note\n${original.replace(/\n/g, '\n\n')}`);
      await expect(migrateWithProbe(loadMigrations(dir))).resolves.toEqual([probe]);
      writeFileSync(file, original.replace('(internal)', '(internal!)'));
      await expect(migrateWithProbe(loadMigrations(dir))).rejects.toThrow(/Migration 13_descriptions was edited after it was applied/);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a raw checksum of different SQL for 001 is still an edit', async () => {
    await db.pool.query('UPDATE ringcentral.schema_migrations SET checksum = $1 WHERE version = 1', [sha256(CORE_BEFORE_FIX.replace('NOT NULL', 'NULL'))]);
    await expect(migrateWithProbe()).rejects.toThrow(/Migration 1_core was edited/);
  });
});
