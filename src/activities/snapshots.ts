/** Complete snapshots of the extension list and the company directory, tied to one sync run. */
import { Context } from '@temporalio/activity';
import type { PoolClient } from 'pg';
import { directoryEntries, extensionList } from '../streams/endpoints';
import { paginate, type Page, type PageCursor } from '../streams/paginate';
import { deleteCheckpoint, inTransaction, readCheckpoint, touchRunProgress, writeCheckpoint } from '../warehouse/checkpoints';
import { insertDirectorySnapshot, insertExtensionSnapshot } from '../warehouse/records';
import { requireRc, type ActivityDeps, pagingOptions } from './deps';
import { withFailureMapping } from './failures';

export interface SnapshotInput {
  accountKey: string;
  runId: string;
  stream: 'extensions' | 'directory';
}

export interface SnapshotResult {
  pages: number;
  records: number;
  /** Whether every record the API reported arrived (only complete snapshots prove deletions). */
  complete: boolean;
  /** The RingCentral server's clock: what "now" is for this run. */
  serverTime: string;
}

/** Passes over the list before a snapshot that keeps coming up short is left incomplete. */
const MAX_PASSES = 3;

const TABLE = { extensions: 'extension_snapshot', directory: 'directory_entry_snapshot' } as const;

export function snapshotActivities(deps: ActivityDeps) {
  return {
    async snapshotList(input: SnapshotInput): Promise<SnapshotResult> {
      return withFailureMapping(async () => {
        const { accountKey: accountId, runId, stream } = input;
        const rc = requireRc(deps).forAccount(accountId);
        await deps.pool.query(
          `INSERT INTO ringcentral.snapshot (run_id, account_id, stream, captured_at) VALUES ($1, $2, $3, now()) ON CONFLICT DO NOTHING`,
          [runId, accountId, stream],
        );
        const key = { accountId, stream, scope: runId };
        const endpoint = stream === 'extensions' ? extensionList : directoryEntries;
        const insert = stream === 'extensions' ? insertExtensionSnapshot : insertDirectorySnapshot;
        const ctx = Context.current();
        for (;;) {
          const state = await snapshotState(deps, runId, stream);
          const cursor = await readCheckpoint<PageCursor>(deps.pool, key);
          if (!cursor && (state.complete || state.passes > MAX_PASSES)) return state;
          let again = false;
          await paginate(
            rc,
            endpoint,
            {},
            cursor ?? { page: 1 },
            async (page, fetched) => {
              await inTransaction(deps.pool, async (db) => {
                await insert(db, runId, accountId, page.records);
                await touchRunProgress(db, runId);
                again = await recordPage(db, { runId, stream, page, fetched: fetched.page, serverTime: (rc.serverTime ?? new Date()).toISOString() });
                if (page.next) await writeCheckpoint(db, key, page.next);
                else if (again) await writeCheckpoint(db, key, { page: 1 });
                else await deleteCheckpoint(db, key);
              });
            },
            pagingOptions(deps, ctx, { stream }),
          );
          if (!again) return snapshotState(deps, runId, stream);
        }
      });
    },
  };
}

/**
 * Bookkeeping for one page, in the page's transaction. Returns true when the last page of a
 * pass leaves the snapshot short of the record count the API reported: page it again.
 */
async function recordPage(db: PoolClient, p: { runId: string; stream: 'extensions' | 'directory'; page: Page; fetched: number; serverTime: string }): Promise<boolean> {
  const { rows } = await db.query<{ records: number; expected: number | null; passes: number }>(
    `UPDATE ringcentral.snapshot
        SET pages = pages + 1,
            records = (SELECT count(*) FROM ringcentral.${TABLE[p.stream]} WHERE run_id = $1),
            expected_records = greatest(expected_records, $3),
            -- Versions start at the capture time, in the server's clock like the calls they attribute.
            captured_at = CASE WHEN pages = 0 THEN $4::timestamptz ELSE captured_at END
      WHERE run_id = $1 AND stream = $2
      RETURNING records, expected_records AS expected, passes`,
    [p.runId, p.stream, p.page.total ?? null, p.serverTime],
  );
  if (p.page.next) return false;
  const { records, expected, passes } = rows[0];
  if (expected === null || records >= expected) {
    await db.query('UPDATE ringcentral.snapshot SET completed_at = now() WHERE run_id = $1 AND stream = $2', [p.runId, p.stream]);
    return false;
  }
  await db.query('UPDATE ringcentral.snapshot SET passes = passes + 1 WHERE run_id = $1 AND stream = $2', [p.runId, p.stream]);
  return passes < MAX_PASSES;
}

async function snapshotState(deps: ActivityDeps, runId: string, stream: string): Promise<SnapshotResult & { passes: number }> {
  const { rows } = await deps.pool.query(
    `SELECT pages, records, completed_at IS NOT NULL AS complete, passes, to_json(captured_at) #>> '{}' AS captured_at
       FROM ringcentral.snapshot WHERE run_id = $1 AND stream = $2`,
    [runId, stream],
  );
  const r = rows[0];
  return { pages: r.pages, records: r.records, complete: r.complete, passes: r.passes, serverTime: r.captured_at };
}
