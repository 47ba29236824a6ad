/** Shared fixtures of the scenario tests: two extensions, their directory entries, and a runner. */
import { mergeExtensionDimension } from '../../src/warehouse/scd2';
import type { Pool } from '../../src/warehouse/db';
import { afterAll, beforeAll } from 'vitest';
import { testDatabase, uniqueName } from '../support/stack';
import { dumpDimension, writeSnapshot, type DirectoryRecord, type ExtensionRecord } from './snapshots';

export const T = (day: number, hour = 0) => new Date(Date.UTC(2025, 0, day, hour)).toISOString();
export const ms = (t: unknown) => new Date(String(t)).getTime();

export const ann: ExtensionRecord = {
  id: 101, extensionNumber: '420', name: 'Ann Lee', firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com',
  department: 'Sales', jobTitle: 'Rep', type: 'User', status: 'Enabled', siteId: 's1', siteName: 'HQ', hidden: false,
  costCenter: 'CC1', creationTime: T(1, 0) /* earlier than the first capture */,
};
export const bob: ExtensionRecord = {
  id: 102, extensionNumber: '421', name: 'Bob Roe', type: 'User', status: 'Enabled', siteId: null, siteName: null,
  creationTime: null,
};
export const annDir: DirectoryRecord = {
  id: 101, extensionNumber: '420', name: 'Ann Lee', email: 'ann@example.com', type: 'User', status: 'Enabled',
  siteId: 's1', siteName: 'HQ', phoneNumbers: [{ phoneNumber: '+15550001', type: 'VoiceFax', usageType: 'DirectNumber' }],
};
export const bobDir: DirectoryRecord = { id: 102, extensionNumber: '421', name: 'Bob Roe', siteId: 's2', siteName: 'Annex', phoneNumbers: [] };

export interface RunSpec { at: string; ext: ExtensionRecord[]; dir?: DirectoryRecord[] | null; extComplete?: boolean; dirComplete?: boolean }

/** Writes the runs' snapshots for a fresh account (directory defaults to both entries, complete). */
export async function setup(pool: Pool, runs: RunSpec[]) {
  const accountId = uniqueName('acct');
  const runIds: string[] = [];
  for (const r of runs) {
    const runId = uniqueName('run');
    runIds.push(runId);
    await writeSnapshot(pool, {
      accountId, runId, capturedAt: r.at, extensions: r.ext, directory: r.dir === undefined ? [annDir, bobDir] : r.dir,
      extensionsComplete: r.extComplete, directoryComplete: r.dirComplete,
    });
  }
  const merge = (i: number, allowIncomplete = false) => mergeExtensionDimension(pool, { accountId, runId: runIds[i], allowIncomplete });
  const versions = async (id: number) => (await dumpDimension(pool, accountId)).filter((v) => v.extension_id === id);
  return { accountId, runIds, merge, versions };
}

/** Registers a per-file database (beforeAll/afterAll); `pool` and `setup` are usable inside tests. */
export function useScenarioDatabase() {
  let db: Awaited<ReturnType<typeof testDatabase>> | undefined;
  beforeAll(async () => {
    db = await testDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  return {
    get pool(): Pool {
      return db!.pool;
    },
    setup: (runs: RunSpec[]) => setup(db!.pool, runs),
  };
}
