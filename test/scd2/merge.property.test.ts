/**
 * Property: for random histories (changes, value -> NULL, deletions, reappearances, recycled
 * numbers, incomplete snapshots, untracked/whitespace/order noise) the merged dimension equals
 * the reference model version by version, and its invariants hold on the database itself.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mergeExtensionDimension } from '../../src/warehouse/scd2';
import { testDatabase, uniqueName } from '../support/stack';
import {
  applyOps, attrsKey, directoryRecord, expectedAttrs, extensionRecord, IDS, prng, scenarioArb,
  type Attrs, type Dir, type Version, EXT_KEYS,
} from './model';
import { dumpDimension, writeSnapshot, type DirectoryRecord } from './snapshots';

let db: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  db = await testDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const seen = { valueToNull: 0, tombstones: 0, reappearances: 0, incomplete: 0, unchanged: 0, recycled: 0, emptyRefused: 0 };
const comparable = (v: Version) => JSON.stringify([v.id, v.from, v.to, v.deleted, v.inferred, attrsKey(v.attrs)]);
// Milliseconds, keeping the microseconds Postgres shows (a backdate floor is 1 µs after a capture).
const ms = (t: string) => (t === 'infinity' ? Infinity : new Date(t).getTime() + Number(/\.\d{3}(\d{3})/.exec(t)?.[1] ?? 0) / 1000);
function fromDb(row: Record<string, unknown>): Version {
  const attrs = { phone_numbers: row.phone_numbers } as Attrs;
  for (const k of EXT_KEYS) attrs[k] = row[k] as string | boolean | null;
  return { id: row.extension_id as number, from: ms(row.valid_from as string), to: ms(row.valid_to as string), attrs, deleted: row.is_deleted as boolean, inferred: row.inferred as boolean };
}

/** The model of the merge's backdate clip: after every live version of another holder of the number. */
function clipBackdated(v: Version, t: number, model: Map<number, Version[]>, listed: Version[]) {
  const n = v.attrs.extension_number;
  if (v.from >= t || n == null) return;
  if (listed.some((o) => o.id !== v.id && o.attrs.extension_number === n)) {
    v.from = t;
  } else {
    for (const o of [...model.values()].flat()) {
      if (o.id !== v.id && !o.deleted && o.attrs.extension_number === n && o.from < t && o.to > v.from) v.from = Math.max(v.from, Math.min(o.to, t));
    }
  }
  v.inferred = v.from < t;
}

async function checkInvariants(accountId: string) {
  const { rows } = await db.pool.query(
    `SELECT extension_id,
            count(*) FILTER (WHERE is_current) AS current,
            count(*) FILTER (WHERE next_from IS NOT NULL AND valid_to <> next_from) AS gaps_or_overlaps,
            bool_and(next_from IS NOT NULL OR (is_current AND valid_to = 'infinity')) AS last_is_open
     FROM (SELECT *, lead(valid_from) OVER (PARTITION BY extension_id ORDER BY valid_from) AS next_from
           FROM ringcentral.dim_extension WHERE account_id = $1) v
     GROUP BY extension_id`,
    [accountId],
  );
  for (const r of rows) expect(r).toMatchObject({ current: 1, gaps_or_overlaps: 0, last_is_open: true });
}

