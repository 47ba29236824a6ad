/** Complete snapshots of the extension list and the company directory, tied to one sync run. */
import { Context } from '@temporalio/activity';
import { directoryEntries, extensionList } from '../streams/endpoints';
import { paginate, type PageCursor } from '../streams/paginate';
import { deleteCheckpoint, inTransaction, readCheckpoint, writeCheckpoint } from '../warehouse/checkpoints';
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
  /** The RingCentral server's clock at the last page: what "now" is for this run. */
  serverTime: string;
}

export function snapshotActivities(deps: ActivityDeps) {
  return {
    async snapshotList(input: SnapshotInput): Promise<SnapshotResult> {
      return withFailureMapping(async () => {
        const { accountKey: accountId, runId, stream } = input;
        const rc = requireRc(deps).forAccount(accountId);
        await deps.pool.query(
          `INSERT INTO ringcentral.snapshot (run_id, account_id, stream, captured_at) VALUES ($1, $2, $3, now())
           ON CONFLICT DO NOTHING`,
          [runId, accountId, stream],
        );
        const done = await deps.pool.query('SELECT pages, records, captured_at FROM ringcentral.snapshot WHERE run_id = $1 AND stream = $2 AND completed_at IS NOT NULL', [
          runId,
          stream,
        ]);
        if (done.rows[0]) return { pages: done.rows[0].pages, records: done.rows[0].records, serverTime: done.rows[0].captured_at.toISOString() };

        const key = { accountId, stream, scope: runId };
        const start = (await readCheckpoint<PageCursor>(deps.pool, key)) ?? { page: 1 };
        const endpoint = stream === 'extensions' ? extensionList : directoryEntries;
        const insert = stream === 'extensions' ? insertExtensionSnapshot : insertDirectorySnapshot;
        const ctx = Context.current();
        await paginate(rc, endpoint, {}, start, async (page, fetched) => {
          await inTransaction(deps.pool, async (db) => {
            await insert(db, runId, accountId, page.records);
            await db.query(
              `UPDATE ringcentral.snapshot SET pages = $3, records = (SELECT count(*) FROM ringcentral.${stream === 'extensions' ? 'extension_snapshot' : 'directory_entry_snapshot'} WHERE run_id = $1),
                      completed_at = CASE WHEN $4 THEN now() END,
                      -- Versions start at the capture time, in the server's clock like the calls they attribute.
                      captured_at = CASE WHEN $3 = 1 THEN $5::timestamptz ELSE captured_at END
                WHERE run_id = $1 AND stream = $2`,
              [runId, stream, fetched.page, !page.next, (rc.serverTime ?? new Date()).toISOString()],
            );
            if (page.next) await writeCheckpoint(db, key, page.next);
            else await deleteCheckpoint(db, key);
          });
          ctx.heartbeat({ stream, page: fetched.page });
        }, pagingOptions(deps, (d) => ctx.heartbeat(d), { stream }));
        const { rows } = await deps.pool.query('SELECT pages, records FROM ringcentral.snapshot WHERE run_id = $1 AND stream = $2', [runId, stream]);
        return { pages: rows[0].pages, records: rows[0].records, serverTime: (rc.serverTime ?? new Date()).toISOString() };
      });
    },
  };
}