it('merged dimension equals the model; invariants, as-of, idempotency and noise-immunity hold', async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (scenario) => {
      const accountId = uniqueName('prop');
      const ext = scenario.initialExt.map((v) => ({ ...v }));
      const dir: Dir[] = scenario.initialDir.map((d) => ({ values: { ...d.values }, phones: [...d.phones], listed: d.listed }));
      const base = Date.UTC(2025, 5, 1);
      const model = new Map<number, Version[]>();
      const runs: string[] = [];
      const checkTimes: number[] = [];
      const holders = new Map<string, Set<number>>();
      let t = base;
      let lastComplete = -Infinity;
      for (const step of scenario.steps) {
        const listed = applyOps(ext, dir, step);
        t += step.gapMinutes * 60_000;
        const r = prng(step.noiseSeed);
        const present = IDS.map((id, i) => ({ id, i })).filter(({ i }) => listed[i]);
        const creation = (i: number) => (scenario.creation[i] === null ? null : base + scenario.creation[i]! * 60_000);
        const extensions = present.map(({ id, i }) => {
          // creation_time is untracked: after the first version it may wobble freely.
          const c = model.has(id) && r() < 0.5 ? base + Math.floor(r() * 1e9) : creation(i);
          return extensionRecord(id, ext[i], c === null ? null : new Date(c).toISOString(), r);
        });
        const dirComplete = step.dirMode === 'complete';
        const inDirectory = present.filter(({ i }) => step.dirMode !== 'absent' && dir[i].listed && (dirComplete || step.dirSubset[i]));
        const directory: DirectoryRecord[] | null =
          step.dirMode === 'absent' ? null : [...inDirectory.map(({ id, i }) => directoryRecord(id, dir[i], r)), directoryRecord(999, dir[0], r)];
        const runId = uniqueName('run');
        await writeSnapshot(db.pool, {
          accountId, runId, capturedAt: new Date(t), extensions, extensionsComplete: step.extComplete, directory, directoryComplete: dirComplete,
        });
        if (present.length === 0 && step.extComplete) {
          seen.emptyRefused++;
          await expect(mergeExtensionDimension(db.pool, { accountId, runId })).rejects.toMatchObject({ reason: 'empty-snapshot' });
          continue; // nothing merged: the model and the dimension stay as they were
        }
        runs.push(runId);

        // The model's merge.
        const expected = { inserted: 0, closed: 0, deleted: 0, unchanged: 0 };
        const firstVersions: Version[] = [];
        for (const { id, i } of present) {
          const versions = model.get(id) ?? [];
          model.set(id, versions);
          const cur = versions.at(-1);
          const dirEntry = inDirectory.some((p) => p.id === id) ? dir[i] : undefined;
          const attrs = expectedAttrs(ext[i], dirEntry, dirComplete, cur?.attrs);
          if (!cur) {
            // Backdated to creation_time, but only to 1 µs after the last complete list (which lacked it).
            const c = creation(i);
            const from = c !== null && c < t ? Math.max(c, lastComplete + 0.001) : t;
            firstVersions.push({ id, from, to: Infinity, attrs, deleted: false, inferred: from < t });
            versions.push(firstVersions.at(-1)!);
          } else if (cur.deleted || attrsKey(cur.attrs) !== attrsKey(attrs)) {
            if (cur.deleted) seen.reappearances++;
            if (EXT_KEYS.some((k) => cur.attrs[k] != null && attrs[k] == null)) seen.valueToNull++;
            cur.to = t;
            versions.push({ id, from: t, to: Infinity, attrs, deleted: false, inferred: false });
            expected.closed++;
          } else {
            expected.unchanged++;
            continue;
          }
          expected.inserted++;
          if (attrs.extension_number) holders.set(attrs.extension_number as string, (holders.get(attrs.extension_number as string) ?? new Set()).add(id));
        }
        if (step.extComplete) {
          for (const [id, versions] of model) {
            const cur = versions.at(-1)!;
            if (cur.deleted || present.some((p) => p.id === id)) continue;
            cur.to = t;
            versions.push({ id, from: t, to: Infinity, attrs: cur.attrs, deleted: true, inferred: false });
            expected.closed++;
            expected.deleted++;
            seen.tombstones++;
          }
          lastComplete = t;
        } else {
          seen.incomplete++;
          await expect(mergeExtensionDimension(db.pool, { accountId, runId })).rejects.toMatchObject({ reason: 'incomplete-snapshot' });
        }
        seen.unchanged += expected.unchanged;
        // An inferred period never gives a number a second holder (see clipBackdated).
        for (const v of firstVersions) clipBackdated(v, t, model, present.map((p) => model.get(p.id)!.at(-1)!));

        const result = await mergeExtensionDimension(db.pool, { accountId, runId, allowIncomplete: !step.extComplete });
        expect(result).toEqual({ ...expected, alreadyMerged: false });
        const dump = await dumpDimension(db.pool, accountId);
        expect(dump.map((row) => comparable(fromDb(row)))).toEqual(IDS.flatMap((id) => model.get(id) ?? []).map(comparable));

        // Merging any already merged run again is a no-op.
        const again = runs[Math.floor(r() * runs.length)];
        expect(await mergeExtensionDimension(db.pool, { accountId, runId: again })).toMatchObject({ alreadyMerged: true });
        expect(await dumpDimension(db.pool, accountId)).toEqual(dump);
        checkTimes.push(t - 60_000, t, t + 30_000);
      }

      await checkInvariants(accountId);
      // extension_as_of(t) reproduces the list in force at t (live versions only).
      for (const at of checkTimes) {
        const { rows } = await db.pool.query('SELECT * FROM ringcentral.extension_as_of($1, $2)', [accountId, new Date(at)]);
        const got = rows.map((row) => `${row.extension_id}:${attrsKey(fromDb(row).attrs)}`);
        const want = IDS.flatMap((id) => model.get(id) ?? []).filter((v) => !v.deleted && v.from <= at && at < v.to);
        expect(got).toEqual(want.map((v) => `${v.id}:${attrsKey(v.attrs)}`));
      }
      for (const ids of holders.values()) if (ids.size > 1) seen.recycled++;
    }),
    { numRuns: 50 },
  );
  // The generator really exercised what the properties are about.
  for (const [what, n] of Object.entries(seen)) if (what !== 'emptyRefused') expect(n, what).toBeGreaterThan(0);
}, 120_000);
